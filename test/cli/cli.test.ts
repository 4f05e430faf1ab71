// The command line end to end (in-process): exit codes, JSON report, saved and replayed traces.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT, tempDir } from '../helpers/cli.ts';

const DIEHARD = 'test/models/diehard.ts';

describe('sva-check explore', () => {
  it('reports the DieHard violation with a 6-step counterexample, as JSON', async () => {
    const out = tempDir();
    const run = await cli(['explore', '--model', DIEHARD, '--json', '--out', out]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.out) as Record<string, unknown>;
    expect(report).toMatchObject({ model: 'diehard', result: 'violation', variant: null, distinctStates: 14 });
    const [v] = report['violations'] as { property: string; length: number; file: string }[];
    expect(v).toMatchObject({ property: 'NotSolved', length: 6 });
    expect(existsSync(join(ROOT, v!.file))).toBe(true);
    for (const key of ['config', 'statesGenerated', 'depth', 'seconds', 'stepCounts']) expect(report).toHaveProperty(key);
  });

  it('explores all 16 DieHard states with --continue', async () => {
    const run = await cli(['explore', '--model', DIEHARD, '--json', '--continue', '--no-save']);
    // TLC on DieHard.tla: "97 states generated, 16 distinct states found ... The depth of the complete
    // state graph search is 8" (it counts the states on the path, the initial one included).
    expect(JSON.parse(run.out)).toMatchObject({ distinctStates: 16, statesGenerated: 97, depth: 7, depthTlc: 8 });
  });

  it('prints the trace, the verdict and TLC-like statistics as text', async () => {
    const run = await cli(['explore', '--model', DIEHARD, '--no-save']);
    expect(run.out).toContain('Invariant NotSolved violated after 6 steps');
    expect(run.out).toContain('big: 5 -> 4');
    expect(run.out).toMatch(/14 distinct states, 73 states generated, depth 6 \(TLC: 7\)/);
    expect(run.out).toMatch(/bytes per stored state/);
  });

  it('exits 0 with "incomplete" when a bound stops the search before any violation', async () => {
    const run = await cli(['explore', '--model', DIEHARD, '--json', '--max-depth', '2', '--no-save']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ result: 'incomplete', reason: 'max-depth', levels: [1, 2, 3] });
    const text = await cli(['explore', '--model', DIEHARD, '--max-depth', '2', '--no-save']);
    expect(text.out).toContain('new states at the last depths searched: 1 at depth 0, 2 at depth 1, 3 at depth 2 (×1.73 a level)');
    expect(text.out).toContain('past the bound: `sva-check simulate` with the same target');
    const whole = await cli(['explore', '--model', DIEHARD, '--no-save']);
    expect(whole.out).not.toContain('past the bound');
  });

  it('marks the last depth partial, and leaves it out of the growth, when the search stopped within it', async () => {
    const run = await cli(['explore', '--model', DIEHARD, '--max-states', '5', '--no-save']);
    expect(run.out).toContain('new states at the last depths searched: 1 at depth 0, 2 at depth 1, 2 at depth 2 (partial) (×2.00 a level)');
  });

  it('runs the catalog default config when none is named: only its known findings fire, so it exits 0, and their saved traces are the shipped ones', async () => {
    // The Quick start's `npm run explore` must find the counterexamples/ files it would write already
    // there. Its whole search is the benchmark's (about 40 s); 20 steps reach two of its findings.
    const cwd = tempDir();
    const out = join(cwd, 'counterexamples');
    mkdirSync(out);
    const shipped = readdirSync(join(ROOT, 'counterexamples')).filter((f) => f.startsWith('sva--default--baseline--'));
    for (const f of shipped) copyFileSync(join(ROOT, 'counterexamples', f), join(out, f));
    const run = await cli(['explore', '--json', '--max-depth', '20'], cwd);
    expect(readdirSync(out).sort()).toEqual([...shipped].sort());
    expect(run.code).toBe(0);
    const report = JSON.parse(run.out) as { config: string; result: string; newViolations: string[]; violations: { property: string; known: boolean }[] };
    expect(report.config).toBe('default');
    expect(report.result).toBe('violation');
    expect(report.newViolations).toEqual([]);
    expect(report.violations.map((v) => v.property).sort()).toEqual(['msi-geometry-never-torn', 'no-dma-through-stale-tlb']);
    expect(report.violations.every((v) => v.known)).toBe(true);
  });

  it('a violation beyond the known findings exits 1, and is told apart from them', async () => {
    const run = await cli(['explore', '--config', 'iopf-small', '--variant', 'complete-group-after-free', '--no-save']);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/Result: violation of no-response-to-freed-group\./);
  });

  it('--variant twice composes the two variants, as one variant that names both', async () => {
    // Within 40 steps: F3 is 39 steps long, and the two must agree state for state up to there
    // (without the device's DMA and munmap, which F3 does not need).
    const bound = ['--max-depth', '40', '--continue', '--json', '--no-save', '-p', 'dma=false', '-p', 'munmap=false'];
    const composed = await cli(['explore', '--config', 'sva-small', '--variant', 'unbind-notifier-put-first', '--variant', 'shared-cd-mmgrab', ...bound]);
    const named = await cli(['explore', '--config', 'sva-small', '--variant', 'unbind-notifier-put-first-mmgrab', ...bound]);
    const a = JSON.parse(composed.out) as { variant: string; distinctStates: number; newViolations: string[] };
    const b = JSON.parse(named.out) as { distinctStates: number; newViolations: string[] };
    expect(a.variant).toBe('unbind-notifier-put-first+shared-cd-mmgrab');
    expect(a.distinctStates).toBe(b.distinctStates);
    expect(a.newViolations).toEqual(b.newViolations);
    expect(a.newViolations).toContain('no-mm-use-after-free');
  });
});

describe('bad usage exits 2 with one line and no stack trace', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown config', ['explore', '--config', 'does-not-exist'], /does-not-exist\.json: no such config file/],
    ['an unknown model', ['explore', '--model', 'nope'], /unknown model 'nope'/],
    ['a missing model file', ['explore', '--model', './nowhere/m.ts'], /nowhere\/m\.ts: no such model file/],
    ['an unknown variant', ['explore', '--model', DIEHARD, '--variant', 'nope'], /unknown variant 'nope'/],
    ['an unknown variant in a composition', ['explore', '--model', DIEHARD, '--variant', 'diehard-no-pouring', '--variant', 'nope'], /unknown variant 'nope'/],
    ['variants of two models composed', ['explore', '--model', DIEHARD, '--variant', 'diehard-no-pouring', '--variant', 'prodcons-lifo'], /are for different models/],
    ['a bound out of range', ['explore', '--model', DIEHARD, '--max-depth', '-3'], /--max-depth: expected a whole number/],
    ['a bound that is not a number', ['explore', '--model', DIEHARD, '--max-states', 'lots'], /--max-states: expected a whole number/],
    ['a param the model does not take', ['explore', '--model', DIEHARD, '--param', 'N=3'], /params for model diehard/],
    ['the sva model without its SMMU side', ['explore', '--config', 'sva-small', '--param', 'smmu=false'], /sva-small\.json: params for model sva: smmu: model sva is the arm-smmu-v3 SVA side/],
    ['an unknown option', ['explore', '--frobnicate'], /unknown option/],
    ['a missing counterexample', ['replay', 'nowhere.json'], /nowhere\.json: cannot read the counterexample \(no such file\)/],
  ];
  it.each(cases)('%s', async (_name, argv, message) => {
    const run = await cli(argv);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(message);
    expect(run.err.trim().split('\n')).toHaveLength(1);
    expect(run.err).not.toMatch(/\n\s+at /);
  });
});

describe('counterexample files', () => {
  it('are replayed: the violation reproduces (exit 1), and never overwritten', async () => {
    const out = tempDir();
    await cli(['explore', '--model', DIEHARD, '--out', out, '-q']);
    const [name] = readdirSync(out);
    const file = join(out, name!);
    const replay = await cli(['replay', file]);
    expect(replay.code).toBe(1);
    expect(replay.out).toContain('NotSolved still violated under the baseline after 6 steps');

    // The same trace again reuses the identical file; a different file under the name is kept.
    await cli(['explore', '--model', DIEHARD, '--out', out, '-q']);
    expect(readdirSync(out)).toHaveLength(1);
    writeFileSync(file, '{"a user": "edited this"}\n');
    await cli(['explore', '--model', DIEHARD, '--out', out, '-q']);
    expect(readFileSync(file, 'utf8')).toBe('{"a user": "edited this"}\n');
    expect(readdirSync(out).sort()).toEqual([name, name!.replace(/\.json$/, '-2.json')].sort());
  });

  it('a file that no longer matches the model is bad input (exit 2, one line), not a fixed violation', async () => {
    const out = tempDir();
    await cli(['explore', '--model', DIEHARD, '--out', out, '-q']);
    const file = join(out, readdirSync(out)[0]!);
    const original = readFileSync(file, 'utf8');
    const edit = (f: (doc: { states: Record<string, unknown>[] }) => void): void => {
      const doc = JSON.parse(original) as { states: Record<string, unknown>[] };
      f(doc);
      writeFileSync(file, JSON.stringify(doc));
    };
    const cases: [(doc: { states: Record<string, unknown>[] }) => void, RegExp][] = [
      [(doc) => void (doc.states[1]!['mbt::actionTaken'] = 'jugs/EmptyBigJug'), /step 1: jugs\/EmptyBigJug\[0\] reaches a different state/],
      // Fields outside the model's state pass the encoding unnoticed unless they are looked for.
      [(doc) => void (doc.states[2]!['spare'] = 7), /state 2 holds 'spare', which is neither a variable of the file nor trace metadata/],
      [
        (doc) => {
          (doc as unknown as { vars: string[] }).vars.push('spare');
          for (const st of doc.states) st['spare'] = 0;
        },
        /the initial state differs from the recorded one \(it holds what the model's state does not \(state.spare: a field the model does not have\)\)/,
      ],
    ];
    for (const [f, reason] of cases) {
      edit(f);
      const replay = await cli(['replay', file]);
      expect(replay.code).toBe(2);
      expect(replay.err.split('\n')).toHaveLength(1);
      expect(replay.err).toMatch(/no longer matches the baseline of model diehard/);
      expect(replay.err).toMatch(reason);
    }
  });

  it('replay --rebase records the same path with the states the model now reaches, beside the file, which stays as it was', async () => {
    const out = tempDir();
    await cli(['explore', '--model', DIEHARD, '--out', out, '-q']);
    const name = readdirSync(out)[0]!;
    const file = join(out, name);
    const current = JSON.parse(readFileSync(file, 'utf8')) as { vars: string[]; states: Record<string, unknown>[] };
    // As a file written before the model dropped a variable and changed what one step leaves.
    const old = structuredClone(current);
    old.vars.push('spare');
    for (const st of old.states) st['spare'] = 0;
    old.states[3]!['small'] = 1;
    const oldText = JSON.stringify(old);
    writeFileSync(file, oldText);
    expect((await cli(['replay', file])).err).toMatch(/or replay it with --rebase/);

    const rebase = await cli(['replay', file, '--rebase']);
    expect(rebase.code).toBe(0);
    const rebased = name.replace(/\.json$/, '-2.json');
    expect(rebase.out).toMatch(new RegExp(`the same 6 steps, states from 0 on as the model now reaches them; written to .*${rebased}`));
    expect(readFileSync(file, 'utf8')).toBe(oldText);
    const next = JSON.parse(readFileSync(join(out, rebased), 'utf8')) as typeof current & { '#meta': { reproduce: string } };
    expect(next.vars).toEqual(current.vars);
    expect(next.states).toEqual(current.states);
    expect(next['#meta'].reproduce).toMatch(new RegExp(`replay .*${rebased}$`));
    expect((await cli(['replay', join(out, rebased)])).code).toBe(1);
    // A current file is left alone.
    const again = await cli(['replay', join(out, rebased), '--rebase']);
    expect(again.out).toMatch(/already matches model diehard as it is now; nothing written/);
    expect(readdirSync(out)).toHaveLength(2);
  });

  it('replay --rebase refuses a path the model no longer takes, and --baseline with it (exit 2, one line, nothing written)', async () => {
    const out = tempDir();
    await cli(['explore', '--model', DIEHARD, '--out', out, '-q']);
    const file = join(out, readdirSync(out)[0]!);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { states: Record<string, unknown>[] };
    doc.states[2]!['mbt::actionTaken'] = 'jugs/PourIntoTheSea';
    writeFileSync(file, JSON.stringify(doc));
    const gone = await cli(['replay', file, '--rebase']);
    expect(gone.code).toBe(2);
    expect(gone.err.split('\n')).toHaveLength(1);
    expect(gone.err).toMatch(/not rebased: its path leaves the model \(step 2: the model has no step jugs\/PourIntoTheSea for instance 0\)/);
    const both = await cli(['replay', file, '--rebase', '--baseline']);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/--rebase takes none of --baseline, --json, --render/);
    expect(readdirSync(out)).toHaveLength(1);
  });

  it('a trace that still applies but no longer violates says so (exit 0)', async () => {
    const out = tempDir();
    await cli(['explore', '--model', DIEHARD, '--out', out, '-q']);
    const file = join(out, readdirSync(out)[0]!);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { states: unknown[] };
    // The same path cut one step short: every state matches, and the big jug does not hold 4 yet.
    doc.states.pop();
    writeFileSync(file, JSON.stringify(doc));
    const replay = await cli(['replay', file]);
    expect(replay.code).toBe(0);
    expect(replay.out).toMatch(/NotSolved no longer violated under the baseline: the trace still applies, and NotSolved holds in the last state/);
  });
});

describe('sva-check diff and list', () => {
  it('diff shows an invariant that newly holds under a variant, and the state-space sizes', async () => {
    const run = await cli(['diff', '--model', DIEHARD, '--variant', 'test/models/variants/diehard-no-pouring.ts', '--no-save']);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/NotSolved\s+VIOLATED\s+holds/);
    expect(run.out).toMatch(/states\s+16\s+4/);
    expect(run.out).toContain('As the variant expects: every property holds.');
  });

  it('diff reports a witness the variant no longer reaches as a lost behaviour', async () => {
    const dir = tempDir();
    const variant = join(dir, 'lazy.ts');
    writeFileSync(variant, `export default ${JSON.stringify({ id: 'lazy', title: 'nobody asks for the lock', source: 'test', model: 'spinlock', expect: { violates: ['deadlock', 'someone-waits'] }, steps: { remove: ['thread/want'] } })};\n`);
    const run = await cli(['diff', '--model', join(ROOT, 'examples/spinlock/model.ts'), '--variant', variant, '--no-save']);
    expect(run.out).toContain('Newly unreached (a behaviour the variant loses): someone-waits');
    expect(run.out).toContain('As the variant expects: violates deadlock, someone-waits.');
  });

  it('diff at another config than the one a variant states its expectation for says so instead of judging', async () => {
    const run = await cli(['diff', '--config', 'sva-small', '--variant', 'notifier-register-not-get', '--max-depth', '6', '--no-save']);
    expect(run.out).toContain("The variant's expectation is stated for config sva-pair (run with --config sva-pair)");
    expect(run.out).not.toContain('NOT as the variant expects');
  });

  it('list names every model, config and variant in the catalog', async () => {
    const run = await cli(['list', '--json']);
    expect(run.code).toBe(0);
    const listing = JSON.parse(run.out) as { models: { name: string }[]; configs: { name: string }[] };
    expect(listing.models.map((m) => m.name)).toContain('diehard');
    expect(listing.configs.map((c) => c.name)).toContain('diehard');
  });
});

describe('sva-check simulate', () => {
  it('finds and shrinks the DieHard violation, printing the seed that replays it', async () => {
    const run = await cli(['simulate', '--model', DIEHARD, '--seed', '42', '--json', '--no-save']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.out) as { seed: number; violations: { property: string; length: number }[] };
    expect(report.seed).toBe(42);
    expect(report.violations[0]!.property).toBe('NotSolved');
    expect(report.violations[0]!.length).toBeLessThanOrEqual(8);
  });

  it('says how far it shortened the walk, and keeps it as found with --shrink-walks 0', async () => {
    const run = await cli(['simulate', '--model', DIEHARD, '--seed', '42', '--no-save', '--shrink-walks', '0']);
    expect(run.code).toBe(1);
    const found = /violated after (\d+) steps \(found after (\d+) steps, shortened over 0 walks, where --shrink-walks stopped it: perhaps not the shortest\)/.exec(run.out);
    expect(found).not.toBeNull();
    expect(found![1]).toBe(found![2]);
    expect(run.out).toContain('--shrink-walks 0');
    const json = await cli(['simulate', '--model', DIEHARD, '--seed', '42', '--no-save', '--json']);
    const [report] = (JSON.parse(json.out) as { violations: { length: number; path: string; shrink: { from: number; walks: number; cut: boolean } }[] }).violations;
    expect(report!.shrink.from).toBe(Number(found![2]));
    expect(report!.shrink.cut).toBe(false);
    expect(report!.shrink.walks).toBeGreaterThan(0);
    expect(report!.length).toBeLessThan(report!.shrink.from);
    expect(run.out).toContain(`--path ${report!.path} `);
    const bad = await cli(['simulate', '--model', DIEHARD, '--shrink-walks', 'many']);
    expect(bad.code).toBe(2);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    expect(bad.err).toContain('--shrink-walks');
  });

  it('replays the one walk a path names, and refuses a path that names none', async () => {
    const found = JSON.parse((await cli(['simulate', '--model', DIEHARD, '--seed', '42', '--no-save', '--json'])).out) as { violations: { length: number; path: string }[] };
    const { path, length } = found.violations[0]!;
    const replayed = JSON.parse((await cli(['simulate', '--model', DIEHARD, '--seed', '42', '--path', path, '--no-save', '--json'])).out) as { walks: number; violations: { length: number }[] };
    expect(replayed.walks).toBe(1);
    expect(replayed.violations[0]!.length).toBe(length);
    // A walk before it passes, and is the only walk run.
    const passing = await cli(['simulate', '--model', DIEHARD, '--seed', '42', '--path', '0', '--no-save']);
    expect(passing.code).toBe(0);
    expect(passing.out).toMatch(/Result: ok\. 1 random walk, \d+ steps?, no violation/);
    for (const bad of ['zz', '3:1', '-1', '']) {
      const run = await cli(['simulate', '--model', DIEHARD, '--seed', '42', '--path', bad, '--no-save']);
      expect(run.code).toBe(2);
      expect(run.err.trim().split('\n')).toHaveLength(1);
      expect(run.err).toContain(`a replay path is the number of a walk, as simulate printed it; got '${bad}'`);
    }
  });
});

describe('models from any path', () => {
  it('loads a model written outside the repository, importing the public API', async () => {
    const dir = tempDir();
    const api = join(ROOT, 'explorer/index.ts');
    writeFileSync(
      join(dir, 'counter.ts'),
      `import { z } from '${join(ROOT, 'node_modules/zod/index.js')}';
import { defineModel, step, codec } from '${api}';
export default defineModel<{ n: number }, { max: number }>({
  name: 'counter', description: 'counts to max', follows: 'a test',
  params: z.object({ max: z.number().int().min(1).max(100).default(5) }).strict(),
  init: () => [{ n: 0 }],
  codec: () => codec.record({ n: codec.int(0, 100) }),
  processes: (c) => [{ name: 'p', instances: 1, steps: [step<{ n: number }>({ name: 'inc', enabled: (s) => s.n < c.max, apply: (d) => void d.n++ })] }],
  invariants: [{ name: 'small', description: 'n stays below 4', source: 'test', holds: (s) => s.n < 4 }],
  isFinal: (s) => s.n === 5,
});
`,
    );
    const run = await cli(['explore', '--model', join(dir, 'counter.ts'), '--json', '--continue', '--no-save'], dir);
    expect(JSON.parse(run.out)).toMatchObject({ model: 'counter', result: 'violation', distinctStates: 6, depth: 5 });
    const small = await cli(['explore', '--model', join(dir, 'counter.ts'), '--param', 'max=3', '--json', '--no-save'], dir);
    expect(JSON.parse(small.out)).toMatchObject({ result: 'violation', distinctStates: 4 });
    expect(JSON.parse(small.out).violations[0]).toMatchObject({ property: 'deadlock', length: 3 });
  });
});
