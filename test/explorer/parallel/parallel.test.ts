// The parallel search (explorer/parallel/) against the one-thread search (bfs.ts) on the same models:
// the same distinct states, transitions, depth, step counts and verdicts, and the very same shortest
// counterexamples, with 2 and 3 threads. The threads are made to share every level, however small,
// so that the level barrier is exercised at every depth.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explore, type ExploreOptions } from '../../../explorer/bfs.ts';
import { compile, type Compiled } from '../../../explorer/compile.ts';
import type { AnyModel } from '../../../explorer/model.ts';
import { exploreParallel } from '../../../explorer/parallel/coordinator.ts';
import { WorkerPool } from '../../../explorer/parallel/pool.ts';
import type { WorkerSource } from '../../../explorer/parallel/source.ts';
import type { ExploreResult } from '../../../explorer/result.ts';
import { applyVariant, type AnyVariant } from '../../../explorer/variant.ts';
import { ROOT } from '../../helpers/cli.ts';
import counters from './counters.ts';
import pairs from '../pairs.ts';
import diehard from '../../models/diehard.ts';
import iopf from '../../models/iopf-pipeline.ts';
import peterson from '../../models/peterson.ts';
import prodcons from '../../models/prodcons.ts';
import iopfFreeBeforeFlush from '../../models/variants/iopf-pipeline-free-before-flush.ts';
import petersonNoVictim from '../../models/variants/peterson-no-victim.ts';
import prodconsLifo from '../../models/variants/prodcons-lifo.ts';
import { summary } from './summary.ts';

const MODELS = { counters: 'test/explorer/parallel/counters.ts', pairs: 'test/explorer/pairs.ts', diehard: 'test/models/diehard.ts', iopf: 'test/models/iopf-pipeline.ts', peterson: 'test/models/peterson.ts', prodcons: 'test/models/prodcons.ts' };
const VARIANTS = new Map<AnyVariant, string>([
  [iopfFreeBeforeFlush as AnyVariant, 'test/models/variants/iopf-pipeline-free-before-flush.ts'],
  [petersonNoVictim as AnyVariant, 'test/models/variants/peterson-no-victim.ts'],
  [prodconsLifo as AnyVariant, 'test/models/variants/prodcons-lifo.ts'],
]);

interface Case {
  readonly model: AnyModel;
  readonly file: string;
  readonly params: Record<string, unknown>;
  readonly variant?: AnyVariant;
}

const setup = (c: Case): { compiled: Compiled<unknown, unknown>; source: WorkerSource } => {
  const params: unknown = c.model.params.parse(c.params);
  const model = c.variant ? applyVariant(c.model, c.variant) : c.model;
  const variantFile = c.variant ? resolve(ROOT, VARIANTS.get(c.variant)!) : null;
  return { compiled: compile(model, params), source: { modelFile: resolve(ROOT, c.file), variantFile, params } };
};

async function compare(c: Case, options: ExploreOptions = {}, threads: readonly number[] = [2]): Promise<ExploreResult> {
  const { compiled, source } = setup(c);
  const opts: ExploreOptions = { liveness: false, ...options };
  const one = explore(compiled, opts);
  for (const workers of threads) {
    const many = await exploreParallel(compiled, opts, { workers, source, startWorkersAt: 0, shareLevelsFrom: 1, waitForWorkers: true });
    expect(summary(many), `${workers} threads`).toEqual(summary(one));
    expect(many.stats.workers).toBe(workers);
    expect(many.stats.reduction, `${workers} threads`).toBe(one.stats.reduction);
  }
  return one;
}

describe('parallel search: the same result as one thread', () => {
  it('peterson N=4: 9,272 states', async () => {
    const r = await compare({ model: peterson, file: MODELS.peterson, params: { N: 4 } }, {}, [2, 3]);
    expect(r.stats.distinctStates).toBe(9_272);
  });

  it('prodcons N=3 K=3 and iopf pipeline D=2 F=2 Q=2 W=1 G=2', async () => {
    expect((await compare({ model: prodcons, file: MODELS.prodcons, params: { N: 3, K: 3 } })).stats.statesGenerated).toBe(30_529);
    expect((await compare({ model: iopf, file: MODELS.iopf, params: { D: 2, F: 2, Q: 2, W: 1, G: 2 } }, {}, [2])).stats.distinctStates).toBe(15_092);
  });

  it('a deadlock on the last level, with its explanation', async () => {
    const r = await compare({ model: counters, file: MODELS.counters, params: { M: 12 } }, {}, [2, 3]);
    expect(r.kind === 'violation' && r.violations.map((v) => [v.property, v.length, v.detail])).toEqual([['deadlock', 18, 'stuck at 12,12,12']]);
  });

  it('an invariant failing on a whole level: the first of the one-thread order, which stops the search', async () => {
    const r = await compare({ model: counters, file: MODELS.counters, params: { M: 12, T: 20 } }, {}, [2, 3]);
    expect(r.kind === 'violation' && r.violations[0]!.length).toBe(10);
    // Stopped at the first violating state: not every state of the level was kept.
    expect(r.stats.distinctStates).toBeLessThan(explore(setup({ model: counters, file: MODELS.counters, params: { M: 12 } }).compiled, { maxDepth: 10 }).stats.distinctStates);
  });

  it('action properties, invariants and deadlocks with --continue, known findings, a constraint', async () => {
    await compare({ model: counters, file: MODELS.counters, params: { M: 12, T: 20, S: 9 } }, { continueAfterViolation: true });
    await compare({ model: counters, file: MODELS.counters, params: { M: 12, T: 20, S: 9 } }, { known: ['SumIsNotT'] });
    await compare({ model: counters, file: MODELS.counters, params: { M: 12, T: 20, S: 30, C: 7 } }, { known: ['SumIsNotT', 'NoLeapAtS'] });
  });

  it('symmetry reduction (canonicalize), checked with --check-symmetry, and with the representatives remembered', async () => {
    await compare({ model: counters, file: MODELS.counters, params: { M: 14, T: 25, sym: true } }, { continueAfterViolation: true, checkSymmetry: true });
    await compare({ model: counters, file: MODELS.counters, params: { M: 14, T: 25, sym: true } }, { continueAfterViolation: true });
  });

  it('the broken variants: the same shortest counterexamples', async () => {
    await compare({ model: peterson, file: MODELS.peterson, params: { N: 3 }, variant: petersonNoVictim as AnyVariant }, {}, [2, 3]);
    await compare({ model: prodcons, file: MODELS.prodcons, params: { N: 2, K: 3 }, variant: prodconsLifo as AnyVariant }, { continueAfterViolation: true });
    await compare({ model: iopf, file: MODELS.iopf, params: { D: 2, F: 2, Q: 2, W: 1, G: 2 }, variant: iopfFreeBeforeFlush as AnyVariant }, {}, [2]);
    const r = await compare({ model: diehard, file: MODELS.diehard, params: {} });
    expect(r.kind === 'violation' && r.violations[0]!.length).toBe(6);
  });

  it('liveness: the same state graph, checked, and the same lassos', async () => {
    const live = await compare({ model: peterson, file: MODELS.peterson, params: { N: 3 } }, { liveness: true }, [2, 3]);
    expect(live.stats.liveness).toMatchObject({ checked: true, edges: expect.any(Number) as number });
    const broken = await compare({ model: peterson, file: MODELS.peterson, params: { N: 3 }, variant: petersonNoVictim as AnyVariant }, { liveness: true, continueAfterViolation: true }, [2]);
    expect(broken.stats.liveness?.checked).toBe(true);
    // Stopped by a safety violation, the graph is not complete, nor checked, on any number of threads.
    const stopped = await compare({ model: peterson, file: MODELS.peterson, params: { N: 3 }, variant: petersonNoVictim as AnyVariant }, { liveness: true }, [2]);
    expect(stopped.stats.liveness?.checked).toBe(false);
    // A level that overflows the table is expanded again: the ids kept in it stay.
    const { compiled, source } = setup({ model: peterson, file: MODELS.peterson, params: { N: 3 } });
    const again = await exploreParallel(compiled, { initialCapacity: 16 }, { workers: 2, source, startWorkersAt: 0, shareLevelsFrom: 1, waitForWorkers: true, growAhead: false });
    expect(summary(again)).toEqual(summary(explore(compiled, {})));
  });

  it('bounds: max-depth, max-states', async () => {
    const depth = await compare({ model: peterson, file: MODELS.peterson, params: { N: 4 } }, { maxDepth: 12 });
    expect(depth.kind === 'incomplete' && depth.reason).toBe('max-depth');
    const states = await compare({ model: peterson, file: MODELS.peterson, params: { N: 4 } }, { maxStates: 4_321 });
    expect(states.kind === 'incomplete' && states.reason).toBe('max-states');
    expect(states.stats.distinctStates).toBe(4_321);
    await compare({ model: counters, file: MODELS.counters, params: { M: 12 } }, { maxDepth: 36 });
  });

  it('partial-order reduction of independent groups: the same reduced search, stopped, bounded or not', async () => {
    const c = { model: pairs as AnyModel, file: MODELS.pairs, params: {} };
    const reduced = await compare(c, { continueAfterViolation: true }, [2, 3]);
    expect(reduced.stats.distinctStates).toBe(16 + 15);
    expect(reduced.stats.reduction).toMatch(/^partial-order reduction: independent processes expanded alone \(a\)/);
    expect(reduced.kind === 'violation' && reduced.violations.map((v) => `${v.property}:${v.length}`).sort()).toEqual(['a-not-full:6', 'b-apart:4']);
    const stopped = await compare(c, {}, [2]);
    expect(stopped.kind === 'violation' && stopped.violations.map((v) => `${v.property}:${v.length}`)).toEqual(['a-not-full:6']);
    // `a` moves first and alone: 6 steps before any of `b`'s.
    const early = await compare(c, { maxDepth: 5, continueAfterViolation: true }, [2]);
    expect(early.kind === 'incomplete' && early.reason).toBe('max-depth');
    const later = await compare(c, { maxDepth: 8, continueAfterViolation: true }, [2]);
    expect(later.kind === 'violation' && later.violations.map((v) => v.property)).toEqual(['a-not-full']);
    expect((await compare(c, { continueAfterViolation: true, por: false }, [2])).stats.distinctStates).toBe(16 * 16);
  });

  it('--check-independence on several threads: the broken promise the one-thread search finds', async () => {
    const { compiled, source } = setup({ model: pairs as AnyModel, file: MODELS.pairs, params: { readOther: true } });
    const opts: ExploreOptions = { liveness: false, checkIndependence: true };
    expect(() => explore(compiled, opts)).toThrow(/b\/inc.*disables a\/inc|a\/inc.*b\/inc/);
    const message = (() => {
      try {
        explore(compiled, opts);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    await expect(exploreParallel(compiled, opts, { workers: 2, source, startWorkersAt: 0, shareLevelsFrom: 1, waitForWorkers: true })).rejects.toThrow(message);
  });

  it('a later search in the process reuses the threads of an earlier one of the same size, loading its own model into them', async () => {
    await compare({ model: peterson, file: MODELS.peterson, params: { N: 3 } }, {}, [4]);
    const started = WorkerPool.threadsStarted;
    const r = await compare({ model: prodcons, file: MODELS.prodcons, params: { N: 2, K: 3 } }, {}, [4]);
    await compare({ model: peterson, file: MODELS.peterson, params: { N: 3 }, variant: petersonNoVictim as AnyVariant }, {}, [4]);
    expect(WorkerPool.threadsStarted).toBe(started);
    expect(r.stats.distinctStates).toBeGreaterThan(100);
  });

  it('a model that throws: the error the one-thread search meets first', async () => {
    const c = { model: counters, file: MODELS.counters, params: { M: 12, E: 17 } };
    const { compiled, source } = setup(c);
    const error = (() => {
      try {
        explore(compiled, { liveness: false });
      } catch (e) {
        return e as Error;
      }
      throw new Error('the one-thread search did not throw');
    })();
    expect(error.message).toMatch(/step counter\/climb threw in its recipe: climbed to/);
    await expect(exploreParallel(compiled, { liveness: false }, { workers: 2, source, startWorkersAt: 0, shareLevelsFrom: 1, waitForWorkers: true })).rejects.toThrow(error.message);
  });

  it('a worker thread that dies mid-search: the search fails, naming it, and no thread is left waiting at a level’s end', async () => {
    const c = { model: counters, file: MODELS.counters, params: { M: 12, X: 10 } };
    const { compiled, source } = setup(c);
    for (const workers of [2, 3]) {
      await expect(exploreParallel(compiled, { liveness: false }, { workers, source, startWorkersAt: 0, shareLevelsFrom: 1, waitForWorkers: true }), `${workers} threads`).rejects.toThrow(/worker thread exited \(code 7\)/);
    }
  });

  it('a frontier past its memory budget spills to disk and comes back in rounds: the same search as with no budget', async () => {
    const budget = 1 << 13;
    const lifo = { model: prodcons, file: MODELS.prodcons, params: { N: 3, K: 3 }, variant: prodconsLifo as AnyVariant };
    // The case, its options, and whether its frontier outgrows the budget before the search ends.
    const cases: [Case, ExploreOptions, boolean][] = [
      [{ model: prodcons, file: MODELS.prodcons, params: { N: 3, K: 3 } }, {}, true],
      // At the depth bound, the first unseen successor is in one round and later rounds count none.
      [{ model: prodcons, file: MODELS.prodcons, params: { N: 3, K: 3 } }, { maxDepth: 14 }, true],
      // Violations found in levels handed out in many rounds; the first one stops the search in one.
      [lifo, { continueAfterViolation: true }, true],
      [lifo, {}, false],
    ];
    for (const [c, options, spills] of cases) {
      const { compiled, source } = setup(c);
      const one = explore(compiled, { liveness: false, ...options });
      const spilled = await exploreParallel(compiled, { liveness: false, frontierMemoryBytes: budget, ...options }, { workers: 2, source, startWorkersAt: 0, shareLevelsFrom: 1, waitForWorkers: true });
      expect(summary(spilled), JSON.stringify(options)).toEqual(summary(one));
      if (spills) expect(spilled.stats.frontierSpilledBytes ?? 0, JSON.stringify(options)).toBeGreaterThan(0);
      expect(spilled.stats.workers).toBe(2);
    }
    const { compiled, source } = setup(cases[0]![0]);
    const kept = await exploreParallel(compiled, { liveness: false }, { workers: 2, source, startWorkersAt: 0, shareLevelsFrom: 1, waitForWorkers: true });
    expect(kept.stats.frontierSpilledBytes).toBeUndefined();
  });

  it('a table grown by a worker thread after each round, while the coordinator takes the round in: the same search', async () => {
    const { compiled, source } = setup({ model: iopf, file: MODELS.iopf, params: { D: 2, F: 2, Q: 2, W: 1, G: 2 } });
    const one = explore(compiled, { liveness: false });
    for (const workers of [2, 3]) {
      const many = await exploreParallel(compiled, { liveness: false, initialCapacity: 16 }, { workers, source, startWorkersAt: 0, shareLevelsFrom: 1, waitForWorkers: true });
      expect(summary(many), `${workers} threads`).toEqual(summary(one));
    }
  });

  it('a level that overflows the table is expanded again with a larger one, to the same counts', async () => {
    const { compiled, source } = setup({ model: prodcons, file: MODELS.prodcons, params: { N: 3, K: 3 } });
    const one = explore(compiled, { liveness: false });
    const many = await exploreParallel(compiled, { liveness: false, initialCapacity: 16 }, { workers: 2, source, startWorkersAt: 0, shareLevelsFrom: 1, waitForWorkers: true, growAhead: false });
    expect(summary(many)).toEqual(summary(one));
  });
});
