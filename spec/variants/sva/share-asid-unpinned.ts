// Labelled one-step mutation of arm_smmu_alloc_shared_cd: the shared CD takes its mm's CPU ASID
// without pinning it (arm64_mm_context_get's pin left out, and so arm_smmu_free_shared_cd's
// arm64_mm_context_put). The CPU allocator may then move the mm to another ASID at a rollover and
// give the old one to another process, while the SMMU's CD keeps tagging the mm with it.
import { defineVariant } from '../../../explorer/variant.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { bindStep, seizeEndStep } from '../../../model/sva/driver-sva.ts';

export default defineVariant<State, IopfParams>({
  id: 'share-asid-unpinned',
  title: 'mutation: the shared CD uses the CPU ASID without pinning it',
  source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c arm_smmu_alloc_shared_cd (v5.13-rc6), `asid = arm64_mm_context_get(mm)` replaced by the unpinned ASID (labelled mutation); 48118151d8cc "arm64: mm: Pin down ASIDs for sharing mm with devices"',
  description:
    'The mm is bound with its current ASID but not pinned (pinned-asid-stable). A rollover while it is not running gives it a fresh ASID at its next switch and frees the old one for another process, while the SMMU still tags the mm with the old ASID.',
  model: 'sva',
  // Nothing is pinned, so the witness of a rollover while pinned is never reached.
  expect: { violates: ['pinned-asid-stable', 'rollover-while-pinned'], config: 'sva-asid' },
  // The CD is allocated in the bind step, or after a seize in its last step.
  steps: {
    replace: {
      'driver/__arm_smmu_sva_bind': (c: IopfParams) => bindStep(c, { pin_asid: false }),
      'driver/arm_smmu_share_asid/xa_erase': (c: IopfParams) => seizeEndStep(c, { pin_asid: false }),
    },
  },
});
