/* Bounded producer/consumer: shared/peers/REFERENCE-MODELS.md (b), one d_step per step, every
 * variable global (the item taken is read into the consumer's cp and cs), so that SPIN -DNOREDUCE
 * stores exactly the model's states (test/models/prodcons.ts). Run: spin -a -DN=3 -DK=3 prodcons.pml */
#ifndef N
#define N 2
#endif
#ifndef K
#define K 2
#endif

chan q = [K] of { byte, bit };
bit ppc[N];
bit pseq[N];
bit cpc;
byte cp;
bit cs;
bit cexp[N];

active [N] proctype producer()
{
  do
  :: d_step { ppc[_pid] == 0 -> ppc[_pid] = 1 }
  :: d_step { ppc[_pid] == 1 && nfull(q) -> q!_pid, pseq[_pid]; pseq[_pid] = 1 - pseq[_pid]; ppc[_pid] = 0 }
  od
}

active proctype consumer()
{
  do
  :: d_step { cpc == 0 && nempty(q) -> q?cp, cs; cpc = 1 }
  :: d_step { cpc == 1 -> assert(cs == cexp[cp]); cexp[cp] = 1 - cexp[cp]; cp = 0; cs = 0; cpc = 0 }
  od
}
