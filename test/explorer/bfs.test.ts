// The search against an independent oracle: on generated state graphs it must find exactly the
// reachable states, count every generated successor, and return a shortest counterexample.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/bfs.ts';
import { compile, enabledMoves } from '../../explorer/compile.ts';
import { ModelError } from '../../explorer/errors.ts';
import { distances, graphModel, type Graph } from '../helpers/graph-model.ts';

const graphArb: fc.Arbitrary<Graph> = fc.integer({ min: 1, max: 30 }).chain((n) =>
  fc.record({
    edges: fc.array(fc.uniqueArray(fc.nat(n - 1), { maxLength: 4 }), { minLength: n, maxLength: n }),
    initial: fc.uniqueArray(fc.nat(n - 1), { minLength: 1, maxLength: 3 }),
    bad: fc.uniqueArray(fc.nat(n - 1), { maxLength: 3 }),
    final: fc.uniqueArray(fc.nat(n - 1), { maxLength: n }),
  }),
);

const run = (g: Graph, options = {}) => explore(compile(graphModel(g), {}), options);

describe('breadth-first search on generated graphs', () => {
  it('finds exactly the reachable states and counts every generated successor', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const dist = distances(g);
        const result = run({ ...g, bad: [] }, { checkDeadlock: false });
        const reachable = dist.filter((d) => d >= 0).length;
        const successors = dist.reduce((sum, d, i) => sum + (d >= 0 ? (g.edges[i]?.length ?? 0) : 0), 0);
        expect(result.kind).toBe('ok');
        expect(result.stats.distinctStates).toBe(reachable);
        const levels: number[] = [];
        for (const d of dist) if (d >= 0) levels[d] = (levels[d] ?? 0) + 1;
        expect(result.stats.levels).toEqual(levels);
        expect(result.stats.statesGenerated).toBe(g.initial.length + successors);
        expect(result.stats.depth).toBe(Math.max(...dist));
      }),
      { numRuns: 300 },
    );
  });

  it('returns a shortest counterexample that really is a path of the graph', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const dist = distances(g);
        const reachableBad = g.bad.filter((b) => dist[b]! >= 0);
        const result = run(g, { checkDeadlock: false });
        if (reachableBad.length === 0) {
          expect(result.kind).toBe('ok');
          return;
        }
        expect(result.kind).toBe('violation');
        if (result.kind !== 'violation') return;
        const [v] = result.violations;
        expect(v!.length).toBe(Math.min(...reachableBad.map((b) => dist[b]!)));
        const nodes = v!.trace.map((t) => (t.state as { at: number }).at);
        expect(g.initial).toContain(nodes[0]);
        nodes.slice(1).forEach((to, i) => expect(g.edges[nodes[i]!]).toContain(to));
        expect(g.bad).toContain(nodes.at(-1));
      }),
      { numRuns: 300 },
    );
  });

  it('reports a reachable node with no successor that is not final as a deadlock, shortest first', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const dist = distances(g);
        const stuck = dist.map((d, i) => (d >= 0 && (g.edges[i]?.length ?? 0) === 0 && !(g.final ?? []).includes(i) ? d : -1)).filter((d) => d >= 0);
        const result = run({ ...g, bad: [] });
        if (stuck.length === 0) {
          expect(result.kind).toBe('ok');
        } else {
          expect(result.kind === 'violation' && result.violations[0]).toMatchObject({ property: 'deadlock', length: Math.min(...stuck) });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a model that turns the deadlock check off in its definition explores every dead end to the same counts', () => {
    const g = { edges: [[1, 2], [], [3], []], initial: [0], bad: [] };
    const model = graphModel(g);
    const checked = explore(compile(model, {}), { continueAfterViolation: true });
    expect(checked.kind === 'violation' && checked.violations.map((v) => v.property)).toEqual(['deadlock']);
    const unchecked = explore(compile({ ...model, checkDeadlock: false }, {}));
    expect(unchecked.kind).toBe('ok');
    expect(unchecked.stats.distinctStates).toBe(checked.stats.distinctStates);
  });

  it('is deterministic: two runs give the same counts and the same trace', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const a = run(g, { continueAfterViolation: true });
        const b = run(g, { continueAfterViolation: true });
        expect({ ...a.stats, seconds: 0, statesPerSecond: 0 }).toEqual({ ...b.stats, seconds: 0, statesPerSecond: 0 });
        expect(a.kind === 'violation' ? a.violations : []).toEqual(b.kind === 'violation' ? b.violations : []);
      }),
      { numRuns: 100 },
    );
  });
});

// A long chain 0 -> 1 -> ... -> n-1 with the last node bad.
const chain = (n: number): Graph => ({
  edges: Array.from({ length: n }, (_, i) => (i + 1 < n ? [i + 1] : [])),
  initial: [0],
  bad: [n - 1],
  final: [n - 1],
});

describe('bounds stop the search cleanly with a partial report', () => {
  it('--max-depth: incomplete when states beyond the bound exist, complete when none do', () => {
    const g = chain(50);
    const cut = run(g, { maxDepth: 10 });
    expect(cut).toMatchObject({ kind: 'incomplete', reason: 'max-depth' });
    expect(cut.stats.distinctStates).toBe(11);
    expect(run({ ...g, bad: [] }, { maxDepth: 49 }).kind).toBe('ok');
  });

  it('--max-states', () => {
    const result = run(chain(50), { maxStates: 7 });
    expect(result).toMatchObject({ kind: 'incomplete', reason: 'max-states' });
    expect(result.stats.distinctStates).toBe(7);
  });

  it('--max-seconds', () => {
    // 200k nodes in a chain take well over the 1 ms allowed here.
    const result = run(chain(200_000), { maxSeconds: 0.001 });
    expect(result).toMatchObject({ kind: 'incomplete', reason: 'max-seconds' });
  });

  it('the memory guard', () => {
    const result = run(chain(200_000), { maxMemoryBytes: 1 });
    expect(result).toMatchObject({ kind: 'incomplete', reason: 'memory' });
  });
});

describe('properties', () => {
  it('--continue collects one shortest counterexample per violated property', () => {
    const g: Graph = { edges: [[1, 2], [3], [], [0]], initial: [0], bad: [3], final: [] };
    const result = run(g, { continueAfterViolation: true });
    expect(result.kind).toBe('violation');
    if (result.kind !== 'violation') return;
    expect(result.violations.map((v) => [v.property, v.length]).sort()).toEqual([
      ['avoid-bad', 2],
      ['deadlock', 1],
    ]);
    expect(result.stats.distinctStates).toBe(4);
  });

  it('a witness no state reaches is a failure, once the search is complete', () => {
    const base = graphModel(chain(5));
    const never = { ...base, witnesses: [{ name: 'reach-7', description: 'node 7', reached: (s: { at: number }) => s.at === 7 }] };
    const result = explore(compile({ ...never, invariants: [] }, {}));
    expect(result.kind === 'violation' && result.violations[0]).toMatchObject({ property: 'reach-7', kind: 'witness', length: 0 });
    const reached = { ...base, invariants: [], witnesses: [{ name: 'reach-3', description: 'node 3', reached: (s: { at: number }) => s.at === 3 }] };
    expect(explore(compile(reached, {}))).toMatchObject({ kind: 'ok', witnesses: [{ name: 'reach-3', reached: true }] });
  });

  it('a step that throws, or a state outside its codec, is a ModelError naming the step', () => {
    const base = graphModel(chain(3));
    const throwing = {
      ...base,
      processes: () => [{ name: 'walker', instances: 1, steps: [{ name: 'boom', apply: () => { throw new Error('kaput'); } }] }],
    };
    expect(() => explore(compile(throwing, {}))).toThrow(new ModelError('model graph: step walker/boom threw in its recipe: kaput'));
    const outside = {
      ...base,
      processes: () => [{ name: 'walker', instances: 1, steps: [{ name: 'jump', apply: (d: { at: number }) => void (d.at = 99) }] }],
    };
    expect(() => explore(compile(outside, {}))).toThrow(/the state after walker\/jump does not fit its codec: state.at: 99 is outside the declared range/);
    try {
      explore(compile(outside, {}));
    } catch (e) {
      // The path from the initial state through the step that overflowed, re-executed without the codec.
      expect((e as ModelError).trace?.map((t) => t.move?.step ?? null)).toEqual([null, 'jump']);
      expect((e as ModelError).trace?.at(-1)?.state).toEqual({ at: 99 });
    }
    const badPc = {
      ...base,
      processes: () => [{ name: 'walker', instances: 1, pc: () => { throw new Error('no pc'); }, steps: [{ name: 'go', at: 'x', apply: () => undefined }] }],
    };
    expect(() => explore(compile(badPc, {}))).toThrow(new ModelError('model graph: process walker[0] threw computing its pc: no pc'));
  });

  it('offers the steps at the pc label (one label, a list of labels, or none) in the order the process lists them', () => {
    const base = graphModel(chain(3));
    const labelled = {
      ...base,
      processes: () => [
        {
          name: 'walker',
          instances: 2,
          pc: (s: { at: number }, self: number) => (s.at + self === 1 ? 'one' : 'other'),
          steps: [
            { name: 'any', apply: () => undefined },
            { name: 'at-one', at: 'one', apply: () => undefined },
            { name: 'at-list', at: ['one', 'two'], apply: () => undefined },
            { name: 'at-two', at: 'two', apply: () => undefined },
          ],
        },
      ],
    };
    const c = compile(labelled, {});
    expect(enabledMoves(c, { at: 0 }).map((m) => `${m.action.self}:${m.action.step.name}`)).toEqual(['0:any', '1:any', '1:at-one', '1:at-list']);
    expect(enabledMoves(c, { at: 1 }).map((m) => `${m.action.self}:${m.action.step.name}`)).toEqual(['0:any', '0:at-one', '0:at-list', '1:any']);
  });
});

describe('a frontier over its memory budget', () => {
  it('goes to disk and back: the same counts, verdicts and traces as a search that kept it in memory', async () => {
    const { default: peterson } = await import('../models/peterson.ts');
    const compiled = compile(peterson, { N: 5 });
    const summary = (r: ReturnType<typeof explore>) => ({
      kind: r.kind,
      distinct: r.stats.distinctStates,
      generated: r.stats.statesGenerated,
      depth: r.stats.depth,
      violations: r.kind === 'violation' ? r.violations.map((v) => [v.property, v.trace.map((t) => t.move?.step)]) : [],
    });
    const kept = explore(compiled, { continueAfterViolation: true });
    const spilled = explore(compiled, { continueAfterViolation: true, frontierMemoryBytes: 1 << 14 });
    expect(kept.stats.frontierSpilledBytes).toBeUndefined();
    expect(spilled.stats.frontierSpilledBytes).toBeGreaterThan(1 << 14);
    expect(summary(spilled)).toEqual(summary(kept));
  });
});
