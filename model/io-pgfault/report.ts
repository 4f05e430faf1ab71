// drivers/iommu/io-pgfault.c as first merged (fc36479db74e, v5.13): iommu_queue_iopf, the handler
// iommu_report_device_fault calls with dev->iommu->lock held (kernel-notes 1a.1). A non-last request
// is copied onto the device's partial list; a LAST request gathers every partial with the same grpid
// (PASID ignored: the PRG index is per function) in front of its embedded last_fault, and the group
// is queued on the iopf workqueue.
import type { Draft } from 'immer';
import type { IommuFault } from '../iommu/state.ts';
import type { IopfGroup } from './state.ts';
import type { State } from '../state.ts';
import { IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE, hasFlag } from '../types.ts';
import { compareKeys, groupKey } from '../canonical.ts';

/** Which allocation of the report path fails, if any: a nondeterministic choice of the IRQ step. */
export type AllocFailure = 'none' | 'kmemdup' | 'kzalloc';

/** What iommu_queue_iopf returns. */
export type QueueIopfRet = 0 | '-ENODEV' | '-ENOMEM';

/** queue_work(queue->wq, &group->work): the model keeps the workqueue sorted (a multiset). */
export function queue_work(d: Draft<State>, group: IopfGroup): void {
  const key = groupKey(group);
  let i = 0;
  while (i < d.queue.wq.length && compareKeys(groupKey(d.queue.wq[i]!), key) <= 0) i++;
  d.queue.wq.splice(i, 0, group);
}

/**
 * The partials of a LAST request's group, taken off the device's partial list: every one with its
 * grpid, moved to the head while the newest-first list is walked, so they come out in issue order.
 */
export function takePartials(iopfParam: { partial: IommuFault[] }, grpid: IommuFault['grpid']): IommuFault[] {
  const faults: IommuFault[] = [];
  const kept: IommuFault[] = [];
  for (const iopf of iopfParam.partial) {
    if (iopf.grpid === grpid) faults.unshift(iopf);
    else kept.push(iopf);
  }
  iopfParam.partial = kept;
  return faults;
}

/**
 * iommu_queue_iopf(fault, cookie = dev). Non-last: kzalloc an iopf, list_add to partial. Last:
 * kzalloc the group (on failure delete and free every partial of this grpid, -ENOMEM), move the
 * partials of this grpid in front of last_fault (list_move to the head while walking the partial
 * list newest-first leaves them in issue order), queue_work.
 */
export function iommu_queue_iopf(d: Draft<State>, fault: IommuFault, alloc: AllocFailure): QueueIopfRet {
  const iopfParam = d.dev_iommu[fault.dev]!.iopf_param;
  if (!iopfParam) return '-ENODEV';
  if (!hasFlag(fault.flags, IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE)) {
    if (alloc === 'kzalloc') return '-ENOMEM';
    iopfParam.partial.unshift({ ...fault });
    return 0;
  }
  if (alloc === 'kzalloc') {
    iopfParam.partial = iopfParam.partial.filter((p) => p.grpid !== fault.grpid);
    return '-ENOMEM';
  }
  const faults = takePartials(iopfParam, fault.grpid);
  queue_work(d, { dev: fault.dev, faults, last_fault: { ...fault }, flush_color: 0 });
  return 0;
}
