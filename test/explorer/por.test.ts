// Partial-order reduction by independent process groups (Model.independent): a counter pair `a`
// that shares nothing with a counter pair `b`. Expanding `a` alone while it can move keeps every
// state of each part: the verdicts, the shortest counterexamples' lengths and the liveness verdicts
// are those of the full search, with the parts' state counts added instead of multiplied.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/bfs.ts';
import { array, int, record } from '../../explorer/codec.ts';
import { compile } from '../../explorer/compile.ts';
import { ModelError } from '../../explorer/errors.ts';
import { defineModel, step, type Model, type Process } from '../../explorer/model.ts';

interface Pairs {
  a: number[];
  b: number[];
}

const K = 3;

function counting(part: 'a' | 'b', instances: number, readOther = false): Process<Pairs> {
  return {
    name: part,
    instances,
    steps: [
      step<Pairs>({
        name: 'inc',
        // The broken model: `a` waits for `b`'s first counter, so `b` can disable it.
        enabled: (s, i) => s[part][i]! < K && (!readOther || part !== 'a' || s.b[0]! < K),
        apply: (d, i) => void d[part][i]!++,
      }),
    ],
  };
}

function pairs(opts: { independent: boolean; readOther?: boolean; mixed?: boolean }): Model<Pairs, Record<string, never>> {
  return defineModel<Pairs, Record<string, never>>({
    name: 'pairs',
    description: 'two pairs of counters',
    follows: 'test',
    params: z.object({}).strict(),
    init: () => [{ a: [0, 0], b: [0, 0] }],
    codec: () => record<Pairs>({ a: array(2, int(0, K)), b: array(2, int(0, K)) }),
    processes: () => [counting('b', 2), counting('a', 2, opts.readOther ?? false)],
    invariants: [
      { name: 'a-not-full', description: 'a pair below K', source: 'test', holds: (s) => s.a.some((x) => x < K) },
      { name: 'b-apart', description: "b's counters never both at 2", source: 'test', holds: (s) => !(s.b[0] === 2 && s.b[1] === 2) },
      ...(opts.mixed ? [{ name: 'mixed', description: 'reads both parts', source: 'test', holds: (s: Pairs) => s.a[0]! + s.b[0]! < 3 }] : []),
    ],
    witnesses: [{ name: 'b-done', description: 'b counted to K', reached: (s) => s.b.every((x) => x === K) }],
    liveness: [{ name: 'b-finishes', description: 'b counts to K', source: 'test', to: (s) => s.b.every((x) => x === K), fairness: ['b'] }],
    isFinal: () => true,
    ...(opts.independent ? { independent: () => [['a']] } : {}),
  });
}

const run = (m: Model<Pairs, Record<string, never>>, options = {}) => explore(compile(m, {}), { continueAfterViolation: true, ...options });
const summary = (r: ReturnType<typeof run>) => (r.kind === 'violation' ? r.violations.map((v) => `${v.property}:${v.length}`).sort() : []);

describe('partial-order reduction of independent groups', () => {
  it('keeps the verdicts, the shortest lengths and liveness, with the parts added: 16 + 15 states, not 16 × 16', () => {
    const full = run(pairs({ independent: true }), { por: false });
    const reduced = run(pairs({ independent: true }));
    expect(full.stats.distinctStates).toBe(16 * 16);
    expect(reduced.stats.distinctStates).toBe(16 + 15);
    expect(summary(reduced)).toEqual(summary(full));
    expect(summary(full)).toEqual(['a-not-full:6', 'b-apart:4']);
    expect(reduced.stats.liveness).toMatchObject({ checked: true });
    expect(reduced.stats.reduction).toBe('partial-order reduction: independent processes expanded alone (a)');
    expect(full.stats.reduction).toBeUndefined();
  });

  it('--check-independence accepts the true promise', () => {
    expect(() => run(pairs({ independent: true }), { checkIndependence: true })).not.toThrow();
  });

  it('--check-independence rejects a group another process can disable, and a property reading both parts', () => {
    expect(() => run(pairs({ independent: true, readOther: true }), { checkIndependence: true })).toThrow(ModelError);
    expect(() => run(pairs({ independent: true, readOther: true }), { checkIndependence: true })).toThrow(/b\/inc.*disables a\/inc|a\/inc.*b\/inc/);
    expect(() => run(pairs({ independent: true, mixed: true }), { checkIndependence: true })).toThrow(/property mixed changes under a\/inc and under b\/inc/);
  });

  it('a group naming no process of the model is a harness error', () => {
    const bad = { ...pairs({ independent: false }), independent: () => [['c']] };
    expect(() => compile(bad, {})).toThrow(/independent group names process 'c'/);
  });

  it('liveness fair to a group process is not checked under the reduction, and is without it', () => {
    const m = pairs({ independent: true });
    const fairToA = { ...m, liveness: [{ ...m.liveness![0]!, name: 'a-finishes', to: (s: Pairs) => s.a.every((x) => x === K), fairness: ['a'] }] };
    expect(run(fairToA).stats.liveness).toMatchObject({ checked: false, reason: expect.stringMatching(/partial-order reduction/) });
    expect(run(fairToA, { por: false }).stats.liveness).toMatchObject({ checked: true });
  });
});
