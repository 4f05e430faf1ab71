// The kernel models' invariants that list the top-level fields they read (Invariant.reads) read no
// other, on every state of configs that exercise the SMMU tables, attach, HTTU, the ASID seize, the
// event queue and iommufd: a field left out would make the search skip them after a step that
// changes only that field, and miss violations.
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/bfs.ts';
import { compile } from '../../explorer/compile.ts';
import { resolveTarget } from '../../explorer/cli/target.ts';
import { workspace } from '../helpers/cli.ts';

const ws = workspace();

describe("the invariants' listed reads", () => {
  it.each(['sva-attach', 'sva-httu-munmap', 'sva-seize', 'sva-two-smmus', 'iopf-evtq', 'iopf-stall'])('%s: checkReads on every state', async (config) => {
    const target = await resolveTarget(ws, { config });
    const bounds = target.config?.bounds?.maxDepth === undefined ? {} : { maxDepth: Math.min(target.config.bounds.maxDepth, 30) };
    const r = explore(target.compiled, { continueAfterViolation: true, checkReads: true, liveness: false, ...bounds });
    expect(r.stats.distinctStates).toBeGreaterThan(1000);
  });

  it('iopf with iommufd (response-code-valid reads the field the variant adds)', async () => {
    const target = await resolveTarget(ws, { config: 'iopf-small', variant: 'iommufd-fault-object-no-code-check' });
    const r = explore(compile(target.model, target.params), { continueAfterViolation: true, checkReads: true, liveness: false, maxDepth: 14 });
    expect(r.kind === 'violation' ? r.violations.map((v) => v.property) : []).toContain('response-code-valid');
  });
});
