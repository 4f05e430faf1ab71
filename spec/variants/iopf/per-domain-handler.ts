// 4bb4211e48 "iommu: Per-domain I/O page fault handling" with 8cc93159f9 "iommu: Prepare IOMMU
// domain for IOPF" (seed 004, v6.2), put on the baseline: the work item looks the domain up by
// (dev, PASID of the group's last fault) with iommu_get_domain_for_dev_pasid (none, or no
// iopf_handler: INVALID), and the SVA handler iommu_sva_handle_iopf faults on domain->mm after
// mmget_not_zero, instead of finding the mm by PASID (iommu_sva_find). Shared with attach-handle.ts.
//
// Compare: the same verdict, fewer states. 4bb4211e48's message leans on "unbind() won't free the
// domain until all the pending page requests have been flushed"; the baseline's known finding F1
// (README) breaks that: a request the PRIQ thread reports after the flush is queued for a PASID
// already unbound. The per-domain lookup then finds no domain and answers INVALID where the
// baseline looks the PASID up, so the variant reaches fewer states; the stale group is still
// queued (no-fault-after-pasid-free stays a known finding), and once the PASID is bound again to the
// same device the lookup would find the new owner's domain.
import type { Draft } from 'immer';
import { step, type AnyStep } from '../../../explorer/model.ts';
import { defineVariant } from '../../../explorer/variant.ts';
import { faultAt, forgetWalked, type BusyWorker } from '../../../model/io-pgfault/worker.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { findPasidMm } from '../../../model/sva/pasid.ts';
import { IOMMU_FAULT_PAGE_REQUEST_PASID_VALID, hasFlag, type RespCode } from '../../../model/types.ts';

/** iommu_get_domain_for_dev_pasid(dev, pasid) has an SVA domain (with its iopf_handler): the device is bound to it. */
export function svaDomainAttached(s: State, dev: number, pasid: number): boolean {
  return pasid !== 0 && s.devices[dev]!.pasid === pasid;
}

/** The baseline's bookkeeping after a handled fault (model/io-pgfault/worker.ts). */
function finish(w: Draft<BusyWorker>, status: RespCode): void {
  w.status = status;
  w.mm = null;
  const wasLast = w.cursor >= w.group.faults.length;
  forgetWalked(w);
  w.pc = wasLast || status !== 'SUCCESS' ? 'complete' : 'find';
}

/** The work item's lookup and iommu_sva_handle_iopf up to mmget_not_zero(domain->mm). */
export function perDomainFindStep(): AnyStep<State> {
  return step<State>({
    name: 'iommu_sva_handle_iopf/mmget_not_zero',
    at: 'find',
    doc: '4bb4211e48 iopf_handler: domain of (dev, last fault\'s PASID), INVALID without one; 8cc93159f9 iommu_sva_handle_iopf: PASID_VALID check, mmget_not_zero(domain->mm)',
    apply: (d, self) => {
      const w = d.workers[self] as Draft<BusyWorker>;
      const last = w.group.last_fault;
      if (!svaDomainAttached(d as State, w.group.dev, last.pasid)) return finish(w, 'INVALID');
      if (!hasFlag(faultAt(w.group, w.cursor).flags, IOMMU_FAULT_PAGE_REQUEST_PASID_VALID)) return finish(w, 'INVALID');
      // domain->mm is the mm bound to the PASID for as long as the domain is attached.
      const mm = findPasidMm(d, last.pasid);
      if (mm === null) return finish(w, 'INVALID');
      w.mm = mm;
      w.pc = 'fault';
    },
  });
}

export default defineVariant<State, IopfParams>({
  id: 'per-domain-handler',
  title: 'the iopf work handles a group through the domain attached to its (device, PASID)',
  source: 'seed 004: 4bb4211e48 and 8cc93159f9 (v6.2)',
  description:
    'Same verdict as the baseline, fewer states: a group reported after the flush (F1) finds no domain attached and is answered INVALID, where the baseline looks its freed PASID up; the stale group is still queued.',
  model: 'iopf',
  expect: { violates: [] },
  steps: { replace: { 'worker/iopf_handle_single/iommu_sva_find': () => perDomainFindStep() } },
});
