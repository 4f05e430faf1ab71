// Labelled one-line mutation of arm_smmu_tlb_inv_range_asid, the TLBI by VA of SVA's
// invalidate_range: its opcode stays CMDQ_OP_TLBI_NH_VA on an SMMU with ARM_SMMU_FEAT_E2H
// (arm-smmu-v3.c:1782-1783 at 9936a12fcb18 picks CMDQ_OP_TLBI_EL2_VA there). It is what the
// function was when eba8d2f8f803 ("Split arm_smmu_tlb_inv_range()") made it, before 9111aebf770d
// ("Add support for VHE") converted it with the other TLBI sites. Every S1 STE of an E2H SMMU has
// STRW = EL2 (:1267-1268), so its TLB entries are of the EL2&0 regime, which a TLBI_NH_VA does not
// reach.
import { defineVariant } from '../../../explorer/variant.ts';
import { arm_smmu_cmdq_issue_cmd, arm_smmu_cmdq_issue_sync } from '../../../model/arm-smmu-v3/cmdq.ts';
import { domainSmmu, smmuDevice, type SmmuState } from '../../../model/arm-smmu-v3/state.ts';
import type { Asid, DomainId } from '../../../model/ids.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { invalidateRangeStep } from '../../../model/sva/processes.ts';

/** arm_smmu_tlb_inv_range_asid with `.opcode = CMDQ_OP_TLBI_NH_VA` whatever the features. */
function nhInvRange(d: SmmuState, domain: DomainId, asid: Asid, page: number, owner: number): void {
  const q = smmuDevice(d, domainSmmu(d, domain));
  arm_smmu_cmdq_issue_cmd(q, { op: 'TLBI_NH_VA', asid, page });
  arm_smmu_cmdq_issue_sync(q, owner);
}

export default defineVariant<State, IopfParams>({
  id: 'vhe-nh-tlbi',
  title: "mutation: SVA's invalidate_range invalidates by VA with TLBI_NH_VA on an E2H SMMU",
  source:
    'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1782-1783 (9936a12fcb18, v5.13-rc6) arm_smmu_tlb_inv_range_asid, `.opcode = CMDQ_OP_TLBI_NH_VA` for the E2H choice (labelled mutation); eba8d2f8f803 "iommu/arm-smmu-v3: Split arm_smmu_tlb_inv_range()" and 9111aebf770d "iommu/arm-smmu-v3: Add support for VHE" (seed 001 v6 13/25)',
  description:
    "With VHE the SMMU tags its TLB entries with the EL2&0 regime (STRW = EL2). munmap's invalidate_range issues a TLBI_NH_VA, which matches only EL1&0 entries, and its CMD_SYNC completes with the device's entry still cached: tlb_finish_mmu frees the frame and the device DMAs to it through the SMMU TLB (no-dma-to-unmapped-page). Without BTM only: with BTM invalidate_range issues no TLBI and the CPU's EL2&0 broadcast removes the entry.",
  model: 'sva',
  expect: { violates: ['no-dma-to-unmapped-page'], config: 'sva-vhe' },
  steps: {
    replace: {
      'process/arm_smmu_mm_invalidate_range': (c: IopfParams) =>
        invalidateRangeStep(
          c,
          { inv_range: nhInvRange },
          "arm_smmu_mm_invalidate_range (no lock, SRCU reader): unless BTM, arm_smmu_tlb_inv_range_asid with TLBI_NH_VA although the SMMU is E2H (mutation of arm-smmu-v3.c:1782-1783); ATC_INV for mm->pasid; CMD_SYNC",
        ),
    },
  },
});
