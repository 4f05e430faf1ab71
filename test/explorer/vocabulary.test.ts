// A variant adds labels to a vocabulary the model declares (a program counter, a warning kind): the
// model's codec encodes them like its own, variants compose their labels, and a label the model
// already has or a vocabulary it does not declare is an error naming the variant.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/bfs.ts';
import { literal, record } from '../../explorer/codec.ts';
import { compile } from '../../explorer/compile.ts';
import { defineModel, step } from '../../explorer/model.ts';
import { applyVariant, composeVariants, defineVariant } from '../../explorer/variant.ts';
import { vocabulary } from '../../explorer/vocabulary.ts';

const PCS = ['start', 'done'] as const;
type Pc = (typeof PCS)[number];
interface Prog {
  pc: Pc;
}
type C = Record<string, never>;

const prog = defineModel<Prog, C>({
  name: 'prog',
  description: 'one step from start to done',
  follows: 'test',
  params: z.object({}).strict() as unknown as z.ZodType<C>,
  init: () => [{ pc: 'start' }],
  codec: (c) => record<Prog>({ pc: literal(vocabulary(c, 'pc', PCS)) }),
  processes: () => [{ name: 'p', instances: 1, pc: (s) => s.pc, steps: [step<Prog>({ name: 'go', at: 'start', apply: (d) => void (d.pc = 'done') })] }],
  invariants: [],
  isFinal: () => true,
  vocabularies: { pc: PCS },
});

const base = { title: 't', source: 'test', model: 'prog', expect: { violates: [] } };
/** A variant that sends `from` on to its own new label `to`. */
const extend = (id: string, from: string, to: string) =>
  defineVariant<Prog, C>({
    ...base,
    id,
    labels: { pc: [to] },
    steps: { add: { p: [step<Prog>({ name: `to-${to}`, at: from, apply: (d) => void (d.pc = to as Pc) })] } },
  });

const run = (m: typeof prog) => explore(compile(m, {}));

describe('vocabularies', () => {
  it("encodes a variant's label like the model's own", () => {
    expect(run(prog).stats.distinctStates).toBe(2);
    const result = run(applyVariant(prog, extend('more', 'done', 'later')));
    expect(result.kind).toBe('ok');
    expect(result.stats.distinctStates).toBe(3);
  });

  it('composes the labels of several variants, in order', () => {
    const both = composeVariants([extend('a', 'done', 'later'), extend('b', 'later', 'last')]);
    const m = applyVariant(prog, both);
    expect(run(m).stats.distinctStates).toBe(4);
    // Without the first part's label the second part's step would reach a state the codec cannot hold.
    expect(() => run(applyVariant(prog, defineVariant<Prog, C>({ ...extend('b', 'done', 'last'), labels: {} })))).toThrow(/last/);
  });

  it('refuses a label the vocabulary has and a vocabulary the model does not declare', () => {
    expect(() => applyVariant(prog, extend('dup', 'done', 'start'))).toThrow(/variant dup: vocabulary 'pc' already has the label 'start'/);
    const twice = composeVariants([extend('a', 'done', 'later'), extend('b', 'done', 'later')]);
    expect(() => applyVariant(prog, twice)).toThrow(/variant b: vocabulary 'pc' already has the label 'later'/);
    const unknown = defineVariant<Prog, C>({ ...base, id: 'u', labels: { warning: ['x'] } });
    expect(() => applyVariant(prog, unknown)).toThrow(/variant u: the model has no vocabulary 'warning' \(known: pc\)/);
  });
});
