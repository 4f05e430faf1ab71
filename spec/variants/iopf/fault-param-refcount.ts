// a74c077b90 "iommu: Use refcount for fault data access" (seed 004): the fault data is reached under
// RCU with refcount_inc_not_zero, a group holds a reference until it is freed, and the final put is
// kfree_rcu; dev->iommu->lock no longer covers the report. In this model that changes one thing:
// iommu_report_device_fault no longer waits for dev->iommu->lock, so a report can run while
// iopf_queue_flush_dev waits in flush_workqueue (the flush in the refcounted code takes no lock at
// all: "It's a driver bug to be here after iopf_queue_remove_device()").
// Compare: it fixes fault-param-lifetime and nothing else. The baseline's known finding F1 lets a
// group be reported after the flush; its worker's iommu_page_response then races with the
// driver's iommu_unregister_device_fault_handler, which frees fault_param (the pending list just
// became empty) while the worker still has to mutex_unlock(&param->fault_param->lock). Here the
// group holds a reference on the fault data and the response reaches it through the group, so the
// unregister's put cannot free it. The report no longer waiting for dev->iommu->lock adds no state
// of its own: every state it reaches that way the baseline reaches by reporting just before the
// flush took the lock (once reported, the PRIQ thread keeps no trace of when).
import { step } from '../../../explorer/model.ts';
import { defineVariant } from '../../../explorer/variant.ts';
import { priqFault, reportStep, reportV513, waitsForFaultParamLock } from '../../../model/arm-smmu-v3/priq.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';

export default defineVariant<State, IopfParams>({
  id: 'fault-param-refcount',
  title: 'refcounted fault data instead of dev->iommu->lock',
  source: 'seed 004: a74c077b90; kernel-notes 1a.2',
  description:
    'Fixes fault-param-lifetime: a group reported after the flush (F1) holds its own reference on the fault data, so its response no longer races with the unregister that frees it. The unlocked report adds no state: the baseline reaches the same ones by reporting just before the flush took dev->iommu->lock.',
  model: 'iopf',
  expect: { violates: [], fixes: ['fault-param-lifetime'] },
  steps: {
    replace: {
      'priq_thread/iommu_report_device_fault': (c) => {
        const base = reportStep(c, reportV513, 'a74c077b90 iommu_report_device_fault: fault data by RCU + refcount, no dev->iommu->lock');
        return { ...base, enabled: (s: State) => priqFault(s) !== null && !waitsForFaultParamLock(s, priqFault(s)!) };
      },
      // iopf_group_response reads group->fault_param, which the group's reference keeps alive: the
      // unregister (the initial reference's put) can no longer free it under a responding worker.
      'worker/iommu_page_response/mutex_unlock': () =>
        step<State>({
          name: 'iommu_page_response/mutex_unlock',
          at: 'unlock',
          doc: 'a74c077b90 iopf_group_response: mutex_unlock(&group->fault_param->lock); iopf_free_group puts the group\'s reference (kfree_rcu at the last)',
          apply: (d, self) => {
            d.workers[self] = { pc: 'idle' };
          },
        }),
      'driver/iopf_queue_flush_dev': () =>
        step<State>({
          name: 'iopf_queue_flush_dev',
          at: 'flush_dev',
          doc: 'a74c077b90 iopf_queue_flush_dev: rcu_dereference_check(fault_param, true), no lock; -ENODEV without it',
          apply: (d, self) => {
            d.drivers[self] = d.dev_iommu[self]!.iopf_param ? 'flush_wait' : 'unbind';
          },
        }),
    },
  },
});
