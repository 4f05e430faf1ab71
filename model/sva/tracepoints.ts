// The tracepoints of seed 001's event log (model/sva/trace-log.ts), as the SVA development tree calls
// them; each is declared on the step that mirrors its kernel function (Step.tracepoint), and a step
// without one prints nothing.
//   smmu_bind_alloc     __arm_smmu_sva_bind, when it allocates a bond (a reused bond prints nothing);
//   smmu_unbind_free    the unbind's tail that frees the bond (iommu_sva_free_pasid, kfree(bond));
//   smmu_mm_release     arm_smmu_mm_release, at each call of the notifier's ->release (the format does
//                       not say whether a release that finds `cleared` prints; the model says it does);
//   smmu_mm_invalidate  arm_smmu_mm_invalidate_range, at each call (two per munmap of a present page:
//                       tlb_flush_mmu_tlbonly, then mmu_notifier_invalidate_range_end; one per
//                       page_mkclean_one of a mapped page, with `httu`);
//   dev_fault           iommu_report_device_fault after fparam->handler returned, so only when the
//                       handler ran ("iommu: trace page faults", Jacob Pan: trace_dev_fault after the
//                       handler call, skipped by the `goto done_unlock` of a missing fault_param or a
//                       failed kmemdup);
//   dev_page_response   iommu_page_response on the pending event it matched, before ops->page_response
//                       (a response that matches nothing returns -EINVAL and prints nothing).
// The driver's own responses (arm_smmu_handle_ppr's "Nobody cared" FAILURE) bypass
// iommu_page_response and print nothing, as in the kernel.
import type { EmittedEvent, EmittedField, Tracepoint } from '../../explorer/trace-validate/events.ts';
import { value } from '../../explorer/trace-validate/events.ts';
import type { IommuFault } from '../iommu/state.ts';
import type { BusyWorker } from '../io-pgfault/worker.ts';
import type { State } from '../state.ts';
import { IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE, RESPONSE_CODES, hasFlag } from '../types.ts';
import { FAULT_FLAGS } from './trace-log.ts';

/** IOMMU_FAULT_PAGE_REQ: every fault the model reports is a page request. */
const IOMMU_FAULT_PAGE_REQ = 2;
/** IOMMU_FAULT_REASON_UNKNOWN: what a page request carries. */
const IOMMU_FAULT_REASON_UNKNOWN = 0;

const device = (dev: number): EmittedField => ({ kind: 'id', sort: 'device', id: String(dev) });
const pasid = (p: number, release = false): EmittedField =>
  p === 0 ? value(0) : { kind: 'id', sort: 'pasid', id: String(p), ...(release ? { release } : {}) };
const page = (p: number, inPasid: number): EmittedField => ({
  kind: 'id',
  sort: 'page',
  id: String(p),
  ...(inPasid === 0 ? {} : { owner: { sort: 'pasid', id: String(inPasid) } }),
});
const group = (dev: number, grpid: number, release = false): EmittedField => ({
  kind: 'id',
  sort: 'group',
  id: String(grpid),
  owner: { sort: 'device', id: String(dev) },
  ...(release ? { release } : {}),
});

function devFault(f: IommuFault): EmittedEvent {
  return {
    event: 'dev_fault',
    fields: {
      dev: device(f.dev),
      type: value(IOMMU_FAULT_PAGE_REQ),
      reason: value(IOMMU_FAULT_REASON_UNKNOWN),
      addr: page(f.addr, f.pasid),
      pasid: pasid(f.pasid),
      group: group(f.dev, f.grpid),
      flags: value(f.flags & FAULT_FLAGS),
      prot: value(f.perm),
    },
  };
}

export const smmu_bind_alloc: Tracepoint<State> = (before, after, self) => {
  const mm = after.sva[self]!.mm;
  if (mm === null || after.arm_smmu.masters[self]!.bonds[mm] === null || before.arm_smmu.masters[self]!.bonds[mm] !== null) return null;
  return { event: 'smmu_bind_alloc', fields: { dev: device(self), pasid: pasid(after.mms[mm]!.pasid) } };
};

/** The bond goes; its PASID is released when that was the last reference (ioasid_put freed it). */
export const smmu_unbind_free: Tracepoint<State> = (before, after, self) => {
  const mm = before.sva[self]!.mm;
  if (mm === null) return null;
  const p = before.mms[mm]!.pasid;
  return { event: 'smmu_unbind_free', fields: { dev: device(self), pasid: pasid(p, p !== 0 && after.ioasid.xa[p] === null) } };
};

export const smmu_mm_release: Tracepoint<State> = (before, _after, self) => ({ event: 'smmu_mm_release', fields: { pasid: pasid(before.mms[self]!.pasid) } });

export const smmu_mm_invalidate: Tracepoint<State> = (before, _after, self) => {
  const m = before.mms[self]!;
  if (m.unmap === null) return null;
  return { event: 'smmu_mm_invalidate', fields: { pasid: pasid(m.pasid), range: page(m.unmap.page, m.pasid) } };
};

/** The same event from page_mkclean_one's mmu_notifier_invalidate_range_end (`httu`: model/sva/writeback.ts). */
export const smmu_mm_invalidate_mkclean: Tracepoint<State> = (before, _after, self) => {
  const w = before.httu?.writeback[self];
  if (w?.page === null || w?.page === undefined) return null;
  const p = before.mms[self]!.pasid;
  return { event: 'smmu_mm_invalidate', fields: { pasid: pasid(p), range: page(w.page, p) } };
};

export const dev_fault: Tracepoint<State> = (before, _after, _self, alloc: string) => {
  const evt = before.priq.evt;
  if (evt?.kind !== 'ppr') return null;
  const f = evt.fault;
  const handlerRan = before.dev_iommu[f.dev]!.fault_param !== null && !(hasFlag(f.flags, IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE) && alloc === 'kmemdup');
  return handlerRan ? devFault(f) : null;
};

/** The worker's response matched a pending event when one left fault_param's list. */
export const dev_page_response: Tracepoint<State> = (before, after, self) => {
  const w = before.workers[self] as BusyWorker;
  const dev = w.group.dev;
  const was = before.dev_iommu[dev]!.fault_param;
  const now = after.dev_iommu[dev]!.fault_param;
  if (was === null || now === null || now.faults.length >= was.faults.length) return null;
  const f = w.group.last_fault;
  return {
    event: 'dev_page_response',
    fields: { dev: device(dev), code: value(RESPONSE_CODES.indexOf(w.status)), pasid: pasid(f.pasid), group: group(dev, f.grpid, true) },
  };
};
