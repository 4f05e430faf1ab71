// Checkpoints: a search stopped midway (killed, or asked to stop) and resumed from its checkpoint
// reaches the same final counts, depth, verdicts and shortest traces as a search never stopped; a
// checkpoint is never overwritten by another run, and one written for another model is refused. A search
// large enough to keep its parent links on disk resumes with them.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explore, type ExploreOptions } from '../../explorer/bfs.ts';
import { layoutSignature, readCheckpoint, writeCheckpoint, type CheckpointIdentity, type SearchSnapshot } from '../../explorer/checkpoint.ts';
import { wholeOf } from '../../explorer/pieces.ts';
import type { Codec } from '../../explorer/codec.ts';
import { compile, type Compiled } from '../../explorer/compile.ts';
import type { ExploreResult } from '../../explorer/result.ts';
import { formatStats } from '../../explorer/cli/format.ts';
import peterson from '../models/peterson.ts';
import levelOnly from '../models/variants/peterson-level-only.ts';
import prodcons from '../models/prodcons.ts';
import lifo from '../models/variants/prodcons-lifo.ts';
import { applyVariant } from '../../explorer/variant.ts';
import { cli, ROOT, tempDir } from '../helpers/cli.ts';

const summary = (r: ExploreResult) => ({
  kind: r.kind,
  distinct: r.stats.distinctStates,
  generated: r.stats.statesGenerated,
  depth: r.stats.depth,
  fired: r.stats.stepCounts,
  violations: r.kind === 'violation' ? r.violations.map((v) => [v.property, v.length, v.loop]) : [],
  liveness: r.stats.liveness?.checked,
});

/** Peterson N=5 with the level-only variant, and the identity of its checkpoint (its layout, or `layout`). */
function levelOnlyCheckpoint(layout?: string): { compiled: Compiled<unknown, unknown>; identity: CheckpointIdentity } {
  const compiled = compile(applyVariant(peterson, levelOnly), { N: 5 }) as Compiled<unknown, unknown>;
  const identity: CheckpointIdentity = {
    args: { model: 'peterson', variant: 'peterson-level-only', param: { N: 5 } },
    cwd: ROOT,
    model: 'peterson',
    variant: 'peterson-level-only',
    params: { N: 5 },
    layout: layout ?? layoutSignature(compiled.codec as Codec<unknown>),
    steps: compiled.stepKeys,
    options: {},
  };
  return { compiled, identity };
}

/**
 * The search stopped once it stores more than `after` states, its checkpoint written to a new folder;
 * `identity` names the search (`model`, its variant and params).
 */
function stopAfter(
  compiled: Compiled<unknown, unknown>,
  identity: Pick<CheckpointIdentity, 'model' | 'variant' | 'params'>,
  after: number,
  options: ExploreOptions,
): { stopped: ExploreResult; folder: string; identity: CheckpointIdentity } {
  const folder = tempDir();
  const full: CheckpointIdentity = { args: {}, cwd: ROOT, ...identity, layout: layoutSignature(compiled.codec as Codec<unknown>), steps: compiled.stepKeys, options: {} };
  const interrupt = { requested: false };
  const stopped = explore(compiled, {
    ...options,
    checkpoint: { folder, everyMs: 60_000, identity: full },
    interrupt,
    progressIntervalMs: 0,
    onProgress: (p) => {
      if (p.distinctStates > after) interrupt.requested = true;
    },
  });
  return { stopped, folder, identity: full };
}

/** A snapshot with its arrays read into memory, to compare two. */
const inMemory = (s: SearchSnapshot) => ({
  ...s,
  seen: { size: s.seen.size, slots: Array.from(wholeOf(s.seen.slots)) },
  parents: Array.from(wholeOf(s.parents)),
  moves: Array.from(wholeOf(s.moves)),
  queue: { ...s.queue, bytes: Array.from(wholeOf(s.queue.bytes)) },
  graph: s.graph && { ...s.graph, rowStart: Array.from(wholeOf(s.graph.rowStart)), targets: Array.from(wholeOf(s.graph.targets)), moves: Array.from(wholeOf(s.graph.moves)), marks: Array.from(wholeOf(s.graph.marks)) },
});

describe('checkpoints', () => {
  it('a search stopped midway and resumed ends exactly as one never stopped (with the liveness graph)', () => {
    const compiled = compile(peterson, { N: 4 }) as Compiled<unknown, unknown>;
    const whole = explore(compiled, { continueAfterViolation: true });
    const { stopped, folder, identity } = stopAfter(compiled, { model: 'peterson', variant: null, params: { N: 4 } }, 3000, { continueAfterViolation: true });
    expect(stopped.kind === 'incomplete' || stopped.kind === 'violation').toBe(true);
    expect(stopped.stats.distinctStates).toBeLessThan(whole.stats.distinctStates);
    expect(stopped.stats.checkpoint).toBe(join(folder, 'sva-check-checkpoint'));
    const { snapshot } = readCheckpoint(folder);
    const resumed = explore(compiled, { continueAfterViolation: true, resume: snapshot });
    expect(summary(resumed)).toEqual(summary(whole));
    // Written and read a few bytes a call, as gigabytes are a gigabyte a call: the same snapshot.
    const again = tempDir();
    writeCheckpoint(again, identity, snapshot, 7);
    const reread = readCheckpoint(again, 5).snapshot;
    expect(inMemory(reread)).toEqual(inMemory(snapshot));
    expect(wholeOf(reread.queue.bytes).length).toBeGreaterThan(0);
  });

  it('a checkpoint that cannot be written does not end the search; the last one written stays to resume from', () => {
    // Tried every 1,024 states expanded: 9 times.
    const compiled = compile(peterson, { N: 4 }) as Compiled<unknown, unknown>;
    const whole = explore(compiled, { liveness: false });
    expect(whole.stats.distinctStates).toBeGreaterThan(9_000);
    const { identity } = levelOnlyCheckpoint();
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    const r = explore(compiled, { liveness: false, checkpoint: { folder: join(file, 'under'), everyMs: 0, identity } });
    expect(summary(r)).toEqual(summary(whole));
    expect(r.stats.checkpoint).toBeUndefined();
    expect(r.stats.checkpointFailed).toMatch(/ENOTDIR|EEXIST/);
    expect(formatStats(r.stats).join('\n')).toMatch(/warning: the last checkpoint could not be written \(.*\); none was/);
    // Written once, then failing: the one written is named, and is whole.
    const folder = tempDir();
    let writes = 0;
    const flaky = { folder, everyMs: 0, identity: { ...identity, get options() { if (++writes > 1) throw new Error('ENOSPC: no space left on device'); return {}; } } };
    const r2 = explore(compiled, { liveness: false, checkpoint: flaky });
    expect(summary(r2)).toEqual(summary(whole));
    expect(r2.stats.checkpointFailed).toBe('ENOSPC: no space left on device');
    expect(r2.stats.checkpoint).toBe(join(folder, 'sva-check-checkpoint'));
    expect(readCheckpoint(folder).snapshot.counters.expanded).toBeGreaterThan(0);
    expect(formatStats(r2.stats).join('\n')).toMatch(/the one before is in .*sva-check-checkpoint/);
  });

  it('a checkpointed search stopped by --max-seconds writes its checkpoint there, and goes on from it: a search in slices', () => {
    const compiled = compile(peterson, { N: 4 }) as Compiled<unknown, unknown>;
    const whole = explore(compiled, { continueAfterViolation: true });
    const { identity } = levelOnlyCheckpoint();
    const folder = tempDir();
    const slice = explore(compiled, { continueAfterViolation: true, maxSeconds: 0, checkpoint: { folder, everyMs: 60_000, identity } });
    expect(slice.kind === 'incomplete' ? slice.reason : slice.kind === 'violation' && slice.incomplete).toBe('max-seconds');
    expect(slice.stats.checkpoint).toBe(join(folder, 'sva-check-checkpoint'));
    const { snapshot } = readCheckpoint(folder);
    expect(snapshot.counters.expanded).toBeGreaterThan(0);
    expect(summary(explore(compiled, { continueAfterViolation: true, resume: snapshot }))).toEqual(summary(whole));
  });

  it('--json says where the checkpoint is, or why it could not be written', async () => {
    const folder = tempDir();
    const args = ['explore', '--model', 'peterson', '-p', 'N=4', '--max-seconds', '0.001', '--no-save', '--json', '--workers', '1'];
    const written = await cli([...args, '--checkpoint', folder]);
    expect(written.code).toBe(0);
    expect(JSON.parse(written.out)).toMatchObject({ result: 'incomplete', reason: 'max-seconds', checkpoint: join(folder, 'sva-check-checkpoint') });
    // A folder that goes away once the run has started (a symbolic link to a volume unmounted).
    const gone = join(tempDir(), 'unmounted');
    symlinkSync(join(tempDir(), 'no-such-volume', 'x'), gone);
    const failed = await cli([...args, '--checkpoint', join(gone, 'under')]);
    expect(JSON.parse(failed.out)).toMatchObject({ reason: 'max-seconds', checkpointFailed: expect.stringMatching(/ENOENT/) as string });
    expect(JSON.parse(failed.out)).not.toHaveProperty('checkpoint');
  });

  it('a resumed run refuses an option its run was not started with, and takes new bounds on its spending', async () => {
    const folder = tempDir();
    const start = ['explore', '--model', 'peterson', '-p', 'N=4', '--no-save', '--workers', '1'];
    expect((await cli([...start, '--max-seconds', '0.001', '--checkpoint', folder])).code).toBe(0);
    for (const [extra, message] of [
      [['--max-depth', '3'], '--max-depth 3 is not one of them (it ran with no --max-depth)'],
      [['-p', 'N=3'], '-p N=3 is not one of them (it ran with -p N=4)'],
      [['--no-liveness'], '--no-liveness is not one of them (it ran with no --no-liveness)'],
      [['--model', 'prodcons'], '--model prodcons is not one of them (it ran with --model peterson)'],
    ] as const) {
      const run = await cli(['explore', '--resume', folder, '--no-save', ...extra]);
      expect(run.code).toBe(2);
      expect(run.err.trim().split('\n')).toHaveLength(1);
      expect(run.err).toContain(`the search goes on with the options it was started with; ${message}: start a new run for it`);
    }
    // Its own options again are no change; a new --max-seconds is its to take, here time enough to finish.
    const done = await cli(['explore', '--resume', folder, '--model', 'peterson', '-p', 'N=4', '--max-seconds', '600', '--no-save', '--json']);
    expect(done.code).toBe(0);
    expect(JSON.parse(done.out)).toMatchObject({ result: 'ok', distinctStates: 9_272 });
  });

  it('refuses a folder whose sva-check-checkpoint is not a checkpoint, and keeps it', async () => {
    const folder = tempDir();
    writeFileSync(join(folder, 'sva-check-checkpoint'), 'mine\n');
    const run = await cli(['explore', '--model', 'peterson', '-p', 'N=4', '--max-seconds', '0.001', '--no-save', '--workers', '1', '--checkpoint', folder]);
    expect(run.code).toBe(2);
    expect(run.err.trim().split('\n')).toHaveLength(1);
    expect(run.err).toContain(`${join(folder, 'sva-check-checkpoint')}: is not a checkpoint; nothing written (name another folder)`);
    expect(readFileSync(join(folder, 'sva-check-checkpoint'), 'utf8')).toBe('mine\n');
  });

  it('a search past its parent links in memory, stopped and resumed, ends as one never stopped, its trace read back from the file', () => {
    // 323,392 states: the parent links of the first 262,144 are on disk, the trace's among them.
    const compiled = compile(applyVariant(prodcons, lifo), { N: 3, K: 4 }) as Compiled<unknown, unknown>;
    const whole = explore(compiled, { continueAfterViolation: true, liveness: false });
    expect(whole.stats.traceFileBytes).toBeGreaterThan(0);
    const { stopped, folder } = stopAfter(compiled, { model: 'prodcons', variant: 'prodcons-lifo', params: { N: 3, K: 4 } }, 280_000, { continueAfterViolation: true, liveness: false });
    expect(stopped.stats.distinctStates).toBeLessThan(whole.stats.distinctStates);
    const resumed = explore(compiled, { continueAfterViolation: true, liveness: false, resume: readCheckpoint(folder).snapshot });
    expect(summary(resumed)).toEqual(summary(whole));
    const moves = (r: ExploreResult) => (r.kind === 'violation' ? r.violations.map((v) => v.trace.map((t) => JSON.stringify(t.move))) : []);
    expect(moves(resumed)).toEqual(moves(whole));
    expect(moves(whole)[0]).toHaveLength(6);
  });

  it('Ctrl-C writes the checkpoint where the search is; a resumed run killed midway resumes from its last periodic one; both end at the count SPIN gives', async () => {
    const folder = tempDir();
    const written = join(folder, 'sva-check-checkpoint', 'checkpoint.json');
    const expandedIn = (): number => (JSON.parse(readFileSync(written, 'utf8')) as { counters: { expanded: number } }).counters.expanded;
    // Written on two threads (the parallel search cuts a level for it), resumed on two, then on one.
    // 2.5 million states: long enough on two threads for the resumed run to write a checkpoint a second in.
    const first = ['explore', '--model', 'prodcons', '-p', 'N=3', '-p', 'K=8', '--checkpoint', folder, '--checkpoint-every', '1', '--workers', '2', '--no-save', '-q'];
    const interrupted = await stopAfterCheckpoint(first, written, 'SIGINT');
    expect(interrupted.code).toBe(0);
    expect(interrupted.err).toMatch(/^interrupted: the search stops at its next check and writes its checkpoint/m);
    expect(interrupted.err).toMatch(/go on with: npx sva-check explore --resume \S+ --no-save --workers 2$/m);
    const atInterrupt = expandedIn();
    expect(atInterrupt).toBeGreaterThan(interrupted.expandedBefore);
    // The resumed run writes a periodic checkpoint beyond the interrupted one, and is killed there.
    const killed = await stopAfterCheckpoint(['explore', '--resume', folder, '--workers', '2', '--no-save', '-q'], written, 'SIGKILL', atInterrupt);
    expect(killed.code).toBe(null);
    expect(expandedIn()).toBeGreaterThan(atInterrupt);
    const resumed = await cli(['explore', '--resume', folder, '--workers', '1', '--json', '--no-save']);
    const report = JSON.parse(resumed.out) as { result: string; distinctStates: number; statesGenerated: number };
    // SPIN's distinct states (REFERENCE-MODELS.md, other sizes), and the transitions of a run never stopped.
    expect(report).toMatchObject({ result: 'ok', distinctStates: 2_519_296, statesGenerated: 7_557_697 });
    // A finished search no longer needs its checkpoint; the folder stays.
    expect(existsSync(written)).toBe(false);
    expect(existsSync(folder)).toBe(true);
  }, 120_000);

  it('never writes over a checkpoint, and refuses one that is missing or for another layout', async () => {
    const folder = tempDir();
    const { compiled, identity } = levelOnlyCheckpoint('an older layout');
    const interrupt = { requested: true };
    explore(compiled, { checkpoint: { folder, everyMs: 60_000, identity }, interrupt, initialCapacity: 16 });
    const again = await cli(['explore', '--model', 'peterson', '--checkpoint', folder, '--no-save']);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/holds a checkpoint already; go on with --resume/);
    const changed = await cli(['explore', '--resume', folder, '--no-save']);
    expect(changed.code).toBe(2);
    expect(changed.err).toMatch(/written for another version of model peterson .*cannot be resumed/);
    const none = await cli(['explore', '--resume', tempDir(), '--no-save']);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no checkpoint there/);
    writeFileSync(join(folder, 'sva-check-checkpoint', 'checkpoint.json'), '{ not json');
    expect((await cli(['explore', '--resume', folder])).err).toMatch(/the checkpoint cannot be read/);
  });

  it('refuses a checkpoint whose frontier is damaged, which the search would decode unchecked', async () => {
    const folder = tempDir();
    const { compiled, identity } = levelOnlyCheckpoint();
    // Stopped after its first 1,024 expansions, with a frontier to go on from.
    const interrupt = { requested: true };
    explore(compiled, { checkpoint: { folder, everyMs: 60_000, identity }, interrupt, initialCapacity: 16 });
    const dir = join(folder, 'sva-check-checkpoint');
    const meta = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')) as { arrays: { name: string; offset: number; length: number }[] };
    const queue = meta.arrays.find((a) => a.name === 'queue')!;
    expect(queue.length).toBeGreaterThan(40);
    const blob = readFileSync(join(dir, 'arrays.bin'));
    // A vector of length 3 whose values are far outside any of the layout's ranges.
    blob.set([6, 0x7e, 0x7e, 0x7e], queue.offset + 20);
    writeFileSync(join(dir, 'arrays.bin'), blob);
    const r = await cli(['explore', '--resume', folder, '--no-save']);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/sva-check-checkpoint\/arrays\.bin: the checkpoint is damaged: a frontier state does not decode/);
  });
});

/**
 * Runs the CLI until it writes a checkpoint that has expanded more than `beyond` states, then sends
 * it `signal`; resolves when the process has ended.
 */
async function stopAfterCheckpoint(args: string[], written: string, signal: NodeJS.Signals, beyond = 0): Promise<{ code: number | null; err: string; expandedBefore: number }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/sva-check.mjs'), ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const expanded = (): number => {
    try {
      return (JSON.parse(readFileSync(written, 'utf8')) as { counters: { expanded: number } }).counters.expanded;
    } catch {
      return -1; // not written yet, or being written
    }
  };
  let expandedBefore = -1;
  const timer = setInterval(() => {
    if (expandedBefore >= 0) return;
    const n = existsSync(written) ? expanded() : -1;
    if (n > beyond) {
      expandedBefore = n;
      child.kill(signal);
    }
  }, 50);
  const code = await new Promise<number | null>((done) => child.on('close', done));
  clearInterval(timer);
  if (expandedBefore < 0) throw new Error(`the run ended before writing a checkpoint: ${err}`);
  return { code, err, expandedBefore };
}
