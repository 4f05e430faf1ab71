// cbd23144f766 ("iommu/arm-smmu-v3-sva: Fix mm use-after-free", 2022, v5.19; Fixes: 32784a9562fb,
// backported to the stable kernels, e.g. 5.17.y)
// on v5.11's unbind order (unbind-notifier-put-first): the shared CD takes mmgrab(mm) in
// arm_smmu_alloc_shared_cd and drops it after arm64_mm_context_put in arm_smmu_free_shared_cd, so
// the unpin no longer reads a freed mm. arm_smmu_sva_unbind still calls iommu_sva_free_pasid(bond->mm)
// after arm_smmu_mmu_notifier_put: once the SRCU free has dropped the notifier's mm_count, the CD's
// mmdrop is the last one, and the read of bond->mm->pasid that follows touches freed memory.
import { defineVariant } from '../../../explorer/variant.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { composeVariants } from '../../../explorer/variant.ts';
import sharedCdMmgrab from './shared-cd-mmgrab.ts';
import putFirst from './unbind-notifier-put-first.ts';

export default defineVariant<State, IopfParams>({
  ...composeVariants([putFirst, sharedCdMmgrab]),
  id: 'unbind-notifier-put-first-mmgrab',
  title: 'v5.11 unbind order with cbd23144f766: the shared CD holds an mm_count until after the unpin',
  source:
    'cbd23144f766 "iommu/arm-smmu-v3-sva: Fix mm use-after-free" (v5.19, stable backports; arm_smmu_alloc_shared_cd: mmgrab(mm); arm_smmu_free_shared_cd: arm64_mm_context_put(cd->mm); mmdrop(cd->mm)) on 32784a9562fb\'s order, as 5.15.y/5.17.y kept it (mainline dropped iommu_sva_free_pasid from the unbind in v5.18, 701fac40384f)',
  description:
    'The fix moves the last mm_count from the notifier to the CD, but arm_smmu_free_shared_cd runs inside arm_smmu_mmu_notifier_put, before arm_smmu_sva_unbind calls iommu_sva_free_pasid(bond->mm): when mmu_notifier_free_rcu ran between mmu_notifier_put and arm_smmu_free_shared_cd, the CD\'s mmdrop frees the mm and the PASID free reads it (no-mm-use-after-free); the PASID reference it was to drop leaks (refcounts-balanced). The unpin itself is now safe.',
  expect: { violates: ['no-mm-use-after-free', 'refcounts-balanced', 'unbind-frees'] },
});
