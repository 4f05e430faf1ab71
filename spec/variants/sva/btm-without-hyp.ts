// Labelled one-line mutation of seed 001 v6 14/25 ("iommu/arm-smmu-v3: Enable broadcast TLB
// maintenance"), arm_smmu_device_hw_probe: "if (reg & IDR0_BTM && (!vhe || reg & IDR0_HYP))" made
// "if (reg & IDR0_BTM)". On an SMMU with IDR0.BTM but without IDR0.HYP under a VHE kernel the probe
// then sets ARM_SMMU_FEAT_BTM although the SMMU cannot be E2H: its STEs keep STRW = NSEL1 and its TLB
// entries the EL1&0 regime, while the CPU's broadcast TLBIs are EL2&0 ones. The variant sets `btm`,
// `hyp` = false (and `vhe`) in every config it runs at; what the probe decides is read once, by
// arm_smmu_mm_invalidate_range (the step replaced): the broadcast's reach is the regime's business.
import { defineVariant } from '../../../explorer/variant.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { invalidateRangeStep } from '../../../model/sva/processes.ts';
import { withParams } from './edit.ts';

export default defineVariant<State, IopfParams>({
  id: 'btm-without-hyp',
  title: 'mutation: a VHE kernel enables BTM on an SMMU without HYP (no E2H)',
  source:
    'seed 001 v6 14/25 "iommu/arm-smmu-v3: Enable broadcast TLB maintenance", arm_smmu_device_hw_probe: `&& (!vhe || reg & IDR0_HYP)` removed (labelled mutation); arm_smmu_mm_invalidate_range, arm-smmu-v3-sva.c:180-192 (v5.13-rc6), trusts ARM_SMMU_FEAT_BTM',
  description:
    "The SMMU cannot tag its entries EL2 (no HYP, so no ARM_SMMU_FEAT_E2H: STRW = NSEL1), yet the probe enables BTM: munmap's invalidate_range issues no TLBI of its own, and the CPU's broadcast TLBI, an EL2&0 one under VHE, matches none of the SMMU's EL1&0 entries. The device's entry of the page outlives tlb_finish_mmu, which frees the page (no-dma-to-unmapped-page). The probe's own rule (the baseline at the same params) keeps BTM off and invalidates with TLBI_NH_VA.",
  model: 'sva',
  expect: { violates: ['no-dma-to-unmapped-page'], config: 'sva-vhe' },
  steps: {
    replace: {
      'process/arm_smmu_mm_invalidate_range': (c: IopfParams) =>
        invalidateRangeStep(
          c,
          { feat_btm: c.btm },
          'arm_smmu_mm_invalidate_range (no lock, SRCU reader): no TLBI, as ARM_SMMU_FEAT_BTM is set from IDR0.BTM alone (mutation of the probe); ATC_INV for mm->pasid; CMD_SYNC',
        ),
    },
  },
  transform: (m) => withParams(m, { vhe: true, btm: true, hyp: false }),
});
