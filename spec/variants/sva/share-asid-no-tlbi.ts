// Labelled one-step mutation of arm_smmu_share_asid's seize: no "Invalidate TLB entries previously
// associated with that context" (arm_smmu_tlb_inv_asid(smmu, asid), arm-smmu-v3-sva.c:84-85 at
// v5.13-rc6). The domain's entries filled under its old ASID survive into the mm's use of it.
import type { AnyStep } from '../../../explorer/model.ts';
import { defineVariant } from '../../../explorer/variant.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { seizeSteps } from '../../../model/sva/driver-sva.ts';

/** The seize's TLBI step, moving on to the xa_erase without a command. */
function noTlbi(c: IopfParams): AnyStep<State> {
  const s = seizeSteps(c).find((x) => x.name === 'arm_smmu_share_asid/tlb_inv_asid')!;
  return {
    ...s,
    doc: 'after the CD sync: no arm_smmu_tlb_inv_asid of the old ASID (mutation); on to xa_erase',
    apply: (d, self) => {
      d.drivers[self] = 'bind_seize_end';
    },
  };
}

export default defineVariant<State, IopfParams>({
  id: 'share-asid-no-tlbi',
  title: 'mutation: the seize does not invalidate the old ASID',
  source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:84-85 (v5.13-rc6) arm_smmu_share_asid, `arm_smmu_tlb_inv_asid(smmu, asid);` removed (labelled mutation); v5.10 "iommu/arm-smmu-v3: Seize private ASID"',
  description:
    "The DMA domain filled TLB entries of its own IOVAs under the ASID the bind seizes; without the TLBI they stay under that ASID, which is now the mm's shared CD's: the device's DMA on the PASID can hit the private io-pgtable's translation (seized-asid-invalidated, asid-unique).",
  model: 'sva',
  expect: { violates: ['asid-unique', 'seized-asid-invalidated'], config: 'sva-seize' },
  steps: { replace: { 'driver/arm_smmu_share_asid/tlb_inv_asid': noTlbi } },
});
