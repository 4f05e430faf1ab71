// drivers/iommu/io-pgfault.c as first merged (fc36479db74e, v5.13): queue management.
// iopf_queue_alloc / iopf_queue_free, iopf_queue_add_device / iopf_queue_remove_device (queue->lock
// then dev->iommu->lock), iopf_queue_discard_partial (queue->lock; with the list_del the author
// added after Lu Baolu's review of v6, seed 001), iopf_queue_flush_dev (dev->iommu->lock held across
// flush_workqueue: one step takes the lock, a second one waits and releases it).
//
// flush_workqueue waits for the work items queued or running when it began, not for those queued
// after (kernel/workqueue.c: the flush colour); each group carries the flushers waiting for it.
// The workqueue itself is never "destroyed" with work in it: destroy_workqueue drains it first, so
// iopf_queue_free waits until nothing is queued or running.
import type { Draft } from 'immer';
import { compareKeys, groupKey } from '../canonical.ts';
import type { DevIommu } from '../iommu/dev-iommu.ts';
import type { IopfQueue, Worker } from './state.ts';
import type { DeviceId } from '../ids.ts';

/** The slices queue management touches: the queue, its workers, and the devices' dev_iommu. */
export interface IopfQueueView {
  queue: IopfQueue;
  workers: Worker[];
  dev_iommu: DevIommu[];
}

/** No group of the queue is queued or running (the condition flush_workqueue waits for). */
export function workqueueIdle(s: IopfQueueView): boolean {
  return s.queue.wq.length === 0 && s.workers.every((w) => w.pc === 'idle');
}

/** iopf_queue_add_device(queue, dev): alloc iopf_param, then under both locks publish it. */
export function iopf_queue_add_device(d: Draft<IopfQueueView>, dev: DeviceId): 0 | '-EBUSY' {
  const di = d.dev_iommu[dev]!;
  if (di.iopf_param) return '-EBUSY';
  di.iopf_param = { partial: [] };
  d.queue.devices.push(dev);
  d.queue.devices.sort((a, b) => a - b);
  return 0;
}

/**
 * iopf_queue_remove_device(queue, dev): under both locks unlink and clear; then (unlocked, nothing
 * can reach it any more) free every partial fault and the param. Pending responses and queued groups
 * are not touched: "Caller makes sure that no more faults are reported for this device".
 */
export function iopf_queue_remove_device(d: Draft<IopfQueueView>, dev: DeviceId): 0 | '-EINVAL' {
  const di = d.dev_iommu[dev]!;
  const i = d.queue.devices.indexOf(dev);
  if (!di.iopf_param || i < 0) return '-EINVAL';
  d.queue.devices.splice(i, 1);
  di.iopf_param = null;
  return 0;
}

/** iopf_queue_discard_partial(queue): under queue->lock, list_del + kfree every partial fault. */
export function iopf_queue_discard_partial(d: Draft<IopfQueueView>): 0 | '-EINVAL' {
  if (d.queue.state !== 'live') return '-EINVAL';
  for (const dev of d.queue.devices) {
    const p = d.dev_iommu[dev]!.iopf_param;
    if (p) p.partial = [];
  }
  return 0;
}

/**
 * flush_workqueue(wq) as it begins, for `flusher`: every work item queued or running now holds it
 * (the workqueue stays sorted: the colour is part of a group's key).
 */
export function flush_workqueue_begin(d: Draft<IopfQueueView>, flusher: number): void {
  const bit = 1 << flusher;
  for (const g of d.queue.wq) g.flush_color |= bit;
  for (const w of d.workers) if (w.pc !== 'idle') w.group.flush_color |= bit;
  d.queue.wq.sort((a, b) => compareKeys(groupKey(a), groupKey(b)));
}

/** flush_workqueue returns: no work item that was queued or running when it began is left. */
export function flush_workqueue_done(s: IopfQueueView, flusher: number): boolean {
  const bit = 1 << flusher;
  return s.queue.wq.every((g) => (g.flush_color & bit) === 0) && s.workers.every((w) => w.pc === 'idle' || (w.group.flush_color & bit) === 0);
}

/**
 * iopf_queue_flush_dev(dev), first half: take dev->iommu->lock (-ENODEV without iopf_param), and
 * flush_workqueue(queue->wq) begins.
 */
export function iopf_queue_flush_dev_lock(d: Draft<IopfQueueView>, dev: DeviceId): 0 | '-ENODEV' {
  const di = d.dev_iommu[dev]!;
  if (!di.iopf_param) return '-ENODEV';
  di.lock = true;
  flush_workqueue_begin(d, dev);
  return 0;
}

/** iopf_queue_flush_dev(dev), second half: flush_workqueue returned; drop dev->iommu->lock. */
export function iopf_queue_flush_dev_unlock(d: Draft<IopfQueueView>, dev: DeviceId): void {
  d.dev_iommu[dev]!.lock = false;
}

/** iopf_queue_free(queue): remove every device still listed, then destroy_workqueue. */
export function iopf_queue_free(d: Draft<IopfQueueView>): void {
  for (const dev of [...d.queue.devices]) iopf_queue_remove_device(d, dev);
  d.queue.state = 'freed';
}
