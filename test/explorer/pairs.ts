// Two pairs of counters, `a` and `b`, that share nothing: the partial-order reduction's test model
// (Model.independent). `a` alone is declared independent; `readOther` breaks the promise (`a` waits
// for `b`'s first counter, so `b` can disable it) and `mixed` adds an invariant that reads both.
import { z } from 'zod';
import { array, int, record } from '../../explorer/codec.ts';
import { defineModel, step, type Process } from '../../explorer/model.ts';

export interface Pairs {
  a: number[];
  b: number[];
}

export const K = 3;

const Params = z
  .object({
    independent: z.boolean().default(true),
    readOther: z.boolean().default(false),
    mixed: z.boolean().default(false),
  })
  .strict();
export type PairsConfig = z.infer<typeof Params>;

function counting(part: 'a' | 'b', instances: number, readOther: boolean): Process<Pairs> {
  return {
    name: part,
    instances,
    steps: [
      step<Pairs>({
        name: 'inc',
        enabled: (s, i) => s[part][i]! < K && (!readOther || part !== 'a' || s.b[0]! < K),
        apply: (d, i) => void d[part][i]!++,
      }),
    ],
  };
}

export default defineModel<Pairs, PairsConfig>({
  name: 'pairs',
  description: 'two pairs of counters',
  follows: 'test',
  params: Params,
  init: () => [{ a: [0, 0], b: [0, 0] }],
  codec: () => record<Pairs>({ a: array(2, int(0, K)), b: array(2, int(0, K)) }),
  processes: (c) => [counting('b', 2, false), counting('a', 2, c.readOther)],
  invariants: [
    { name: 'a-not-full', description: 'a pair below K', source: 'test', holds: (s) => s.a.some((x) => x < K) },
    { name: 'b-apart', description: "b's counters never both at 2", source: 'test', holds: (s) => !(s.b[0] === 2 && s.b[1] === 2) },
    { name: 'mixed', description: 'reads both parts (when asked)', source: 'test', holds: (s, c) => !c.mixed || s.a[0]! + s.b[0]! < 3 },
  ],
  witnesses: [{ name: 'b-done', description: 'b counted to K', reached: (s) => s.b.every((x) => x === K) }],
  liveness: [{ name: 'b-finishes', description: 'b counts to K', source: 'test', to: (s) => s.b.every((x) => x === K), fairness: ['b'] }],
  isFinal: () => true,
  independent: (c) => (c.independent ? [['a']] : []),
});
