// cbd23144f766 ("iommu/arm-smmu-v3-sva: Fix mm use-after-free", 2022, v5.19; Fixes: 32784a9562fb)
// alone: arm_smmu_alloc_shared_cd takes mmgrab(mm), arm_smmu_free_shared_cd drops it after
// arm64_mm_context_put(cd->mm). On seed 001 v6's unbind order, which frees the shared CD in
// free_notifier before the notifier's own mmdrop, it changes no verdict. Composed with v5.11's
// order (`--variant unbind-notifier-put-first --variant shared-cd-mmgrab`) it is finding F3.
import { defineVariant } from '../../../explorer/variant.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { bindStep, seizeEndStep } from '../../../model/sva/driver-sva.ts';

export default defineVariant<State, IopfParams>({
  id: 'shared-cd-mmgrab',
  title: 'the shared CD holds an mm_count until after the unpin (cbd23144f766)',
  source: 'cbd23144f766 "iommu/arm-smmu-v3-sva: Fix mm use-after-free": mmgrab(mm) in arm_smmu_alloc_shared_cd, mmdrop(cd->mm) after arm64_mm_context_put in arm_smmu_free_shared_cd',
  description: 'No verdict changes on the baseline\'s order: the CD is freed in free_notifier, before the notifier\'s mmdrop, so its own reference is never the last one read through.',
  model: 'sva',
  expect: { violates: [] },
  // The CD is allocated in the bind step, or after a seize in its last step.
  steps: {
    replace: {
      'driver/__arm_smmu_sva_bind': (c: IopfParams) => bindStep(c, { cd_mmgrab: true }),
      'driver/arm_smmu_share_asid/xa_erase': (c: IopfParams) => seizeEndStep(c, { cd_mmgrab: true }),
    },
  },
});
