// a74c077b90 "iommu: Use refcount for fault data access" (seed 004) on the baseline's fault path:
// the fault data gets a reference count and an RCU-published pointer.
//  - Registering allocates it with `users` = 1 and publishes it (rcu_assign_pointer).
//  - iommu_report_device_fault reaches it by iopf_get_dev_fault_param (rcu_dereference, then
//    refcount_inc_not_zero), without dev->iommu->lock. The group it queues keeps that reference
//    (group->fault_param); a report that queues no group drops it again.
//  - iopf_group_response goes through group->fault_param, and iopf_free_group drops the group's
//    reference.
//  - The unregister unpublishes the pointer and drops the first reference (iopf_put_dev_fault_param).
//  - The last put frees the data with kfree_rcu. No step of the model reads it under RCU across
//    steps, so the free is immediate.
// The flush takes no lock either ("It's a driver bug to be here after iopf_queue_remove_device()").
// The unregister keeps v5.13's -EBUSY while responses are pending (0095bf8355's answering of them
// is a later change).
// What it changes against the baseline:
//  - F1's late group holds its own reference, so the unregister that runs while its worker still
//    has to mutex_unlock(&fault_param->lock) no longer frees the data under it:
//    fault-param-lifetime is fixed by the count itself.
//  - The unlocked report adds no state of its own: the baseline reaches every such state by
//    reporting just before the flush took the lock.
import type { Draft } from 'immer';
import { step } from '../../../explorer/model.ts';
import { defineVariant } from '../../../explorer/variant.ts';
import { bool, array, int } from '../../../explorer/codec.ts';
import { priqFault, reportStep, reportV513, waitsForFaultParamLock } from '../../../model/arm-smmu-v3/priq.ts';
import { driverSteps } from '../../../model/driver.ts';
import { iommu_register_device_fault_handler, markReported } from '../../../model/iommu/fault.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { IommuFault } from '../../../model/iommu/state.ts';
import type { State } from '../../../model/state.ts';
import { IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE, hasFlag } from '../../../model/types.ts';
import type { BusyWorker } from '../../../model/io-pgfault/worker.ts';
import type { DeviceId } from '../../../model/ids.ts';

/** The state a74c077b90 adds: per device, the published pointer and the data's reference count. */
interface RefcountState extends State {
  /** dev->iommu->fault_param as RCU publishes it (the data itself is dev_iommu[i].fault_param). */
  fault_param_published: boolean[];
  /** fault_param->users. */
  fault_param_users: number[];
}

const rc = (d: Draft<State>): Draft<RefcountState> => d as Draft<RefcountState>;

/** iopf_put_dev_fault_param: refcount_dec_and_test, then kfree_rcu(fault_param). */
function iopf_put_dev_fault_param(d: Draft<State>, dev: number): void {
  const users = rc(d).fault_param_users;
  users[dev] = users[dev]! - 1;
  if (users[dev] === 0) d.dev_iommu[dev]!.fault_param = null;
}

/**
 * iommu_report_device_fault with iopf_get_dev_fault_param: no published data → -EINVAL (the driver
 * answers a LAST itself); a LAST whose group was queued keeps the reference the get took.
 */
function reportRefcounted(d: Draft<State>, fault: IommuFault, alloc: Parameters<typeof reportV513>[2]): void {
  const last = hasFlag(fault.flags, IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE);
  if (!rc(d).fault_param_published[fault.dev]) {
    if (last) {
      markReported(d, fault);
      d.priq.pc = 'nobody_cared';
    }
    return;
  }
  reportV513(d, fault, alloc);
  if (last && d.priq.pc !== 'nobody_cared') rc(d).fault_param_users[fault.dev]!++;
}

/** Registering: the baseline's allocation, then users = 1 and rcu_assign_pointer. */
function registerRefcounted(d: Draft<State>, dev: DeviceId): void {
  iommu_register_device_fault_handler(d, dev);
  rc(d).fault_param_published[dev] = true;
  rc(d).fault_param_users[dev] = 1;
}

/**
 * Unregistering: -EBUSY while responses are pending (v5.13), else rcu_assign_pointer(NULL) and
 * iopf_put_dev_fault_param of the first reference.
 */
function unregisterRefcounted(d: Draft<State>, dev: DeviceId): void {
  const data = d.dev_iommu[dev]!.fault_param;
  if (!rc(d).fault_param_published[dev] || data === null || data.faults.length > 0) return;
  rc(d).fault_param_published[dev] = false;
  iopf_put_dev_fault_param(d, dev);
}

/** The driver's step `name`, making a74c077b90's fault-handler calls. */
const driverStep = (c: IopfParams, name: string) =>
  driverSteps(c, { register: registerRefcounted, unregister: unregisterRefcounted }).find((s) => s.name === name)!;

export default defineVariant<State, IopfParams>({
  id: 'fault-param-refcount',
  title: 'refcounted fault data instead of dev->iommu->lock',
  source: 'seed 004: a74c077b90 "iommu: Use refcount for fault data access"; kernel-notes 1a.2',
  description:
    'Fixes fault-param-lifetime: a group reported after the flush (F1) holds its own reference on the fault data, so the unregister that runs while its worker still has to unlock fault_param->lock drops only the first reference, and the group\'s put frees the data. The unlocked report adds no state: the baseline reaches the same ones by reporting just before the flush took dev->iommu->lock.',
  model: 'iopf',
  expect: { violates: [], fixes: ['fault-param-lifetime'] },
  state: {
    fault_param_published: { codec: (c) => array(c.devices, bool), init: (c) => Array.from({ length: c.devices }, () => false) },
    fault_param_users: { codec: (c) => array(c.devices, int(0, c.groups + 1)), init: (c) => Array.from({ length: c.devices }, () => 0) },
  },
  steps: {
    replace: {
      'driver/iommu_register_device_fault_handler': (c) => driverStep(c, 'iommu_register_device_fault_handler'),
      'priq_thread/iommu_report_device_fault': (c) => {
        const base = reportStep(c, reportRefcounted, 'a74c077b90 iommu_report_device_fault: iopf_get_dev_fault_param (RCU + refcount_inc_not_zero), no dev->iommu->lock; the queued group keeps the reference');
        return { ...base, enabled: (s: State) => priqFault(s) !== null && !waitsForFaultParamLock(s, priqFault(s)!) };
      },
      'worker/iommu_page_response/mutex_unlock': () =>
        step<State>({
          name: 'iommu_page_response/mutex_unlock',
          at: 'unlock',
          doc: 'a74c077b90 iopf_group_response: mutex_unlock(&group->fault_param->lock), then iopf_free_group: iopf_put_dev_fault_param (kfree_rcu at the last)',
          source: 'a74c077b90 (seed 004): drivers/iommu/io-pgfault.c:346-361 (a74c077b9021) (iopf_group_response → iommu_page_response :253-306, mutex_unlock(&fault_param->lock) at :303), :42-54 (iopf_free_group: iopf_put_dev_fault_param at :52), :36-40 (iopf_put_dev_fault_param: kfree_rcu at :39)',
          locks: 'fault_param->lock, released here',
          apply: (d, self) => {
            const w = d.workers[self] as Draft<BusyWorker>;
            const dev = w.group.dev;
            if (d.dev_iommu[dev]!.fault_param === null) d.ghost.faultDataUseAfterFree = true;
            d.workers[self] = { pc: 'idle' };
            iopf_put_dev_fault_param(d, dev);
          },
        }),
      'driver/iommu_unregister_device_fault_handler': (c) => driverStep(c, 'iommu_unregister_device_fault_handler'),
      'driver/iopf_queue_flush_dev': () =>
        step<State>({
          name: 'iopf_queue_flush_dev',
          at: 'flush_dev',
          doc: 'a74c077b90 iopf_queue_flush_dev: rcu_dereference_check(fault_param, true), no lock; -ENODEV without it',
          source: 'a74c077b90 (seed 004): drivers/iommu/io-pgfault.c:320-336 (a74c077b9021) (iopf_queue_flush_dev: rcu_dereference_check at :329, -ENODEV at :330-331, flush_workqueue at :333)',
          locks: 'none (the flush takes no lock)',
          apply: (d, self) => {
            d.drivers[self] = d.dev_iommu[self]!.iopf_param ? 'flush_wait' : 'unbind';
          },
        }),
    },
  },
});
