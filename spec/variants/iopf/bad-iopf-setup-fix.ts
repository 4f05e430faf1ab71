// b58b133e68 "iommu: Handle iommu faults for a bad iopf setup" (seed 004, v6.11-rc5): on top of the
// void report, a page request that finds no fault-capable domain or no fault data is answered
// INVALID at once (iopf_error_response → ops->page_response) and -EINVAL is returned for logging.
//
// The checker finds a violation the issue did not expect: err_bad_iopf is taken before the
// LAST_PAGE test (find_fault_handler and the fault_param lookup come first), so on a PRI endpoint a
// *non-last* request that reaches a device without a fault-capable domain or fault data is answered
// too. Its group gets a response while the device is still sending it (PCIe: Unexpected Page Request
// Group Index), and its LAST gets a second one: one-response-per-group. SMMUv3's stall model cannot
// hit it (every stall event is LAST, grpid = STAG); a PRI IOMMU that reports every request (VT-d's
// prq thread) can, when PRI is enabled before IOPF, as the baseline's driver does.
import { defineVariant } from '../../../explorer/variant.ts';
import { reportStep } from '../../../model/arm-smmu-v3/priq.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { replaceSteps } from './edit.ts';
import { reportVoid } from './report-void.ts';

export default defineVariant<State, IopfParams>({
  id: 'bad-iopf-setup-fix',
  title: 'iommu_report_device_fault answers INVALID when the IOPF setup is missing',
  source: 'seed 004: b58b133e68 (Fixes: 3dfa64aecb)',
  description:
    'err_bad_iopf answers every PAGE_REQ, last or not: a non-last request on a device without fault data answers its group before the LAST (one-response-per-group). Without that, the fix removes report-fault-void\'s stall.',
  model: 'iopf',
  expect: { violates: ['one-response-per-group'] },
  transform: (m) =>
    replaceSteps(m, {
      'priq_thread/iommu_report_device_fault': (c) =>
        reportStep(c, reportVoid({ lostReturn: false, errorResponse: true }), 'b58b133e68 iommu_report_device_fault with err_bad_iopf'),
    }),
});
