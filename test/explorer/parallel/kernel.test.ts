// The parallel search on the kernel models' configs, against the one-thread search: the same counts,
// known findings at the same lengths, and the same first counterexample when findings are not known.
import { describe, expect, it } from 'vitest';
import { explore, type ExploreOptions } from '../../../explorer/bfs.ts';
import { resolveTarget } from '../../../explorer/cli/target.ts';
import { exploreParallel } from '../../../explorer/parallel/coordinator.ts';
import { workspace } from '../../helpers/cli.ts';
import { summary } from './summary.ts';
import alloc from '../../../spec/configs/sva-alloc.json' with { type: 'json' };

interface CompareOptions extends ExploreOptions {
  readonly knownFindings?: boolean;
  readonly variant?: string;
  readonly params?: Record<string, unknown>;
}

async function compare(config: string, options: CompareOptions, workers = 2): Promise<ReturnType<typeof explore>> {
  const target = await resolveTarget(workspace(), { config, ...(options.variant ? { variant: options.variant } : {}), ...(options.params ? { param: options.params } : {}) });
  const source = { modelFile: target.modelFile, variantFile: target.variantFile, params: target.params };
  const known = options.knownFindings ? { known: (target.config?.expect?.findings ?? []).map((f) => f.property) } : {};
  const opts: ExploreOptions = { liveness: false, ...known, ...options };
  const one = explore(target.compiled, opts);
  const many = await exploreParallel(target.compiled, opts, { workers, source, startWorkersAt: 0, shareLevelsFrom: 1, waitForWorkers: true });
  expect(summary(many)).toEqual(summary(one));
  expect(many.stats.workers).toBe(workers);
  expect(many.stats.reduction).toBe(one.stats.reduction);
  return one;
}

describe('parallel search on the kernel configs', () => {
  it('iopf-stall: 2,860 states, its witnesses unreachable by design', async () => {
    expect((await compare('iopf-stall', {}, 3)).stats.distinctStates).toBe(2_860);
  });

  it('sva-alloc with its known findings', async () => {
    const r = await compare('sva-alloc', { knownFindings: true });
    expect(r.stats.distinctStates).toBe(alloc.expect.distinctStates);
  });

  it("default to depth 24, its MSI geometry's users reduced as independent: 1,590 states", async () => {
    const r = await compare('default', { knownFindings: true, maxDepth: 24 });
    expect(r.stats.reduction).toMatch(/partial-order reduction: independent processes expanded alone \(msi_setter, msi_reader\)/);
    expect(r.stats.distinctStates).toBe(1_590);
    expect(r.stats.statesGenerated).toBe(5_017);
    expect(r.kind === 'violation' && r.violations.map((v) => [v.property, v.length])).toEqual([
      ['msi-geometry-never-torn', 4],
      ['no-dma-through-stale-tlb', 14],
    ]);
  });

  it('liveness on the whole state graph: the same lasso of flush-returns under priq-drained-no-wake-up', async () => {
    const r = await compare('iopf-small', { liveness: true, continueAfterViolation: true, variant: 'priq-drained-no-wake-up', params: { groups: 1, requests: 1, nextProcess: false } });
    expect(r.stats.liveness).toMatchObject({ checked: true, edges: 3_828 });
    expect(r.kind === 'violation' && r.violations.find((v) => v.property === 'flush-returns')?.length).toBe(10);
  });

  it("liveness with the partial-order reduction: the MSI users' left-out steps leave the graph alike", async () => {
    const r = await compare('sva-alloc', { liveness: true, continueAfterViolation: true, params: { allocFailures: false, exit: false, msi: { sets: 1, reads: 1 } } });
    expect(r.stats.reduction).toMatch(/independent processes expanded alone/);
    expect(r.stats.liveness).toMatchObject({ checked: true });
  });

  it('sva with its devices, mms and pages symmetric, to depth 13: the same representatives on every thread', async () => {
    const r = await compare('sva', { maxDepth: 13 });
    expect(r.stats.reduction).toMatch(/the 2 devices, the 2 mms and the 2 pages are interchangeable \(8 arrangements/);
    expect(r.stats.distinctStates).toBe(12_035);
  });

  it('iopf-small stops at its first violation, the same shortest trace', async () => {
    const r = await compare('iopf-small', {});
    expect(r.kind === 'violation' && r.violations.map((v) => [v.property, v.length])).toEqual([['no-fault-after-pasid-free', 17]]);
  });
});
