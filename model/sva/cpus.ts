// The CPUs (the `cpus` bound): each switches between the modelled processes and processes outside the
// model, which is all the arm64 ASID allocator (model/mm/context.ts) needs to hand ASIDs out, run out
// of them and roll over. What a CPU runs is its current task's active_mm; the task's own work (its
// faults, munmaps, exit) is the `process` steps, which do not depend on where it runs.
// Leaves out, and why: lazy-TLB active_mm references of kernel threads (they hold mm_count, not an
// ASID of their own: an exited mm's ASID stays in active_asids until the CPU's next switch, as here).
import { step, type AnyStep, type Process } from '../../explorer/model.ts';
import type { MmId } from '../ids.ts';
import { CONTEXT_C, asid_gen_match, check_and_switch_context, new_context_beyond_bound, type ContextOpts } from '../mm/context.ts';
import { mm_init, type MmStruct } from '../mm/mm.ts';
import type { IopfParams } from '../params.ts';
import type { CpuMm, State } from '../state.ts';
import { mmConfig, mmCount, vmLayout } from './config.ts';

/** A process outside the model: a new mm (context.id 0) that runs once. */
const otherMm = (c: IopfParams) => mm_init(mmConfig(c), vmLayout(c));

/** The next task's mm: a modelled one, or a process outside the model. */
type Next = Exclude<CpuMm, { kind: 'idle' }>;

function switchChoices(c: IopfParams, s: State, cpu: number): Next[] {
  const running = s.cpu_mm[cpu]!;
  const mms: Next[] = [];
  for (let mm = 0; mm < mmCount(c); mm++) {
    const live = s.procs[mm]!.pc !== 'exited' && s.mms[mm]!.users > 0;
    if (live && !(running.kind === 'mm' && running.mm === mm)) mms.push({ kind: 'mm', mm: mm as MmId });
  }
  if (s.other_processes > 0) mms.push({ kind: 'other' });
  return mms;
}

/** The next task's mm may be given a context id without rolling over past the generations bound. */
function withinBound(s: State, next: Next, other: MmStruct, opts: ContextOpts): boolean {
  const mm = next.kind === 'mm' ? s.mms[next.mm]! : other;
  return asid_gen_match(s.cpu_asid, mm.context.id) || !new_context_beyond_bound(s.cpu_asid, mm, opts);
}

export function cpuProcess(c: IopfParams): Process<State> {
  return { name: 'cpu', instances: c.cpus, steps: [switchStep(c)] };
}

/** check_and_switch_context as context.c has it, or with a variant's allocator (`opts`). */
export function switchStep(c: IopfParams, opts: ContextOpts = CONTEXT_C): AnyStep<State> {
  const fresh = otherMm(c);
  return step<State, Next>({
        name: 'check_and_switch_context',
        doc: 'context_switch → switch_mm → check_and_switch_context(next mm): the lockless fast path (active_asids non-zero and the generation current: one cmpxchg), else under cpu_asid_lock new_context when the generation is old (reuse a reserved, pinned or free old ASID, else allocate, rolling over when none is left: flush_context) and publish active_asids',
        source: 'arch/arm64/mm/context.c:215-259 (87ea6a1e395a) (check_and_switch_context); 158-213 (new_context); 104-132 (flush_context)',
        locks: 'none on the fast path; cpu_asid_lock (raw spinlock, irqs off) on the slow path',
        // Read only by the guard: one fresh mm stands for every process outside the model.
        choices: (s, cpu) => switchChoices(c, s, cpu).filter((next) => withinBound(s, next, fresh, opts)),
        apply: (d, cpu, next) => {
          if (next.kind === 'other') {
            check_and_switch_context(d.cpu_asid, otherMm(c), cpu, opts);
            d.other_processes--;
          } else {
            check_and_switch_context(d.cpu_asid, d.mms[next.mm]!, cpu, opts);
          }
          d.cpu_mm[cpu] = next;
        },
        showChoice: (next) => (next.kind === 'mm' ? `mm ${next.mm}` : next.kind),
  });
}
