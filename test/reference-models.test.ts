// The reference models of shared/peers/REFERENCE-MODELS.md against the counts SPIN
// (-DNOREDUCE) and TLC measured: distinct states and transitions (TLC "states generated": initial
// states plus every successor computed, duplicates included). Rows above 100,000 distinct states are
// in reference-models-large.test.ts. Each broken variant must violate its invariant with a shortest
// counterexample, whose length an independent BFS (plain JSON states, the model's own steps, no
// explorer code) confirms. DieHard is the TLC cross-check of the explorer itself.
import { readFileSync } from 'node:fs';
import { produce, type Draft } from 'immer';
import { describe, expect, it } from 'vitest';
import { explore } from '../explorer/bfs.ts';
import { compile } from '../explorer/compile.ts';
import type { AnyModel, Model } from '../explorer/model.ts';
import { applyVariant, type Variant } from '../explorer/variant.ts';
import diehard from './models/diehard.ts';
import iopf from './models/iopf-pipeline.ts';
import peterson from './models/peterson.ts';
import prodcons from './models/prodcons.ts';
import iopfFreeBeforeFlush from './models/variants/iopf-pipeline-free-before-flush.ts';
import petersonNoVictim from './models/variants/peterson-no-victim.ts';
import prodconsLifo from './models/variants/prodcons-lifo.ts';

interface Oracle {
  distinct: number;
  generated: number;
  /** Steps on a shortest path to a `bad` state, when one is reachable. */
  shortest?: number;
}

/**
 * An independent breadth-first search: states are JSON strings in a Set, successors come from the
 * model's processes and steps through immer. It shares nothing with explorer/bfs.ts or compile.ts.
 */
function oracle<S, C>(model: Model<S, C>, config: C, bad?: (s: S) => boolean): Oracle {
  const processes = model.processes(config);
  const init = model.init(config);
  const seen = new Set<string>();
  let generated = init.length;
  let frontier: S[] = [];
  for (const s of init) {
    const key = JSON.stringify(s);
    if (!seen.has(key)) {
      seen.add(key);
      frontier.push(s);
    }
  }
  for (let depth = 0; frontier.length > 0; depth++) {
    if (bad && frontier.some(bad)) return { distinct: seen.size, generated, shortest: depth };
    const next: S[] = [];
    for (const s of frontier) {
      for (const p of processes) {
        for (let self = 0; self < p.instances; self++) {
          for (const st of p.steps) {
            if (st.at !== undefined) {
              const pc = p.pc ? p.pc(s, self) : '';
              if (typeof st.at === 'string' ? pc !== st.at : !st.at.includes(pc)) continue;
            }
            for (const choice of st.choices ? st.choices(s, self) : [undefined]) {
              if (st.enabled && !st.enabled(s, self, choice)) continue;
              generated++;
              const t = produce(s, (d: Draft<S>) => {
                st.apply(d, self, choice);
              });
              const key = JSON.stringify(t);
              if (!seen.has(key)) {
                seen.add(key);
                next.push(t);
              }
            }
          }
        }
      }
    }
    frontier = next;
  }
  return { distinct: seen.size, generated };
}

interface Row {
  model: AnyModel;
  params: Record<string, number>;
  distinct: number;
  transitions: number;
  /** Also run the independent BFS (small rows only). */
  oracle?: boolean;
}

const ROWS: Row[] = [
  { model: peterson, params: { N: 2 }, distinct: 20, transitions: 35, oracle: true },
  { model: peterson, params: { N: 3 }, distinct: 417, transitions: 946, oracle: true },
  { model: peterson, params: { N: 4 }, distinct: 9_272, transitions: 25_793, oracle: true },
  { model: prodcons, params: { N: 2, K: 2 }, distinct: 336, transitions: 801, oracle: true },
  { model: prodcons, params: { N: 3, K: 3 }, distinct: 10_240, transitions: 30_529, oracle: true },
  { model: prodcons, params: { N: 3, K: 5 }, distinct: 93_184, transitions: 279_361 },
  { model: iopf, params: { D: 2, F: 2, Q: 2, W: 2, G: 1 }, distinct: 1_185, transitions: 3_317, oracle: true },
  { model: iopf, params: { D: 2, F: 2, Q: 2, W: 1, G: 2 }, distinct: 15_092, transitions: 44_141, oracle: true },
  { model: iopf, params: { D: 2, F: 2, Q: 2, W: 2, G: 2 }, distinct: 45_860, transitions: 170_085 },
  // Measured with SPIN only (distinct states): REFERENCE-MODELS.md, "Other sizes".
  { model: iopf, params: { D: 3, F: 2, Q: 2, W: 2, G: 1 }, distinct: 36_480, transitions: 142_171 },
  { model: iopf, params: { D: 2, F: 2, Q: 3, W: 2, G: 2 }, distinct: 57_556, transitions: 216_211 },
];

const show = (params: Record<string, number>): string =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

describe('reference models match the SPIN/TLC counts', () => {
  for (const row of ROWS) {
    it(`${row.model.name} ${show(row.params)}: ${row.distinct} distinct, ${row.transitions} transitions`, () => {
      const config: unknown = row.model.params.parse(row.params);
      const result = explore(compile(row.model, config));
      expect(result.kind).toBe('ok');
      expect(result.stats.distinctStates).toBe(row.distinct);
      expect(result.stats.statesGenerated).toBe(row.transitions);
      if (row.oracle) {
        expect(oracle(row.model, config)).toEqual({ distinct: row.distinct, generated: row.transitions });
      }
    });
  }

  it('parameters default to the first row of each table and reject unknown keys', () => {
    expect(peterson.params.parse({})).toEqual({ N: 2 });
    expect(prodcons.params.parse({})).toEqual({ N: 2, K: 2 });
    expect(iopf.params.parse({})).toEqual({ D: 2, F: 2, Q: 2, W: 2, G: 1 });
    expect(peterson.params.safeParse({ N: 1 }).success).toBe(false);
    expect(peterson.params.safeParse({ N: 2.5 }).success).toBe(false);
    expect(prodcons.params.safeParse({ N: 2, K: 2, X: 1 }).success).toBe(false);
  });
});

describe('reference configs', () => {
  const models: Record<string, AnyModel> = { peterson, prodcons, 'iopf-pipeline': iopf };
  for (const name of ['peterson-3', 'prodcons-3-3', 'iopf-pipeline-small']) {
    it(`spec/configs/${name}.json records the explored verdict and distinct states`, () => {
      const file = JSON.parse(readFileSync(new URL(`../spec/configs/${name}.json`, import.meta.url), 'utf8')) as {
        name: string;
        model: string;
        params: unknown;
        expect: { verdict: string; distinctStates: number; violates: string[] };
      };
      expect(file.name).toBe(name);
      const model = models[file.model]!;
      const result = explore(compile(model, model.params.parse(file.params)), { continueAfterViolation: true });
      expect(result.kind).toBe(file.expect.verdict);
      expect(result.stats.distinctStates).toBe(file.expect.distinctStates);
      expect(file.expect.violates).toEqual([]);
    });
  }
});

/** Explores a broken variant and checks its verdict and the length of its counterexample. */
function checkVariant<S, C>(model: Model<S, C>, variant: Variant<S, C>, params: unknown, length: number): void {
  const edited = applyVariant(model, variant);
  const config = edited.params.parse(params);
  const [property] = variant.expect.violates;
  const invariant = compile(edited, config).invariants.find((i) => i.name === property)!;
  expect(invariant).toBeDefined();

  const result = explore(compile(edited, config));
  expect(result.kind).toBe('violation');
  if (result.kind !== 'violation') return;
  expect(result.violations.map((v) => v.property)).toEqual([property]);
  const [violation] = result.violations;
  expect(violation!.length).toBe(length);
  expect(violation!.trace).toHaveLength(length + 1);
  const states = violation!.trace.map((t) => t.state);
  expect(invariant.holds(states.at(-1)!)).toBe(false);
  expect(states.slice(0, -1).every((s) => invariant.holds(s))).toBe(true);

  // Shortest: the independent BFS finds no shorter path to a state breaking the invariant.
  expect(oracle(edited, config, (s) => !invariant.holds(s)).shortest).toBe(length);

  // The whole space: exactly the expected properties fail (no deadlock, no other invariant).
  const all = explore(compile(edited, config), { continueAfterViolation: true });
  expect(all.kind).toBe('violation');
  if (all.kind === 'violation') expect(all.violations.map((v) => v.property)).toEqual([...variant.expect.violates]);
}

describe('broken variants violate their invariant with a shortest counterexample', () => {
  it('peterson-no-victim breaks Mutex in 6 steps (N=2)', () => {
    checkVariant(peterson, petersonNoVictim, {}, 6);
  });
  it('peterson-no-victim breaks Mutex in 12 steps (N=3)', () => {
    checkVariant(peterson, petersonNoVictim, { N: 3 }, 12);
  });
  it('prodcons-lifo breaks InOrder in 5 steps', () => {
    checkVariant(prodcons, prodconsLifo, {}, 5);
  });
  it('iopf-pipeline-free-before-flush breaks NoFreedPasidFault in 3 steps', () => {
    checkVariant(iopf, iopfFreeBeforeFlush, {}, 3);
  });
  it('iopf-pipeline-free-before-flush breaks NoFreedPasidFault in 3 steps (G=2)', () => {
    checkVariant(iopf, iopfFreeBeforeFlush, { G: 2 }, 3);
  });
});

describe('diehard (TLC: 16 distinct states, 97 generated)', () => {
  const compiled = compile(diehard, {});

  it('stops at the first NotSolved violation with the 6-step answer', () => {
    const result = explore(compiled);
    expect(result.kind).toBe('violation');
    if (result.kind !== 'violation') return;
    expect(result.stats.distinctStates).toBe(14);
    expect(result.violations.map((v) => v.property)).toEqual(['NotSolved']);
    const [violation] = result.violations;
    expect(violation!.length).toBe(6);
    expect(violation!.trace).toHaveLength(7);
    expect(violation!.trace[0]).toEqual({ move: null, state: { small: 0, big: 0 } });
    expect(violation!.trace.at(-1)!.state.big).toBe(4);
    expect(oracle(diehard, {}, (s) => s.big === 4).shortest).toBe(6);
  });

  it('explores all 16 states and 97 generated with continueAfterViolation', () => {
    const result = explore(compiled, { continueAfterViolation: true });
    expect(result.kind).toBe('violation');
    expect(result.stats.distinctStates).toBe(16);
    expect(result.stats.statesGenerated).toBe(97);
    if (result.kind === 'violation') expect(result.violations.map((v) => v.property)).toEqual(['NotSolved']);
    expect(oracle(diehard, {})).toEqual({ distinct: 16, generated: 97 });
  });
});
