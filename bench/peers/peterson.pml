/* Peterson's filter lock for N processes: shared/peers/REFERENCE-MODELS.md (a), one d_step per
 * step, every variable global, so that SPIN -DNOREDUCE stores exactly the model's states (the same
 * as test/models/peterson.ts and TLC). Run: spin -a -DN=3 peterson.pml */
#ifndef N
#define N 2
#endif

byte pc[N];
byte level[N];
byte victim[N];

/* Every other process k is at a lower level than i (at most 8 processes). */
#define LOWER(k, i) (k >= N || k == i || level[k] < level[i])
#define OTHERS_LOWER(i) (LOWER(0, i) && LOWER(1, i) && LOWER(2, i) && LOWER(3, i) && \
                         LOWER(4, i) && LOWER(5, i) && LOWER(6, i) && LOWER(7, i))

active [N] proctype proc()
{
  do
  :: d_step { pc[_pid] == 0 -> level[_pid] = 1; pc[_pid] = 1 }
  :: d_step { pc[_pid] == 1 -> victim[level[_pid]] = _pid; pc[_pid] = 2 }
  :: d_step { pc[_pid] == 2 && (victim[level[_pid]] != _pid || OTHERS_LOWER(_pid)) ->
       if
       :: level[_pid] == N - 1 -> pc[_pid] = 3
       :: else -> pc[_pid] = 4
       fi }
  :: d_step { pc[_pid] == 4 -> level[_pid]++; pc[_pid] = 1 }
  :: d_step { pc[_pid] == 3 -> level[_pid] = 0; pc[_pid] = 0 }
  od
}

/* Mutex: at most one process in its critical section. */
#define IN_CS(k) (k < N && pc[k] == 3)
#define CS_COUNT (IN_CS(0) + IN_CS(1) + IN_CS(2) + IN_CS(3) + IN_CS(4) + IN_CS(5) + IN_CS(6) + IN_CS(7))
active proctype mutex() { do :: d_step { CS_COUNT > 1 -> assert(false) } od }
