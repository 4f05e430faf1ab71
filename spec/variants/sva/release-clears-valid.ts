// The alternative seed 001 patch 17 rejects: release writes an invalid CD (V = 0, as for a removal)
// instead of keeping V and setting EPD0. "DMA may still be running" (the killed-process trace: the
// device faults again after mm_release), and a transaction on a CD with V = 0 raises C_BAD_CD,
// an unrecoverable configuration error (event 0x0a).
import { defineVariant } from '../../../explorer/variant.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { releaseStep } from '../../../model/sva/processes.ts';

export default defineVariant<State, IopfParams>({
  id: 'release-clears-valid',
  title: 'arm_smmu_mm_release clears CD.V instead of setting EPD0',
  source: 'seed 001 patch 17 cover letter: "To avoid any event 0x0a print (C_BAD_CD) we disable translation without clearing CD.V"',
  description: 'The device is still bound and may DMA between the process exit and the driver\'s stop: its next access reads V = 0 (C_BAD_CD).',
  model: 'sva',
  expect: { violates: ['no-c-bad-cd'] },
  steps: { replace: { 'exit_mmap/arm_smmu_mm_release': (c: IopfParams) => releaseStep(c, { cd: null }) } },
});
