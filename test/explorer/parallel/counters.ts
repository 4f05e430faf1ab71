// A small model for the parallel search's tests: three counters climbing to M by steps of 1 or 2 (a
// step with choices), stuck once all three are at M (a deadlock at the last level), with an
// invariant that fails on a whole level at once (sum = T), an action property that fails on many
// steps of one level, a witness, an optional constraint and an optional symmetry (sorted counters).
import { isMainThread } from 'node:worker_threads';
import { z } from 'zod';
import { array, int, record } from '../../../explorer/codec.ts';
import { defineModel, step } from '../../../explorer/model.ts';

export interface Counters {
  n: number[];
}

const Params = z
  .object({
    M: z.number().int().min(1).max(40).default(14),
    /** The invariant `sum != T` (never violated when T < 0). */
    T: z.number().int().default(-1),
    /** The action property: no step of 2 from a sum of exactly S (never violated when S < 0). */
    S: z.number().int().default(-1),
    /** Keep only states whose first counter is at most C. */
    C: z.number().int().default(99),
    /** A climb to a sum of E throws (a broken model; never when E < 0). */
    E: z.number().int().default(-1),
    /** A climb to a sum of X or more ends the worker thread it runs on (a thread that dies; never when X < 0). */
    X: z.number().int().default(-1),
    sym: z.boolean().default(false),
  })
  .strict();
type Config = z.infer<typeof Params>;

const sum = (s: Counters): number => s.n[0]! + s.n[1]! + s.n[2]!;

export default defineModel<Counters, Config>({
  name: 'counters',
  description: 'three counters climbing to M by 1 or 2',
  follows: 'test fixture',
  params: Params,
  init: () => [{ n: [0, 0, 0] }],
  codec: (c) => record<Counters>({ n: array(3, int(0, c.M)) }),
  processes: (c) => [
    {
      name: 'counter',
      instances: 3,
      steps: [
        step<Counters, number>({
          name: 'climb',
          choices: () => [1, 2],
          enabled: (s, i, by) => s.n[i]! + by <= c.M,
          apply: (d, i, by) => {
            d.n[i]! += by;
            if (d.n[0]! + d.n[1]! + d.n[2]! === c.E) throw new Error(`climbed to ${d.n.join(',')}`);
            if (c.X >= 0 && d.n[0]! + d.n[1]! + d.n[2]! >= c.X && !isMainThread) process.exit(7);
          },
        }),
      ],
    },
  ],
  invariants: [{ name: 'SumIsNotT', description: 'the counters never add up to T', source: 'fixture', holds: (s, c) => sum(s) !== c.T }],
  actionProperties: [
    {
      name: 'NoLeapAtS',
      description: 'no counter climbs by 2 from a sum of S',
      source: 'fixture',
      holds: (before, after, _step, c) => !(sum(before) === c.S && sum(after) === c.S + 2),
    },
  ],
  witnesses: [{ name: 'AllFive', description: 'every counter at 5', reached: (s) => s.n.every((x) => x === 5) }],
  constraint: (s, c) => s.n[0]! <= c.C,
  canonicalize: (s, c) => (c.sym ? { n: [...s.n].sort((a, b) => a - b) } : s),
  explainDeadlock: (s) => `stuck at ${s.n.join(',')}`,
});
