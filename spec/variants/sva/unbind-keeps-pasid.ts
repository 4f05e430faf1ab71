// A labelled one-step mutation, not a kernel change: seed 001 v6's unbind without its
// iommu_sva_free_pasid(bond->mm). The bond, its handle and the notifier go; the PASID reference the
// bind took stays with nobody to drop it (v5.18 also stops freeing it at unbind, but there the mm
// holds it and frees it at __mmdrop: variants pasid-freed-at-mmput and pasid-freed-at-mmdrop).
import { defineVariant } from '../../../explorer/variant.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { freePasidStep } from '../../../model/sva/driver-sva.ts';

export default defineVariant<State, IopfParams>({
  id: 'unbind-keeps-pasid',
  title: 'mutation: arm_smmu_sva_unbind without iommu_sva_free_pasid',
  source: 'one-step mutation of seed 001 v6 patch 17 __arm_smmu_sva_unbind (its iommu_sva_free_pasid(bond->mm) dropped); no kernel version has it',
  description:
    "refcounts-balanced fires once the unbind drops sva_lock: the PASID's holder is a bond that no longer exists (29 steps at sva-small); unbind-frees fails as the unbind returns with its PASID reference still held in its name; and the PASID, still pointing at its mm, is read after the mm is freed (no-mm-use-after-free). With the PASID never freed, F1's stale group and F2's write at SSID 0 (mm->pasid reset to 0) cannot happen.",
  model: 'sva',
  expect: {
    violates: ['refcounts-balanced', 'no-mm-use-after-free', 'unbind-frees'],
    fixes: ['no-fault-after-pasid-free', 'private-dma-translates', 'sva-cd-ownership'],
  },
  steps: { replace: { 'driver/iommu_sva_free_pasid': () => freePasidStep(undefined, null) } },
});
