// Symmetry reduction: N interchangeable counters, each counting to K. Without reduction the search
// stores (K+1)^N states; with the counters sorted, one per multiset: C(N+K, N). Counterexamples
// stay concrete: every step shown is enabled in the state it is shown from.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/bfs.ts';
import { array, int, record } from '../../explorer/codec.ts';
import { applyWithImmer, compile, enabledMoves } from '../../explorer/compile.ts';
import { defineModel, step, type Model } from '../../explorer/model.ts';
import { lastFingerprint } from '../../explorer/fingerprint.ts';
import { RepresentativeCache } from '../../explorer/representatives.ts';

interface Counters {
  c: number[];
}

function counters(N: number, K: number, symmetric: boolean): Model<Counters, Record<string, never>> {
  return defineModel<Counters, Record<string, never>>({
    name: 'counters',
    description: 'N counters counting to K',
    follows: 'test',
    params: z.object({}).strict(),
    init: () => [{ c: Array<number>(N).fill(0) }],
    codec: () => record<Counters>({ c: array(N, int(0, K)) }),
    processes: () => [
      { name: 'counter', instances: N, steps: [step<Counters>({ name: 'inc', enabled: (s, i) => s.c[i]! < K, apply: (d, i) => void d.c[i]!++ })] },
    ],
    invariants: [{ name: 'not-all-full', description: 'some counter is below K', source: 'test', holds: (s) => s.c.some((x) => x < K) }],
    isFinal: () => true,
    ...(symmetric ? { canonicalize: (s: Counters) => ({ c: [...s.c].sort((a, b) => a - b) }) } : {}),
  });
}

const binomial = (n: number, k: number): number => (k === 0 ? 1 : (binomial(n - 1, k - 1) * n) / k);

describe('symmetry reduction', () => {
  it.each([
    [2, 3],
    [3, 2],
    [4, 3],
  ])('N=%i K=%i: (K+1)^N states without it, C(N+K, N) with it', (N, K) => {
    const full = explore(compile(counters(N, K, false), {}), { continueAfterViolation: true });
    const reduced = explore(compile(counters(N, K, true), {}), { continueAfterViolation: true });
    expect(full.stats.distinctStates).toBe((K + 1) ** N);
    expect(reduced.stats.distinctStates).toBe(binomial(N + K, N));
    expect(reduced.kind === 'violation' && reduced.violations[0]!.length).toBe(N * K);
  });

  it("remembers representatives' fingerprints: fewer successors canonicalized, the same counts", () => {
    const model = counters(4, 3, true);
    let calls = 0;
    const canonicalize = model.canonicalize!;
    // Without the invariant: a counterexample's trace is rebuilt through canonicalize too.
    const counted = { ...model, invariants: [], canonicalize: (s: Counters, c: Record<string, never>) => (calls++, canonicalize(s, c)) };
    const r = explore(compile(counted, {}));
    expect(r.stats.distinctStates).toBe(binomial(7, 4));
    // One call a successor (and one for the initial state) without the cache.
    expect(calls).toBeLessThan(r.stats.statesGenerated * 0.8);
    // The symmetry check canonicalizes every successor, the cache bypassed: the same search.
    calls = 0;
    const checked = explore(compile(counted, {}), { checkSymmetry: true });
    expect(calls).toBeGreaterThanOrEqual(checked.stats.statesGenerated);
    expect([checked.stats.distinctStates, checked.stats.statesGenerated]).toEqual([r.stats.distinctStates, r.stats.statesGenerated]);
  });

  it('a remembered representative is found by the fingerprint it was remembered under, and only by it', () => {
    const cache = new RepresentativeCache(4);
    cache.remember(7, 9, 11, 13);
    expect(cache.find(7, 9)).toBe(true);
    expect([lastFingerprint.hi, lastFingerprint.lo]).toEqual([11, 13]);
    expect(cache.find(8, 9)).toBe(false);
    expect(cache.find(7, 25)).toBe(false);
    // Same slot (the low lane modulo 16): the later one replaces the earlier.
    cache.remember(1, 25, 3, 5);
    expect(cache.find(7, 9)).toBe(false);
    expect(cache.find(1, 25)).toBe(true);
    // An empty slot matches no fingerprint (a low lane is odd).
    expect(new RepresentativeCache(4).find(0, 1)).toBe(false);
    expect(new RepresentativeCache(4).find(0, 17)).toBe(false);
  });

  it('a counterexample found through representatives is a concrete, enabled path', () => {
    const model = counters(3, 2, true);
    const compiled = compile(model, {});
    const result = explore(compiled);
    expect(result.kind).toBe('violation');
    if (result.kind !== 'violation') return;
    const trace = result.violations[0]!.trace;
    for (let k = 1; k < trace.length; k++) {
      const move = trace[k]!.move!;
      const options = enabledMoves(compiled, trace[k - 1]!.state).filter((m) => m.action.self === move.self && m.action.step.name === move.step);
      expect(options).toHaveLength(1);
      expect(applyWithImmer(options[0]!.action, trace[k - 1]!.state, options[0]!.choice)).toEqual(trace[k]!.state);
    }
    expect(trace.at(-1)!.state.c).toEqual([2, 2, 2]);
  });
});

describe('a canonicalize that is not a symmetry is caught', () => {
  // Sorting the counters while an invariant singles out counter 0: the representative of [2, 0] is
  // [0, 2], where "counter 0 stays below 2" holds again.
  const broken = (): Model<Counters, Record<string, never>> => ({
    ...counters(2, 2, true),
    invariants: [{ name: 'first-below-2', description: 'counter 0 stays below 2', source: 'test', holds: (s: Counters) => s.c[0]! < 2 }],
  });

  it('by simulate, on the first state where the invariant tells them apart', async () => {
    const { simulate } = await import('../../explorer/simulate.ts');
    expect(() => simulate(compile(broken(), {}), { walks: 50, seed: 1 })).toThrow(
      /canonicalize is not a symmetry of .*: invariant first-below-2 fails there but not on its representative/,
    );
  });

  it('by explore with checkSymmetry, and not without it', () => {
    expect(() => explore(compile(broken(), {}), { checkSymmetry: true })).toThrow(/canonicalize is not a symmetry/);
    expect(() => explore(compile(broken(), {}))).not.toThrow();
    // A real symmetry passes the check.
    expect(explore(compile(counters(3, 2, true), {}), { checkSymmetry: true, continueAfterViolation: true }).stats.distinctStates).toBe(binomial(5, 3));
  });

  it('a canonicalize that sorts in place (the parent shares what a step did not touch) is caught by checkSymmetry', () => {
    const inPlace = (): Model<Counters, Record<string, never>> => ({ ...counters(3, 2, true), canonicalize: (s: Counters) => (s.c.sort((a, b) => a - b), s) });
    expect(() => explore(compile(inPlace(), {}), { checkSymmetry: true })).toThrow(/canonicalize is not a symmetry of the state after counter\/inc: it changed the state it was given/);
  });
});
