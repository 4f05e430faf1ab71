// Partial-order reduction by independent process groups (Model.independent): a counter pair `a`
// that shares nothing with a counter pair `b`. Expanding `a` alone while it can move keeps every
// state of each part: the verdicts, the shortest counterexamples' lengths and the liveness verdicts
// are those of the full search, with the parts' state counts added instead of multiplied.
import { describe, expect, it } from 'vitest';
import { explore, type ExploreOptions } from '../../explorer/bfs.ts';
import { compile } from '../../explorer/compile.ts';
import { ModelError } from '../../explorer/errors.ts';
import type { Model } from '../../explorer/model.ts';
import pairsModel, { K, type Pairs, type PairsConfig } from './pairs.ts';

interface Case {
  readonly model: Model<Pairs, PairsConfig>;
  readonly params: PairsConfig;
}

const pairs = (opts: Partial<PairsConfig>, model = pairsModel): Case => ({ model, params: pairsModel.params.parse(opts) as PairsConfig });
const run = (c: Case, options: ExploreOptions = {}) => explore(compile(c.model, c.params), { continueAfterViolation: true, ...options });
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
    const bad = pairs({}, { ...pairsModel, independent: () => [['c']] });
    expect(() => compile(bad.model, bad.params)).toThrow(/independent group names process 'c'/);
  });

  it('liveness fair to a group process is not checked under the reduction, and is without it', () => {
    const m = pairsModel;
    const fairToA = pairs({}, { ...m, liveness: [{ ...m.liveness![0]!, name: 'a-finishes', to: (s: Pairs) => s.a.every((x) => x === K), fairness: ['a'] }] });
    expect(run(fairToA).stats.liveness).toMatchObject({ checked: false, reason: expect.stringMatching(/partial-order reduction/) });
    expect(run(fairToA, { por: false }).stats.liveness).toMatchObject({ checked: true });
  });
});
