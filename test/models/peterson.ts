// Peterson's mutual exclusion for N processes (the filter lock), as specified in
// shared/peers/REFERENCE-MODELS.md (a): the same variables and atomic steps as the Promela
// (`peterson.pml`, one d_step per step) and TLA+ (`peterson.tla`, one action per step) versions, so
// that SPIN -DNOREDUCE, TLC and this explorer report the same distinct-state and transition counts.
// For N = 2, `level[i] = 1` is `flag[i] = true` and `victim[1] = i` is `turn = 1 - i`.
// Nothing is left out: the model is the spec's table, step for step.
import { z } from 'zod';
import { array, int, record } from '../../explorer/codec.ts';
import { defineModel, step } from '../../explorer/model.ts';

export interface Peterson {
  /** 0 non-critical, 1 set victim, 2 wait, 3 critical section, 4 raise level. */
  pc: number[];
  /** 0 = not competing, else the level being entered (1..N-1). */
  level: number[];
  /** victim[L] for L in 1..N-1; victim[0] exists but is never written. */
  victim: number[];
}

export const PetersonParams = z
  .object({ N: z.number().int().min(2).max(8).default(2) })
  .strict();
export type PetersonConfig = z.infer<typeof PetersonParams>;

/** Labels of `pc` 0..4, for `at` guards and traces. */
export const PC = ['ncs', 'setVictim', 'wait', 'cs', 'raise'] as const;

/** The Pass guard: `victim[level[i]] != i` or every other k has `level[k] < level[i]`. */
export const mayPass = (s: Peterson, i: number): boolean =>
  s.victim[s.level[i]!] !== i || s.level.every((l, k) => k === i || l < s.level[i]!);

export const criticalCount = (s: Peterson): number => s.pc.filter((p) => p === 3).length;

export const petersonSteps = (N: number) => [
  step<Peterson>({
    name: 'Enter',
    at: 'ncs',
    doc: 'level[i] := 1 (flag[i] := true for N = 2)',
    apply: (d, i) => {
      d.level[i] = 1;
      d.pc[i] = 1;
    },
  }),
  step<Peterson>({
    name: 'SetVictim',
    at: 'setVictim',
    doc: 'victim[level[i]] := i (turn := 1 - i for N = 2)',
    apply: (d, i) => {
      d.victim[d.level[i]!] = i;
      d.pc[i] = 2;
    },
  }),
  step<Peterson>({
    name: 'Pass',
    at: 'wait',
    doc: 'leave the wait at this level: critical section at level N-1, else raise',
    enabled: (s, i) => mayPass(s, i),
    apply: (d, i) => {
      d.pc[i] = d.level[i] === N - 1 ? 3 : 4;
    },
  }),
  step<Peterson>({
    name: 'Raise',
    at: 'raise',
    doc: 'level[i] := level[i] + 1, then set the victim of the new level',
    apply: (d, i) => {
      d.level[i]! += 1;
      d.pc[i] = 1;
    },
  }),
  step<Peterson>({
    name: 'Exit',
    at: 'cs',
    doc: 'leave the critical section: level[i] := 0',
    apply: (d, i) => {
      d.level[i] = 0;
      d.pc[i] = 0;
    },
  }),
];

export default defineModel<Peterson, PetersonConfig>({
  name: 'peterson',
  description: "Peterson's filter lock for N processes (reference model for SPIN/TLC comparisons)",
  follows: 'shared/peers/REFERENCE-MODELS.md (a) Peterson',
  params: PetersonParams,
  init: ({ N }) => [{ pc: Array<number>(N).fill(0), level: Array<number>(N).fill(0), victim: Array<number>(N).fill(0) }],
  codec: ({ N }) =>
    record<Peterson>({
      pc: array(N, int(0, 4)),
      level: array(N, int(0, N - 1)),
      victim: array(N, int(0, N - 1)),
    }),
  processes: ({ N }) => [
    {
      name: 'proc',
      instances: N,
      pc: (s, i) => PC[s.pc[i]!] ?? `pc${s.pc[i]}`,
      steps: petersonSteps(N),
    },
  ],
  invariants: [
    {
      name: 'Mutex',
      description: 'at most one process is in its critical section (pc = 3)',
      source: 'REFERENCE-MODELS.md (a): Mutex',
      holds: (s) => criticalCount(s) <= 1,
    },
  ],
  liveness: [
    {
      name: 'StarvationFreedom',
      description: 'process 0, once it competes (left its non-critical section), reaches its critical section',
      source: 'Lamport, Specifying Systems, 8.9 (Peterson, StarvationFree); REFERENCE-MODELS.md (a)',
      from: (s) => s.pc[0] !== 0 && s.pc[0] !== 3,
      to: (s) => s.pc[0] === 3,
      // Every step but Enter is fair: a process may stay in its non-critical section for ever.
      fairness: [{ process: 'proc', steps: ['SetVictim', 'Pass', 'Raise', 'Exit'] }],
    },
  ],
});
