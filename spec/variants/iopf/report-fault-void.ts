// 3dfa64aecb "iommu: Make iommu_report_device_fault() return void" as intended (seed 004): the
// IOMMU driver no longer completes a fault the core refused, and the core returns without answering
// when the device has no fault data (no fault-capable domain / iopf_param NULL, b58b133e68's
// report). A request on the RID before IOPF is enabled then waits forever: no-stall (deadlock) is
// violated, and the shortest counterexample ends in that stalled device.
import { defineVariant } from '../../../explorer/variant.ts';
import { reportStep } from '../../../model/arm-smmu-v3/priq.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { onEvtq, reportVoid } from './report-void.ts';

export default defineVariant<State, IopfParams>({
  id: 'report-fault-void',
  title: 'iommu_report_device_fault returns void; no response without fault data',
  source: 'seed 004: 3dfa64aecb (and b554e396e5), the regression b58b133e68 fixes',
  description:
    'With the return value gone the driver\'s "Nobody cared, abort the access" is gone too; a page request that reaches a device without fault data is dropped with a WARN and the endpoint never gets its response.',
  model: 'iopf',
  expect: { violates: ['deadlock', 'prg-answered'] },
  steps: {
    replace: {
      'priq_thread/iommu_report_device_fault': (c) =>
        reportStep(c, reportVoid({ lostReturn: false, errorResponse: false }), '3dfa64aecb iommu_report_device_fault (void)'),
    },
  },
  // On the event queue's path (iopf-evtq) the same report, with arm_smmu_handle_evt's "Nobody cared" gone.
  transform: onEvtq({ lostReturn: false, errorResponse: false }),
});
