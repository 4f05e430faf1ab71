// b58b133e68 "iommu: Handle iommu faults for a bad iopf setup" (seed 004, v6.11-rc5): on top of the
// void report, a page request that finds no fault-capable domain or no fault data is answered
// INVALID at once (iopf_error_response → ops->page_response) and -EINVAL is returned for logging.
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
    'err_bad_iopf answers every PAGE_REQ, last or not; see the test for what the checker says about a non-last request on a device without fault data.',
  model: 'iopf',
  expect: { violates: [] },
  transform: (m) =>
    replaceSteps(m, {
      'priq_thread/iommu_report_device_fault': (c) =>
        reportStep(c, reportVoid({ lostReturn: false, errorResponse: true }), 'b58b133e68 iommu_report_device_fault with err_bad_iopf'),
    }),
});
