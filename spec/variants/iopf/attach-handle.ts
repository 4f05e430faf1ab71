// 06cdcc32d6 "iommu: Add attach handle to struct iopf_group" (seed 004, v6.11; kernel-notes 1a.3),
// put on the baseline: the handler is found when the LAST request is reported, through the attach
// handle of (dev, PASID) (iommu_attach_handle_get), or of the RID for a request without a PASID; the
// group carries the handle and the work faults on handle->domain->mm (as per-domain-handler.ts).
// Without a handle (a request on the RID, whose default domain is not attached with a handle; a
// PASID not bound) the group is freed with its partials (err_abort), and the fault is answered
// FAILURE (here by the IOMMU driver, as the baseline does for every report error).
// Compare: all invariants hold. The interleavings change: a group on the RID after IOPF was enabled
// no longer reaches a worker (which answered it INVALID), it is answered Response Failure at report
// time and the function stops issuing page requests, so the state space shrinks. The user_pasid_table
// fallback to a nested RID domain is iommufd's (iommufd-fault-object routes every fault of the device
// to its HWPT).
import { defineVariant } from '../../../explorer/variant.ts';
import { reportStep } from '../../../model/arm-smmu-v3/priq.ts';
import { iommu_handle_iopf, queueWorkHandler, reportVia } from '../../../model/io-pgfault/attach-handle.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { IOMMU_FAULT_PAGE_REQUEST_PASID_VALID, hasFlag } from '../../../model/types.ts';
import { perDomainFindStep, svaDomainAttached } from './per-domain-handler.ts';

/** iommu_report_device_fault with the SVA attach handle of (dev, PASID) found for the LAST request. */
export const reportWithAttachHandle = reportVia((d, fault, alloc) =>
  iommu_handle_iopf(d, fault, alloc, (s, f) =>
    hasFlag(f.flags, IOMMU_FAULT_PAGE_REQUEST_PASID_VALID) && svaDomainAttached(s, f.dev, f.pasid) ? queueWorkHandler : null,
  ),
);

export default defineVariant<State, IopfParams>({
  id: 'attach-handle',
  title: 'the handler is found through the attach handle when the LAST request is reported',
  source: 'seed 004: 06cdcc32d6 (v6.11); kernel-notes 1a.3',
  description:
    'All invariants hold; fewer states than the baseline: a LAST request with no attach handle (on the RID, or for a PASID not bound) is answered FAILURE at report time instead of INVALID by a worker, which disables the function\'s PRI.',
  model: 'iopf',
  expect: { violates: [] },
  steps: {
    replace: {
      'priq_thread/iommu_report_device_fault': (c) =>
        reportStep(c, reportWithAttachHandle, '06cdcc32d6 iommu_report_device_fault: iommu_attach_handle_get for the LAST request, err_abort without one'),
      'worker/iopf_handle_single/iommu_sva_find': () => perDomainFindStep(),
    },
  },
});
