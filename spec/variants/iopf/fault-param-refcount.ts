// a74c077b90 "iommu: Use refcount for fault data access" (seed 004): the fault data is reached under
// RCU with refcount_inc_not_zero, a group holds a reference until it is freed, and the final put is
// kfree_rcu; dev->iommu->lock no longer covers the report. In this model that changes one thing:
// iommu_report_device_fault no longer waits for dev->iommu->lock, so a report can run while
// iopf_queue_flush_dev waits in flush_workqueue (the flush in the refcounted code takes no lock at
// all: "It's a driver bug to be here after iopf_queue_remove_device()").
// Compare: all invariants hold in both, and the state counts are equal: the flush runs only after
// arm_smmu_flush_priq, when the device has nothing left in the queue, so the lock it holds never
// blocked a report of that device in the baseline either (other devices have their own lock). So the
// model cannot tell the two designs apart at all in this driver order. Nor can it tell
// the lifetime rules apart: in the baseline's driver order (flush, unbind, unregister, remove)
// no group, report or response is left that could touch the fault data after it is freed, whether
// the mutex or the refcount keeps it alive; the difference would only show for a driver that
// removes the device with work in flight, which neither design supports ("Caller makes sure that
// no more faults are reported for this device").
import { step } from '../../../explorer/model.ts';
import { defineVariant } from '../../../explorer/variant.ts';
import { priqFault, reportStep, reportV513 } from '../../../model/arm-smmu-v3/priq.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { replaceSteps } from './edit.ts';

export default defineVariant<State, IopfParams>({
  id: 'fault-param-refcount',
  title: 'refcounted fault data instead of dev->iommu->lock',
  source: 'seed 004: a74c077b90; kernel-notes 1a.2',
  description:
    'Indistinguishable from the baseline here (same verdict, same states): the report is no longer serialised against iopf_queue_flush_dev, but the flush never overlaps a report of its device in the modelled driver order, and nothing outlives remove_device in either design.',
  model: 'iopf',
  expect: { violates: [] },
  transform: (m) =>
    replaceSteps(m, {
      'priq_thread/iommu_report_device_fault': (c) => {
        const base = reportStep(c, reportV513, 'a74c077b90 iommu_report_device_fault: fault data by RCU + refcount, no dev->iommu->lock');
        return { ...base, enabled: (s: State) => priqFault(s) !== null };
      },
      'driver/iopf_queue_flush_dev': () =>
        step<State>({
          name: 'iopf_queue_flush_dev',
          at: 'flush_dev',
          doc: 'a74c077b90 iopf_queue_flush_dev: rcu_dereference_check(fault_param, true), no lock; -ENODEV without it',
          apply: (d, self) => {
            d.drivers[self] = d.dev_iommu[self]!.iopf_param ? 'flush_wait' : 'unbind';
          },
        }),
    }),
});
