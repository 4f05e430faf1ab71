// Checkpoints of the parallel search: written between two rounds (a level cut after its chunks done
// when it is time for one, or on Ctrl-C), in the one-thread search's format, so that a search stopped
// on N threads resumes on any number, one included, and the other way round, to the very result of a
// search never stopped, liveness graph included.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explore, type ExploreOptions } from '../../../explorer/bfs.ts';
import { layoutSignature, readCheckpoint, type CheckpointIdentity } from '../../../explorer/checkpoint.ts';
import type { Codec } from '../../../explorer/codec.ts';
import { compile, type Compiled } from '../../../explorer/compile.ts';
import type { AnyModel } from '../../../explorer/model.ts';
import { exploreParallel } from '../../../explorer/parallel/coordinator.ts';
import { ROOT, tempDir } from '../../helpers/cli.ts';
import peterson from '../../models/peterson.ts';
import prodcons from '../../models/prodcons.ts';
import { summary } from './summary.ts';

const shared = { startWorkersAt: 0, shareLevelsFrom: 1, waitForWorkers: true };

function setup(model: AnyModel, file: string, params: Record<string, number>) {
  const compiled = compile(model, model.params.parse(params)) as Compiled<unknown, unknown>;
  const identity: CheckpointIdentity = { args: {}, cwd: ROOT, model: model.name, variant: null, params, layout: layoutSignature(compiled.codec as Codec<unknown>), steps: compiled.stepKeys, options: {} };
  return { compiled, identity, source: { modelFile: resolve(ROOT, file), variantFile: null, params } };
}

/** Options that interrupt the search once it holds more than `after` states, writing its checkpoint to `folder`. */
function stopAfter(after: number, folder: string, identity: CheckpointIdentity, options: ExploreOptions): ExploreOptions {
  const interrupt = { requested: false };
  return {
    ...options,
    checkpoint: { folder, everyMs: 60_000, identity },
    interrupt,
    progressIntervalMs: 0,
    onProgress: (p) => {
      if (p.distinctStates > after) interrupt.requested = true;
    },
  };
}

describe('checkpoints on several threads', () => {
  it('stopped on 2 threads, resumed on 2 and on 1: the result of a search never stopped, the liveness graph too', async () => {
    const { compiled, identity, source } = setup(peterson, 'test/models/peterson.ts', { N: 4 });
    const options: ExploreOptions = { continueAfterViolation: true };
    const whole = explore(compiled, options);
    expect(whole.stats.liveness?.checked).toBe(true);
    const folder = tempDir();
    const stopped = await exploreParallel(compiled, stopAfter(3_000, folder, identity, options), { workers: 2, source, ...shared });
    expect(stopped.kind === 'incomplete' && stopped.reason).toBe('interrupted');
    expect(stopped.stats.distinctStates).toBeLessThan(whole.stats.distinctStates);
    expect(stopped.stats.checkpoint).toBe(resolve(folder, 'sva-check-checkpoint'));
    const { snapshot } = readCheckpoint(folder);
    // Cut inside a level: the rest of the level is the frontier's head.
    expect(snapshot.counters.expanded).toBeLessThan(snapshot.counters.levelEnd);
    expect(summary(await exploreParallel(compiled, { ...options, resume: snapshot }, { workers: 2, source, ...shared }))).toEqual(summary(whole));
    expect(summary(explore(compiled, { ...options, resume: snapshot }))).toEqual(summary(whole));
  });

  it('stopped on 1 thread, resumed on 3', async () => {
    const { compiled, identity, source } = setup(prodcons, 'test/models/prodcons.ts', { N: 3, K: 3 });
    const whole = explore(compiled, { liveness: false });
    const folder = tempDir();
    explore(compiled, stopAfter(5_000, folder, identity, { liveness: false }));
    const { snapshot } = readCheckpoint(folder);
    expect(snapshot.counters.expanded).toBeGreaterThan(0);
    expect(summary(await exploreParallel(compiled, { liveness: false, resume: snapshot }, { workers: 3, source, ...shared }))).toEqual(summary(whole));
  });

  it('stopped by --max-seconds, a checkpointed search on 2 threads writes its checkpoint there and resumes from it', async () => {
    const { compiled, identity, source } = setup(peterson, 'test/models/peterson.ts', { N: 4 });
    const options: ExploreOptions = { continueAfterViolation: true };
    const whole = explore(compiled, options);
    const folder = tempDir();
    const slice = await exploreParallel(compiled, { ...options, maxSeconds: 0, checkpoint: { folder, everyMs: 60_000, identity } }, { workers: 2, source, ...shared });
    expect(slice.kind === 'incomplete' ? slice.reason : slice.kind === 'violation' && slice.incomplete).toBe('max-seconds');
    expect(slice.stats.checkpoint).toBe(resolve(folder, 'sva-check-checkpoint'));
    const { snapshot } = readCheckpoint(folder);
    expect(summary(await exploreParallel(compiled, { ...options, resume: snapshot }, { workers: 2, source, ...shared }))).toEqual(summary(whole));
  });

  it('a checkpoint that cannot be written is said, and the search goes on to its end', async () => {
    const { compiled, identity, source } = setup(peterson, 'test/models/peterson.ts', { N: 3 });
    const whole = explore(compiled, {});
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    const r = await exploreParallel(compiled, { checkpoint: { folder: join(file, 'under'), everyMs: 0, identity } }, { workers: 2, source, ...shared });
    expect(summary(r)).toEqual(summary(whole));
    expect(r.stats.checkpoint).toBeUndefined();
    expect(r.stats.checkpointFailed).toMatch(/ENOTDIR|EEXIST/);
  });

  it('a checkpoint after every chunk cuts every level and goes on: the same search', async () => {
    const { compiled, identity, source } = setup(peterson, 'test/models/peterson.ts', { N: 3 });
    const whole = explore(compiled, {});
    const folder = tempDir();
    const r = await exploreParallel(compiled, { checkpoint: { folder, everyMs: 0, identity } }, { workers: 2, source, ...shared });
    expect(summary(r)).toEqual(summary(whole));
    expect(r.stats.checkpoint).toBe(resolve(folder, 'sva-check-checkpoint'));
  });
});
