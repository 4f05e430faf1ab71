// Liveness under fairness: leads-to and eventually checked on the whole state graph, weak and strong
// fairness told apart, stuttering where no fair step is enabled, lassos that replay, and an
// independent oracle on random graphs.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { explore } from '../../explorer/bfs.ts';
import { compile } from '../../explorer/compile.ts';
import { int, record } from '../../explorer/codec.ts';
import { defineModel, step, type Fairness, type Model } from '../../explorer/model.ts';
import type { ExploreResult, Violation } from '../../explorer/result.ts';
import { lassoCloses, lassoFails } from '../../explorer/liveness/lasso.ts';
import { graphModel, type Graph } from '../helpers/graph-model.ts';
import { cli, tempDir } from '../helpers/cli.ts';

interface Toggle {
  x: number;
  done: number;
}

/**
 * Process `flip` sets x on and off for ever; process `catch` can finish only while x is on. Under weak
 * fairness `catch` may starve (enabled infinitely often, never continuously); under strong it may not.
 */
const toggle = (catchFairness: Fairness | null, flipFair = true): Model<Toggle, Record<string, never>> =>
  defineModel<Toggle, Record<string, never>>({
    name: 'toggle',
    description: 'weak against strong fairness',
    follows: 'test',
    params: z.object({}).strict(),
    init: () => [{ x: 0, done: 0 }],
    codec: () => record<Toggle>({ x: int(0, 1), done: int(0, 1) }),
    processes: () => [
      { name: 'flip', instances: 1, steps: [step<Toggle>({ name: 'flip', apply: (d) => void (d.x = 1 - d.x) })] },
      { name: 'catch', instances: 1, steps: [step<Toggle>({ name: 'finish', enabled: (s) => s.x === 1 && s.done === 0, apply: (d) => void (d.done = 1) })] },
    ],
    invariants: [],
    liveness: [
      {
        name: 'finishes',
        description: 'catch eventually finishes',
        source: 'test',
        to: (s) => s.done === 1,
        fairness: [...(flipFair ? ['flip'] : []), ...(catchFairness ? [catchFairness] : [])],
      },
    ],
  });

const run = <S, C>(model: Model<S, C>, params: C) => {
  const compiled = compile(model, params);
  return { compiled, result: explore(compiled, { continueAfterViolation: true }) };
};

const liveness = <S>(r: ExploreResult<S>): Violation<S>[] => (r.kind === 'violation' ? r.violations.filter((v) => v.kind === 'liveness') : []);

describe('liveness under fairness', () => {
  it('tells weak fairness from strong: the starved process is a cycle under WF and holds under SF', () => {
    const weak = run(toggle({ process: 'catch' }), {});
    const [lasso] = liveness(weak.result);
    expect(lasso?.property).toBe('finishes');
    expect(lasso!.loop).toBeLessThan(lasso!.length);
    // The cycle flips x on and off: catch is disabled at one of its states, so WF does not force it.
    const cycle = lasso!.trace.slice(lasso!.loop! + 1).map((t) => t.move?.step);
    expect(cycle).toEqual(['flip', 'flip']);
    expect(lasso!.detail).toContain('WF catch[0]');
    const strong = run(toggle({ process: 'catch', strong: true }), {});
    expect(liveness(strong.result)).toEqual([]);
    expect(strong.result.stats.liveness).toMatchObject({ checked: true });
  });

  it('lets a process with no fairness stop: the behaviour stutters where only it could move', () => {
    const { result } = run(toggle(null, false), {});
    const [lasso] = liveness(result);
    // Nothing is fair: the behaviour may stop in the initial state.
    expect(lasso).toMatchObject({ length: 0, loop: 0 });
    expect(lasso!.detail).toMatch(/stutters for ever at state 0.*no fairness assumed/);
  });

  it('judges a recorded lasso again: it closes, starts at a from state, and is fair', () => {
    const { compiled, result } = run(toggle({ process: 'catch' }), {});
    const lasso = liveness(result)[0]!;
    const states = lasso.trace.map((t) => t.state);
    const actions = lasso.trace.map((t) => (t.move ? compiled.actions.find((a) => a.process.name === t.move!.process && a.step.name === t.move!.step)!.index : -1));
    expect(lassoCloses(compiled, states, lasso.loop!)).toBe(true);
    expect(lassoFails(compiled, compiled.liveness[0]!, states, actions, lasso.loop!)).toBeNull();
    // The same cycle is not a counterexample under strong fairness of catch.
    const strong = compile(toggle({ process: 'catch', strong: true }), {});
    expect(lassoFails(strong, strong.liveness[0]!, states, actions, lasso.loop!)).toMatch(/not fair to SF catch\[0\]/);
  });

  it('finds the fair part of a component that fails a strong condition (Emerson-Lei)', () => {
    // A ⇄ B, A ⇄ C, and from B only, p finishes. The component {A, B, C} enables p at B and never
    // takes it; without B, {A, C} is a cycle where p is never enabled: a fair way never to finish.
    interface At {
      at: number;
    }
    const [A, B, C, GOAL] = [0, 1, 2, 3];
    const model = defineModel<At, Record<string, never>>({
      name: 'emerson-lei',
      description: 'strong fairness refined inside a component',
      follows: 'test',
      params: z.object({}).strict(),
      init: () => [{ at: A }],
      codec: () => record<At>({ at: int(0, 3) }),
      processes: () => [
        { name: 'q', instances: 1, steps: [step<At, number>({ name: 'move', choices: (s) => (s.at === A ? [B, C] : s.at === GOAL ? [] : [A]), apply: (d, _i, to) => void (d.at = to) })] },
        { name: 'p', instances: 1, steps: [step<At>({ name: 'finish', enabled: (s) => s.at === B, apply: (d) => void (d.at = GOAL) })] },
      ],
      invariants: [],
      checkDeadlock: false,
      liveness: [{ name: 'finishes', description: 'p finishes', source: 'test', to: (s) => s.at === GOAL, fairness: ['q', { process: 'p', strong: true }] }],
    });
    const [lasso] = liveness(run(model, {}).result);
    const cycle = lasso!.trace.slice(lasso!.loop!).map((t) => t.state.at);
    expect(cycle).not.toContain(B);
    expect(cycle).toEqual([A, C, A]);
    expect(lasso!.detail).toContain('SF p[0]');
  });

  it('counts a step out of the constraint as enabled, though the graph does not follow it', () => {
    // Only x = 0 is explored. flip is enabled there (to a state outside) and fair, so the initial
    // state is no place to stutter, and no cycle stays inside: nothing violates within the constraint.
    const constrained: Model<Toggle, Record<string, never>> = { ...toggle({ process: 'catch' }), constraint: (s) => s.x === 0 };
    const { result } = run(constrained, {});
    expect(result.stats.liveness).toMatchObject({ checked: true, edges: 1 });
    expect(liveness(result)).toEqual([]);
    // Without fairness of flip, the behaviour may stop at once.
    expect(liveness(run({ ...toggle(null, false), constraint: (s: Toggle) => s.x === 0 }, {}).result)).toHaveLength(1);
  });

  it('is not checked on a search stopped early, and says so', () => {
    const compiled = compile(toggle({ process: 'catch' }), {});
    const result = explore(compiled, { maxDepth: 1 });
    expect(result.stats.liveness).toEqual({ checked: false, reason: expect.stringMatching(/stopped before the state graph was complete/) });
  });

  it('rejects fairness of a process or step the model does not have', () => {
    expect(() => compile(toggle({ process: 'nobody' }), {})).toThrow(/fairness of 'nobody', which is not a process/);
    expect(() => compile(toggle({ process: 'catch', steps: ['nothing'] }), {})).toThrow(/step 'catch\/nothing'/);
  });

  it('agrees with an independent oracle on random graphs (<>goal, walker weakly fair)', () => {
    const graphs = fc
      .integer({ min: 1, max: 9 })
      .chain((n) =>
        fc.record({
          edges: fc.array(fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: 3 }), { minLength: n, maxLength: n }),
          initial: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: 2 }),
          goal: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: n }),
        }),
      );
    fc.assert(
      fc.property(graphs, ({ edges, initial, goal }) => {
        const g: Graph = { edges, initial, bad: [] };
        const model: Model<{ at: number }, Record<string, never>> = {
          ...graphModel(g),
          liveness: [{ name: 'reaches-goal', description: 'a goal node is reached', source: 'test', to: (s) => goal.includes(s.at), fairness: ['walker'] }],
        };
        const { compiled, result } = run(model, {});
        const found = liveness(result);
        expect(found.length === 1).toBe(oracleFails(g, goal));
        for (const lasso of found) {
          const states = lasso.trace.map((t) => t.state);
          const actions = lasso.trace.map((t) => (t.move ? 0 : -1));
          expect(lassoCloses(compiled, states, lasso.loop!)).toBe(true);
          expect(lassoFails(compiled, compiled.liveness[0]!, states, actions, lasso.loop!)).toBeNull();
        }
      }),
      { numRuns: 150, seed: 7 },
    );
  });

  it('reports liveness in --json, and --no-liveness leaves it unchecked', async () => {
    const json = await cli(['explore', '--model', 'peterson', '--variant', 'peterson-level-only', '--no-save', '--json']);
    const report = JSON.parse(json.out) as { liveness: { checked: boolean }; violations: { kind: string; loop: number; length: number }[] };
    expect(report.liveness.checked).toBe(true);
    expect(report.violations).toEqual([expect.objectContaining({ kind: 'liveness', loop: 2, length: 2 })]);
    const off = await cli(['explore', '--model', 'peterson', '--variant', 'peterson-level-only', '--no-save', '--no-liveness']);
    expect(off.code).toBe(0);
    expect(off.out).toContain('liveness not asked for (--no-liveness)');
  });

  it('saves a lasso that replay reproduces, and a file whose cycle does not close is rejected', async () => {
    const dir = tempDir();
    const saved = await cli(['explore', '--model', 'peterson', '--variant', 'peterson-level-only', '--out', dir]);
    expect(saved.code).toBe(1);
    expect(saved.out).toMatch(/Liveness property StarvationFreedom violated after 2 steps/);
    expect(saved.out).toMatch(/the behaviour stutters here for ever/);
    const file = join(dir, 'peterson--defaults--peterson-level-only--StarvationFreedom.json');
    const replayed = await cli(['replay', file]);
    expect(replayed.out).toMatch(/still violated/);
    expect(replayed.code).toBe(1);
    // Against the real Peterson the process passes at once: the stutter is no longer fair.
    const fixed = await cli(['replay', '--baseline', file]);
    expect(fixed.code).toBe(0);
    expect(fixed.out).toMatch(/no longer violated.*not fair to WF proc\[0\]/);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { loop: number };
    const edited = join(dir, 'edited.json');
    writeFileSync(edited, JSON.stringify({ ...doc, loop: 0 }));
    const bad = await cli(['replay', edited]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/cycle does not close/);
  });
});

/** Independent: <>goal fails iff, avoiding goal nodes, some reachable node is a dead end or lies on a cycle. */
function oracleFails(g: Graph, goal: readonly number[]): boolean {
  const open = (v: number): boolean => !goal.includes(v);
  const next = (v: number): number[] => (g.edges[v] ?? []).filter((w) => w !== v && open(w));
  const reach = new Set<number>();
  const stack = g.initial.filter(open);
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (reach.has(v)) continue;
    reach.add(v);
    stack.push(...next(v));
  }
  for (const v of reach) {
    // A dead end: every step leaves for a goal node or stays put, and one that stays put stutters.
    if ((g.edges[v] ?? []).filter((w) => w !== v).length === 0) return true;
    // On a cycle of open nodes.
    const seen = new Set<number>();
    const todo = next(v);
    while (todo.length > 0) {
      const w = todo.pop()!;
      if (w === v) return true;
      if (seen.has(w)) continue;
      seen.add(w);
      todo.push(...next(w));
    }
  }
  return false;
}

