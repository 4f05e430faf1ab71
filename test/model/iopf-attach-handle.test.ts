// model/io-pgfault/attach-handle.ts: `reportVia(iommu_queue_iopf)` is the baseline's report exactly
// (same reachable states), and with a handler that always takes the group through queue_work it is
// iommu_queue_iopf again, so the variants built on it change only what they say they change.
import { describe, expect, it } from 'vitest';
import type { Model } from '../../explorer/model.ts';
import { reportStep } from '../../model/arm-smmu-v3/priq.ts';
import { iommu_handle_iopf, queueWorkHandler, reportVia } from '../../model/io-pgfault/attach-handle.ts';
import { iommu_queue_iopf } from '../../model/io-pgfault/report.ts';
import type { IopfParams } from '../../model/params.ts';
import type { State } from '../../model/state.ts';
import iopf from '../../spec/iopf.ts';
import { applyVariant, defineVariant } from '../../explorer/variant.ts';
import { exploreAll, smallParams } from '../spec/iopf-helpers.ts';

const withReport = (report: ReturnType<typeof reportVia>): Model<State, IopfParams> =>
  applyVariant(
    iopf,
    defineVariant<State, IopfParams>({
      id: 'report-via',
      title: 'the report through reportVia',
      source: 'test',
      model: 'iopf',
      expect: { violates: [] },
      steps: { replace: { 'priq_thread/iommu_report_device_fault': (c) => reportStep(c, report, 'test') } },
    }),
  );

// One group per device is enough to cover every path of the report (partial, LAST, both failures).
const params = { ...smallParams, groups: 1 };

describe('reportVia', () => {
  const base = exploreAll(iopf, params);

  it('with iommu_queue_iopf reaches exactly the baseline states', () => {
    const r = exploreAll(withReport(reportVia(iommu_queue_iopf)), params);
    expect(r.kind).toBe(base.kind);
    expect(r.stats.distinctStates).toBe(base.stats.distinctStates);
  });

  it('with a handler that always queues the group is the baseline too', () => {
    const r = exploreAll(withReport(reportVia((d, f, a) => iommu_handle_iopf(d, f, a, () => queueWorkHandler))), params);
    expect(r.kind).toBe(base.kind);
    expect(r.stats.distinctStates).toBe(base.stats.distinctStates);
  });
});
