// Variants edit a model by name: steps replaced (by a step or a factory of the config), added or
// removed; properties likewise; a name that does not exist is an error, not a silent no-op.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/bfs.ts';
import { int, record } from '../../explorer/codec.ts';
import { compile } from '../../explorer/compile.ts';
import { HarnessError } from '../../explorer/errors.ts';
import { defineModel, step } from '../../explorer/model.ts';
import { applyVariant, defineVariant } from '../../explorer/variant.ts';

interface Counter {
  n: number;
}

const counter = defineModel<Counter, { max: number }>({
  name: 'counter',
  description: 'counts up to max',
  follows: 'test',
  params: z.object({ max: z.number().int().min(1).max(50).default(5) }).strict(),
  init: () => [{ n: 0 }],
  codec: () => record<Counter>({ n: int(0, 100) }),
  processes: ({ max }) => [
    { name: 'p', instances: 1, steps: [step<Counter>({ name: 'inc', enabled: (s) => s.n < max, apply: (d) => void d.n++ })] },
  ],
  invariants: [{ name: 'below-10', description: 'n < 10', source: 'test', holds: (s) => s.n < 10 }],
  isFinal: () => true,
});

const base = { title: 't', source: 'test', model: 'counter', expect: { violates: [] } };
const distinct = (m: typeof counter, max: number): number => explore(compile(m, { max })).stats.distinctStates;

describe('applyVariant', () => {
  it('replaces a step with one made from the config', () => {
    const v = defineVariant<Counter, { max: number }>({
      ...base,
      id: 'by-two',
      steps: { replace: { 'p/inc': ({ max }) => step<Counter>({ name: 'inc', enabled: (s) => s.n + 2 <= max, apply: (d) => void (d.n += 2) }) } },
    });
    expect(distinct(applyVariant(counter, v), 10)).toBe(6);
    expect(distinct(counter, 10)).toBe(11);
  });

  it('adds and removes steps and properties', () => {
    const v = defineVariant<Counter, { max: number }>({
      ...base,
      id: 'reset',
      steps: { add: { p: [step<Counter>({ name: 'reset', enabled: (s) => s.n > 0, apply: (d) => void (d.n = 0) })] }, remove: [] },
      invariants: { remove: ['below-10'], add: [{ name: 'below-3', description: 'n < 3', source: 'v', holds: (s) => s.n < 3 }] },
    });
    const result = explore(compile(applyVariant(counter, v), { max: 5 }));
    expect(result.kind === 'violation' && result.violations.map((x) => [x.property, x.length])).toEqual([['below-3', 3]]);
    expect(result.stats.stepCounts.map((c) => c.step)).toEqual(['p/inc', 'p/reset']);
  });

  it('adds a state field with its codec and initial value, after the model\'s own', () => {
    const v = defineVariant<Counter, { max: number }>({
      ...base,
      id: 'resets',
      state: { resets: { codec: () => int(0, 1), init: () => 1 } },
      steps: {
        add: {
          p: [
            step<Counter>({
              name: 'reset',
              enabled: (s) => (s as Counter & { resets: number }).resets > 0 && s.n > 0,
              apply: (d) => {
                d.n = 0;
                (d as Counter & { resets: number }).resets--;
              },
            }),
          ],
        },
      },
    });
    const m = applyVariant(counter, v);
    expect(m.init({ max: 3 })).toEqual([{ n: 0, resets: 1 }]);
    // n in 0..3 with the reset unused, then n in 0..3 with it used.
    expect(distinct(m, 3)).toBe(8);
    expect(distinct(counter, 3)).toBe(4);
    const clash = defineVariant<Counter, { max: number }>({ ...base, id: 'clash', state: { n: { codec: () => int(0, 1), init: () => 0 } } });
    expect(() => applyVariant(counter, clash).codec({ max: 3 })).toThrow(/variant clash: cannot add its state: the state already has the field n/);
  });

  it('names what does not exist', () => {
    const bad = [
      defineVariant<Counter, { max: number }>({ ...base, id: 'x', steps: { remove: ['p/dec'] } }),
      defineVariant<Counter, { max: number }>({ ...base, id: 'x', steps: { add: { q: [] } } }),
      defineVariant<Counter, { max: number }>({ ...base, id: 'x', invariants: { replace: { nope: counter.invariants[0]! } } }),
    ];
    for (const v of bad) expect(() => compile(applyVariant(counter, v), { max: 3 })).toThrow(HarnessError);
    expect(() => applyVariant(counter, defineVariant<Counter, { max: number }>({ ...base, id: 'x', model: 'other' }))).toThrow(
      /is for model 'other', not 'counter'/,
    );
  });

  it("applies to a model that includes the variant's model (its steps under the same names)", () => {
    const wider = { ...counter, name: 'wider', includes: ['counter'] };
    const v = defineVariant<Counter, { max: number }>({ ...base, id: 'x', steps: { remove: ['p/inc'] } });
    expect(compile(wider, { max: 3 }).stepKeys).toContain('p/inc');
    expect(compile(applyVariant(wider, v), { max: 3 }).stepKeys).not.toContain('p/inc');
    expect(() => applyVariant({ ...counter, name: 'other' }, v)).toThrow(/is for model 'counter', not 'other'/);
  });
});

describe('properties receive the params', () => {
  it('an invariant, a witness and isFinal read the bound of the run instead of hard-coding it', () => {
    const bounded = {
      ...counter,
      invariants: [{ name: 'below-max', description: 'n < max', source: 'test', holds: (s: Counter, c: { max: number }) => s.n < c.max }],
      witnesses: [{ name: 'half-way', description: 'n = max / 2', reached: (s: Counter, c: { max: number }) => s.n === Math.floor(c.max / 2) }],
      isFinal: (s: Counter, c: { max: number }) => s.n === c.max,
    };
    for (const max of [3, 7]) {
      const r = explore(compile(bounded, { max }), { continueAfterViolation: true });
      expect(r.kind === 'violation' && r.violations.map((v) => [v.property, v.length])).toEqual([['below-max', max]]);
      expect(r.witnesses).toMatchObject([{ name: 'half-way', reached: true }]);
    }
  });
});

describe('trace rendering', () => {
  it("prints a step's choice as its showChoice says", async () => {
    const { renderTrace } = await import('../../explorer/trace/render.ts');
    const jump = defineVariant<Counter, { max: number }>({
      ...base,
      id: 'jump',
      steps: {
        replace: {
          'p/inc': step<Counter, number>({ name: 'inc', choices: (s) => (s.n < 3 ? [1, 2] : []), apply: (d, _self, k) => void (d.n += k), showChoice: (k) => `by ${k}` }),
        },
      },
      invariants: { replace: { 'below-10': { name: 'below-10', description: 'n < 2', source: 'test', holds: (s) => s.n < 2 } } },
    });
    const result = explore(compile(applyVariant(counter, jump), { max: 5 }));
    expect(result.kind === 'violation' && renderTrace(result.violations[0]!.trace, undefined)).toContain('p[0] inc by 2');
  });
});
