// drivers/iommu/io-pgfault.c as first merged (fc36479db74e, v5.13): queue management.
// iopf_queue_alloc / iopf_queue_free, iopf_queue_add_device / iopf_queue_remove_device (queue->lock
// then dev->iommu->lock), iopf_queue_discard_partial (queue->lock; with the list_del the author
// added after Lu Baolu's review of v6, seed 001), iopf_queue_flush_dev (dev->iommu->lock held across
// flush_workqueue: one step takes the lock, a second one waits and releases it).
//
// flush_workqueue waits for the work items queued before it began; the model waits until no group
// of the queue is queued or running at all, which can only wait longer
// (every group finishes, so it never waits forever). The workqueue itself is never "destroyed" with
// work in it: destroy_workqueue drains it first, so iopf_queue_free waits the same way.
import type { Draft } from 'immer';
import type { State } from '../state.ts';
import type { DeviceId } from '../types.ts';

const EINVAL = -22;
const ENODEV = -19;
const EBUSY = -16;

/** No group of the queue is queued or running (the condition flush_workqueue waits for). */
export function workqueueIdle(s: State): boolean {
  return s.queue.wq.length === 0 && s.workers.every((w) => w.pc === 'idle');
}

/** iopf_queue_add_device(queue, dev): alloc iopf_param, then under both locks publish it. */
export function iopf_queue_add_device(d: Draft<State>, dev: DeviceId): number {
  const di = d.dev_iommu[dev]!;
  if (di.iopf_param) return EBUSY;
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
export function iopf_queue_remove_device(d: Draft<State>, dev: DeviceId): number {
  const di = d.dev_iommu[dev]!;
  const i = d.queue.devices.indexOf(dev);
  if (!di.iopf_param || i < 0) return EINVAL;
  d.queue.devices.splice(i, 1);
  di.iopf_param = null;
  return 0;
}

/** iopf_queue_discard_partial(queue): under queue->lock, list_del + kfree every partial fault. */
export function iopf_queue_discard_partial(d: Draft<State>): number {
  if (d.queue.state !== 'live') return EINVAL;
  for (const dev of d.queue.devices) {
    const p = d.dev_iommu[dev]!.iopf_param;
    if (p) p.partial = [];
  }
  return 0;
}

/** iopf_queue_flush_dev(dev), first half: take dev->iommu->lock; -ENODEV without iopf_param. */
export function iopf_queue_flush_dev_lock(d: Draft<State>, dev: DeviceId): number {
  const di = d.dev_iommu[dev]!;
  if (!di.iopf_param) return ENODEV;
  di.lock = true;
  return 0;
}

/** iopf_queue_flush_dev(dev), second half: flush_workqueue returned; drop dev->iommu->lock. */
export function iopf_queue_flush_dev_unlock(d: Draft<State>, dev: DeviceId): void {
  d.dev_iommu[dev]!.lock = false;
}

/** iopf_queue_free(queue): remove every device still listed, then destroy_workqueue. */
export function iopf_queue_free(d: Draft<State>): void {
  for (const dev of [...d.queue.devices]) iopf_queue_remove_device(d, dev);
  d.queue.state = 'freed';
}
