// b58b133e68 "iommu: Handle iommu faults for a bad iopf setup" (seed 004, v6.11-rc5): on top of the
// void report, a page request that finds no fault-capable domain or no fault data is answered
// INVALID at once (iopf_error_response → ops->page_response) and -EINVAL is returned for logging.
//
// The checker finds a violation the patch's own message does not expect, and its code confirms it. Seed 004 holds
// only the commit message; the diff (Pranjal Shrivastava's posting to lkml, Aug 2024, and
// io-pgfault.c as merged) reads:
//     attach_handle = find_fault_handler(dev, evt);
//     if (!attach_handle) goto err_bad_iopf;
//     iopf_param = iopf_get_dev_fault_param(dev);
//     if (WARN_ON(!iopf_param)) goto err_bad_iopf;
//     if (!(fault->prm.flags & IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE)) { ...report_partial_fault...; return ret; }
//     ...
//   err_bad_iopf:
//     if (fault->type == IOMMU_FAULT_PAGE_REQ) iopf_error_response(dev, evt);   /* INVALID */
// Both lookups come before the LAST_PAGE test, and the error response is keyed on the fault type,
// not on LAST_PAGE. So on a PRI endpoint a *non-last* request that reaches a device without a
// fault-capable domain or fault data is answered too: its group gets a response while the device is
// still sending it (PCIe: Unexpected Page Request Group Index), and its LAST a second one. VT-d
// reports every request, last or not (intel_prq_report), while its own error path,
// handle_bad_prq_event, answers only a request with LPIG set: the rule err_bad_iopf misses. The
// baseline's driver enables PRI before IOPF, so a request on the RID meets no fault data:
// one-response-per-group, on the 3-step trace pci_enable_pri, a non-last request, its report.
//
// Under SMMUv3's stall model (spec/configs/iopf-stall.json) every event is LAST (grpid = STAG), so
// err_bad_iopf answers exactly the one request of its group: every invariant holds there
// (test/spec/iopf-stall.test.ts), and the fix removes report-fault-void's stall, which is what the
// patch set out to do for the stall SMMU in Kunkun Jiang's report.
import { defineVariant } from '../../../explorer/variant.ts';
import { reportStep } from '../../../model/arm-smmu-v3/priq.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { onEvtq, reportVoid } from './report-void.ts';

export default defineVariant<State, IopfParams>({
  id: 'bad-iopf-setup-fix',
  title: 'iommu_report_device_fault answers INVALID when the IOPF setup is missing',
  source: 'seed 004: b58b133e68 (Fixes: 3dfa64aecb)',
  description:
    'PRI (iopf-small): err_bad_iopf answers every PAGE_REQ, last or not, so a non-last request on a device without fault data answers its group before the LAST and the LAST gets a second response (one-response-per-group). Stall model (iopf-stall): every request is LAST and every invariant holds; the fix removes report-fault-void\'s stall.',
  model: 'iopf',
  expect: { violates: ['one-response-per-group'] },
  steps: {
    replace: {
      'priq_thread/iommu_report_device_fault': (c) =>
        reportStep(c, reportVoid({ lostReturn: false, errorResponse: true }), 'b58b133e68 iommu_report_device_fault with err_bad_iopf'),
    },
  },
  // On the event queue's path (iopf-evtq) the same report, with arm_smmu_handle_evt's "Nobody cared" gone.
  transform: onEvtq({ lostReturn: false, errorResponse: true }),
});
