// drivers/iommu/io-pgfault.c as first merged (fc36479db74e, v5.13): the work item. A worker of the
// unordered iopf workqueue takes any queued group and runs iopf_handle_group: it walks the group's
// faults in list order (partials, then last_fault) with sticky errors, calling iopf_handle_single
// only while the status is SUCCESS and freeing every non-last iopf as it passes it; then
// iopf_complete_group → iommu_page_response, and kfree(group).
//
// Steps: one to start the work (dequeue), two per handled fault — iommu_sva_find (ioasid_find +
// mmget_not_zero) and the mmap_read_lock section with handle_mm_fault and mmput — because the
// owner may exit in between (then the worker's mmput is the one that runs exit_mmap, the order of
// seed001-killed-process.log: mm_release, then that fault answered SUCCESS), and one for the
// response and the free. Faults skipped after an error are freed inside that last step: nothing
// else can see them. A walked non-last iopf is forgotten by the model (the walk has passed it and
// the group goes whole with kfree(group)); the variant handle-group-free-without-list-del keeps it
// linked and marked freed, to check that nothing reaches it.
import type { Draft } from 'immer';
import type { MmGetter } from '../iommu-sva/iommu-sva-lib.ts';
import { iommu_page_response } from '../iommu/fault.ts';
import { vma_allows } from '../mm/pgtable.ts';
import { faultWaitsForPageLock, handleMmFault } from '../sva/writeback.ts';
import { findPasidMm, mmputById } from '../sva/pasid.ts';
import type { IommuFault } from '../iommu/state.ts';
import type { IopfGroup, Worker } from './state.ts';
import type { State } from '../state.ts';
import {
  IOMMU_FAULT_PAGE_REQUEST_PASID_VALID,
  IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID,
  IOMMU_FAULT_PERM_WRITE,
  hasFlag,
  type RespCode,
} from '../types.ts';
import type { DeviceId } from '../ids.ts';
import { step, type AnyStep } from '../../explorer/model.ts';
import { compareKeys, groupKey } from '../canonical.ts';
import { dev_page_response } from '../sva/tracepoints.ts';

export type BusyWorker = Extract<Worker, { pc: 'find' | 'fault' | 'complete' | 'unlock' }>;

/** The fault a walk is at: the partials in order, then last_fault. */
export function faultAt(group: IopfGroup, cursor: number): IommuFault {
  return cursor < group.faults.length ? group.faults[cursor]! : group.last_fault;
}

/** How a walked non-last iopf is freed: the baseline forgets it; a variant keeps it, marked freed. */
export type ReleaseWalked = (w: Draft<BusyWorker>) => void;

export const forgetWalked: ReleaseWalked = (w) => {
  if (w.cursor < w.group.faults.length) w.group.faults.splice(w.cursor, 1);
};

/** After iopf_handle_single returned: free a non-last iopf, then go on only while SUCCESS. */
function next(w: Draft<BusyWorker>, status: RespCode, release: ReleaseWalked): void {
  w.status = status;
  w.mm = null;
  const wasLast = w.cursor >= w.group.faults.length;
  release(w);
  w.pc = wasLast || status !== 'SUCCESS' ? 'complete' : 'find';
}

/** Distinct queued work items, in the workqueue's canonical order. */
export function dequeueChoices(s: State): number[] {
  const out: number[] = [];
  s.queue.wq.forEach((g, i) => {
    if (i === 0 || compareKeys(groupKey(s.queue.wq[i - 1]!), groupKey(g)) !== 0) out.push(i);
  });
  return out;
}

/** How the work completes its group: the baseline's iopf_complete_group; variants answer otherwise. */
export type CompleteGroup = (d: Draft<State>, w: Draft<BusyWorker>) => void;

export const completeGroup: CompleteGroup = (d, w) => void iopf_complete_group(d, w.group.dev, w.group.last_fault, w.status);

/**
 * The worker's steps; a variant passes its own way to release walked faults, to complete the group,
 * or the getter iommu_sva_find hands ioasid_find (mmget_not_zero in every kernel).
 */
export function workerSteps(release: ReleaseWalked = forgetWalked, complete: CompleteGroup = completeGroup, get?: MmGetter): AnyStep<State>[] {
  return [
    step<State, number>({
      name: 'iopf_handle_group',
      at: 'idle',
      doc: 'io-pgfault.c iopf_handle_group: a worker of the unordered workqueue starts any queued group',
      source: 'drivers/iommu/io-pgfault.c:128-151 (v5.13-rc6)',
      locks: 'none (the workqueue hands the work item out)',
      choices: (s) => dequeueChoices(s),
      apply: (d, self, i) => {
        const [group] = d.queue.wq.splice(i, 1);
        d.workers[self] = { pc: 'find', group: group!, cursor: 0, status: 'SUCCESS', mm: null };
      },
      showChoice: (i) => `work ${i}`,
    }),
    step<State>({
      name: 'iopf_handle_single/iommu_sva_find',
      at: 'find',
      doc: 'io-pgfault.c iopf_handle_single: PASID_VALID check, iommu_sva_find = ioasid_find + mmget_not_zero',
      source: 'drivers/iommu/io-pgfault.c:83-88 (v5.13-rc6); drivers/iommu/iommu-sva-lib.c:82-85 (87ea6a1e395a) (iommu_sva_find); drivers/iommu/ioasid.c:419-446 (v5.13-rc6) (ioasid_find)',
      locks: 'ioasid_allocator_lock (RCU read in ioasid_find)',
      apply: (d, self) => {
        const w = d.workers[self] as Draft<BusyWorker>;
        const f = faultAt(w.group, w.cursor);
        if (!hasFlag(f.flags, IOMMU_FAULT_PAGE_REQUEST_PASID_VALID)) return next(w, 'INVALID', release);
        const mm = findPasidMm(d, f.pasid, get);
        if (mm === null) return next(w, 'INVALID', release);
        w.mm = mm;
        w.pc = 'fault';
      },
    }),
    step<State>({
      name: 'iopf_handle_single/handle_mm_fault',
      at: 'fault',
      doc: 'io-pgfault.c iopf_handle_single: mmap_read_lock, find_extend_vma, access check, handle_mm_fault (the PTE becomes present), mmput',
      source: 'drivers/iommu/io-pgfault.c:90-123 (v5.13-rc6)',
      locks: 'mmap_read_lock(mm); the page lock, with `httu` (filemap_fault, do_page_mkwrite), waited for while a writeback holds it',
      enabled: (s, self) => {
        const w = s.workers[self] as BusyWorker;
        return !faultWaitsForPageLock(s, w.mm!, faultAt(w.group, w.cursor).addr);
      },
      apply: (d, self) => {
        const w = d.workers[self] as Draft<BusyWorker>;
        const f = faultAt(w.group, w.cursor);
        const m = d.mms[w.mm!]!;
        const access = hasFlag(f.perm, IOMMU_FAULT_PERM_WRITE) ? 'w' : 'r';
        const status: RespCode = vma_allows(m, f.addr, access) && handleMmFault(d, w.mm!, f.addr, access) === 0 ? 'SUCCESS' : 'INVALID';
        mmputById(d, w.mm!);
        next(w, status, release);
      },
    }),
    step<State>({
      name: 'iopf_complete_group',
      at: 'complete',
      tracepoint: dev_page_response,
      doc: 'io-pgfault.c iopf_complete_group → iommu.c iommu_page_response: -EINVAL without dev->iommu->fault_param, else mutex_lock(&fault_param->lock), match, ops->page_response, list_del',
      source: 'drivers/iommu/io-pgfault.c:55-70 (v5.13-rc6); drivers/iommu/iommu.c:1232-1288 (v5.13-rc6) (iommu_page_response up to the matched response)',
      locks: 'fault_param->lock, taken here and still held',
      apply: (d, self) => {
        const w = d.workers[self] as Draft<BusyWorker>;
        // The unlocked test `!param->fault_param` decides whether the lock is taken at all.
        const locks = d.dev_iommu[w.group.dev]!.fault_param !== null;
        complete(d, w);
        if (locks) w.pc = 'unlock';
        else d.workers[self] = { pc: 'idle' }; // kfree(group)
      },
    }),
    step<State>({
      name: 'iommu_page_response/mutex_unlock',
      at: 'unlock',
      doc: 'iommu.c iommu_page_response: mutex_unlock(&param->fault_param->lock) re-reads dev->iommu->fault_param, which nothing keeps alive (the unregister holds dev->iommu->lock, not this one); then iopf_handle_group\'s kfree(group)',
      source: 'drivers/iommu/iommu.c:1290-1292 (v5.13-rc6); drivers/iommu/io-pgfault.c:149-150 (v5.13-rc6) (iopf_handle_group: complete, kfree(group))',
      locks: 'fault_param->lock, released here',
      apply: (d, self) => {
        const w = d.workers[self] as Draft<BusyWorker>;
        if (d.dev_iommu[w.group.dev]!.fault_param === null) d.ghost.faultDataUseAfterFree = true;
        d.workers[self] = { pc: 'idle' };
      },
    }),
  ];
}

/** A worker inside iommu_page_response holds fault_param->lock of `dev`. */
export const faultParamLocked = (s: State, dev: number): boolean =>
  s.workers.some((w) => w.pc === 'unlock' && w.group.dev === dev);

/**
 * iopf_complete_group(dev, iopf, status): PASID_VALID in the response iff the request had it and
 * needs it. A response built from a freed group's last_fault is a use after free of the group.
 */
export function iopf_complete_group(d: Draft<State>, dev: DeviceId, iopf: IommuFault, status: RespCode): 0 | '-EINVAL' {
  if (iopf.freed) d.ghost.responseAfterGroupFree = true;
  const withPasid =
    hasFlag(iopf.flags, IOMMU_FAULT_PAGE_REQUEST_PASID_VALID) && hasFlag(iopf.flags, IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID);
  return iommu_page_response(d, dev, { pasid_valid: withPasid, pasid: iopf.pasid, grpid: iopf.grpid, code: status });
}
