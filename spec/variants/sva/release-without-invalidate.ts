// Seed 001, review of v6 patch 17 (Jacob Pan): "If mm release is called after tlb invalidate range,
// is it still necessary to invalidate again?" The variant drops the TLB and ATC invalidation from
// arm_smmu_mm_release (the CD is still quiesced, cleared still set, so the unbind does not
// invalidate either). Jean-Philippe Brucker's answer was the killed-process trace: exit_mmap calls
// no invalidate_range at all.
import { defineVariant } from '../../../explorer/variant.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { releaseStep } from '../../../model/sva/processes.ts';

export default defineVariant<State, IopfParams>({
  id: 'release-without-invalidate',
  title: 'arm_smmu_mm_release quiesces the CD but issues no TLBI ASID nor ATC invalidation',
  source: 'seed 001: Jacob Pan\'s review of v6 patch 17, Jean-Philippe Brucker\'s killed-process trace',
  description:
    'exit_mmap calls release and then frees the pages with every notifier unlinked: no invalidate_range reaches the SMMU. A TLB or ATC entry filled before the exit survives the release (no-stale-*-after-release), and once exit_mmap freed the frames it translates a freed page (no-dma-to-unmapped-page). The unbind does not clean it either: `cleared` tells it release already did.',
  model: 'sva',
  expect: { violates: ['no-dma-to-unmapped-page', 'no-stale-atc-after-release', 'no-stale-tlb-after-release'] },
  steps: { replace: { 'exit_mmap/arm_smmu_mm_release': (c: IopfParams) => releaseStep(c, { invalidate: false }) } },
});
