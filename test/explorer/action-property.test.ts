// Action properties judge every step (before, step, after), including steps back to a state already
// seen: the counterexample ends with the offending step, is shortest, and replays from its file.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/bfs.ts';
import { compile } from '../../explorer/compile.ts';
import { simulate } from '../../explorer/simulate.ts';
import { cli, ROOT, tempDir } from '../helpers/cli.ts';

const api = join(ROOT, 'explorer/index.ts');
const source = (reset: boolean): string => `import { codec, defineModel, step, z } from '${api}';
interface S { n: number }
export default defineModel<S, { max: number }>({
  name: 'ratchet',
  description: 'a counter that should only go up',
  follows: 'test',
  params: z.object({ max: z.number().int().default(3) }).strict(),
  init: () => [{ n: 0 }],
  codec: ({ max }) => codec.record<S>({ n: codec.int(0, max) }),
  processes: ({ max }) => [{ name: 'p', instances: 1, steps: [
    step<S>({ name: 'inc', enabled: (s) => s.n < max, apply: (d) => void d.n++ }),
    ${reset ? "step<S>({ name: 'reset', enabled: (s) => s.n >= 2, apply: (d) => void (d.n = 0) })," : ''}
  ] }],
  invariants: [],
  actionProperties: [{ name: 'only-up', description: 'n never decreases', source: 'test',
    holds: (before, after, step) => after.n >= before.n || step.step === 'never' }],
  isFinal: () => true,
});
`;

async function load(reset: boolean) {
  const dir = tempDir();
  const file = join(dir, `ratchet-${reset}.ts`);
  writeFileSync(file, source(reset));
  return { dir, file, model: (await import(file)).default };
}

describe('action properties', () => {
  it('hold on a model whose steps keep them', async () => {
    const { model } = await load(false);
    expect(explore(compile(model, { max: 3 })).kind).toBe('ok');
  });

  it('a step back to a seen state that breaks one is the last step of a shortest counterexample', async () => {
    const { model } = await load(true);
    const r = explore(compile(model, { max: 3 }));
    expect(r.kind).toBe('violation');
    if (r.kind !== 'violation') return;
    const v = r.violations[0]!;
    expect([v.property, v.kind, v.length]).toEqual(['only-up', 'action', 3]);
    expect(v.trace.map((t) => t.move?.step ?? null)).toEqual([null, 'inc', 'inc', 'reset']);
    // The step leads back to the initial state: no new state, only a wrong step (n = 0..3 stored).
    expect(r.stats.distinctStates).toBe(4);
    const sim = simulate(compile(model, { max: 3 }), { walks: 20, seed: 3 });
    expect(sim.kind === 'violation' && sim.violations.map(({ violation: w }) => [w.property, w.kind])).toEqual([['only-up', 'action']]);
  });

  it('is saved and replayed from its file', async () => {
    const { dir, file } = await load(true);
    const out = join(dir, 'out');
    const run = await cli(['explore', '--model', file, '--out', out]);
    expect(run.code).toBe(1);
    expect(run.out).toContain('Action property only-up violated after 3 steps: n never decreases');
    const saved = join(out, readdirSync(out)[0]!);
    const replay = await cli(['replay', saved]);
    expect(replay.out).toContain('only-up still violated under the baseline after 3 steps');
    expect(replay.code).toBe(1);
  });
});
