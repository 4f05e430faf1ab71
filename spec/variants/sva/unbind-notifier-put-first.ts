// v5.11 as merged (32784a9562fb "iommu/arm-smmu-v3: Implement iommu_sva_bind/unbind()", Nov 2020):
// seed 001 v6 freed the PASID before mmu_notifier_put and freed the shared CD in free_notifier (an
// SRCU callback, where the asid mutex cannot be taken). The merged code moved the CD free into
// arm_smmu_mmu_notifier_put, after mmu_notifier_put, and arm_smmu_sva_unbind frees the PASID after
// that. Both read the mm (cd->mm's context, bond->mm->pasid) after the put that lets the SRCU
// callback drop the notifier's mm_count.
import { defineVariant } from '../../../explorer/variant.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { putFirstTailSteps } from '../../../model/sva/driver-sva.ts';
import { srcuFreeStep } from '../../../model/sva/processes.ts';
import { refcountsBalancedFor } from '../../invariants/sva.ts';

const [notifierPut, freePasid] = putFirstTailSteps();

export default defineVariant<State, IopfParams>({
  id: 'unbind-notifier-put-first',
  title: 'v5.11 unbind order: mmu_notifier_put, then arm_smmu_free_shared_cd and iommu_sva_free_pasid',
  source: 'v5.11 arm-smmu-v3-sva.c (32784a9562fb): arm_smmu_mmu_notifier_put ends "mmu_notifier_put(&smmu_mn->mn); arm_smmu_free_shared_cd(cd);", then arm_smmu_sva_unbind calls iommu_sva_free_pasid(bond->mm); kernel-notes 1c',
  description:
    'When the process has exited (exit_mmap done, __mmput dropped its mm_count) the notifier holds the last mm_count. The unbinder (e.g. a uacce queue fd closed by another process) holds none: the SRCU callback mmu_notifier_free_rcu can run between mmu_notifier_put and the next line, mmdrop frees the mm, and arm64_mm_context_put(cd->mm) and iommu_sva_free_pasid(bond->mm) read freed memory (no-mm-use-after-free), and the ASID pin and the PASID reference they were to drop are leaked (refcounts-balanced). Seed 001 v6 freed the PASID first and unpinned the ASID in free_notifier, before the mmdrop.',
  model: 'sva',
  expect: { violates: ['no-mm-use-after-free', 'refcounts-balanced', 'unbind-frees'] },
  steps: {
    replace: {
      'driver/iommu_sva_free_pasid': notifierPut!,
      'srcu/mmu_notifier_free_rcu': srcuFreeStep('put'),
    },
    add: { driver: [freePasid!] },
  },
  // The CD reference goes in the put here, not in free_notifier.
  invariants: { replace: { 'refcounts-balanced': refcountsBalancedFor('put') } },
});
