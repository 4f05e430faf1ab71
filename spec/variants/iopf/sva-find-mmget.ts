// A labelled one-step mutation, not a kernel change: iommu_sva_find hands ioasid_find mmget instead of
// __mmget_not_zero, so a fault handled while the process exits takes a user of an mm whose last
// user is gone. No kernel version has it; it shows that mm-users-not-revived, a property of steps,
// is reached by an exploration.
import { defineVariant } from '../../../explorer/variant.ts';
import type { MmGetter } from '../../../model/iommu-sva/iommu-sva-lib.ts';
import { completeGroup, forgetWalked, workerSteps } from '../../../model/io-pgfault/worker.ts';
import { mmget } from '../../../model/mm/mm.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';

const mmgetAlways: MmGetter = (m) => {
  mmget(m);
  return m.count > 0;
};

const find = workerSteps(forgetWalked, completeGroup, mmgetAlways).find((s) => s.name === 'iopf_handle_single/iommu_sva_find')!;

export default defineVariant<State, IopfParams>({
  id: 'sva-find-mmget',
  title: 'mutation: iommu_sva_find takes the mm with mmget, not mmget_not_zero',
  source: 'one-step mutation of iommu-sva-lib.c iommu_sva_find (mmget for __mmget_not_zero); no kernel version has it',
  description:
    "A fault handled after the owner exited (mm_users 0, exit_mmap running) raises mm_users from zero: mm-users-not-revived fires on that step (11 steps at iopf-small). The worker's mmput then drops the revived user to zero again and a second exit_mmap runs: mm_count goes below zero (no-kernel-warning, 22 steps); at sva-small the second teardown also unbalances the references and reads the freed mm.",
  model: 'iopf',
  expect: { violates: ['mm-users-not-revived', 'no-kernel-warning'], config: 'iopf-small' },
  steps: { replace: { 'worker/iopf_handle_single/iommu_sva_find': find } },
});
