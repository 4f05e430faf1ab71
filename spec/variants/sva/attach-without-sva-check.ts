// Labelled one-step mutation of arm_smmu_attach_dev: its arm_smmu_master_sva_enabled -EBUSY check
// (arm-smmu-v3.c:2238-2246 at 9936a12fcb18, "Checking that SVA is disabled ensures that this device
// isn't bound to any mm, and can be safely detached from its old domain") is dropped, so a master
// with SVA bonds moves to another domain: its bonds keep their notifier, whose shared CD is in the
// old domain's CD table, while the master's STE now points at the new domain's.
import { defineVariant } from '../../../explorer/variant.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { attachCheckStep } from '../../../model/sva/attach.ts';

export default defineVariant<State, IopfParams>({
  id: 'attach-without-sva-check',
  title: "mutation: arm_smmu_attach_dev moves a master without arm_smmu_master_sva_enabled's -EBUSY",
  source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2238-2246 (9936a12fcb18, v5.13-rc6) arm_smmu_attach_dev, the check removed (labelled mutation)',
  description:
    "The core attaches a master with SVA enabled and a bond to another domain. Its bond and notifier stay with the old domain, whose CD table holds the mm's CD at its PASID; the master's STE now points at the new domain's table, where that PASID's CD is invalid: the device's DMA on its PASID meets an invalid CD (C_BAD_CD), and the unbind's CD removal and ATC invalidation go to the old domain's list, which no longer holds the master.",
  model: 'sva',
  expect: { violates: ['no-c-bad-cd'], config: 'sva-attach' },
  steps: {
    replace: {
      'attach/arm_smmu_attach_dev/arm_smmu_master_sva_enabled': (c: IopfParams) => attachCheckStep(c, () => 0),
    },
  },
});
