// v5 of seed 001 patch 17 cleared the R and S bits of the CD on release, so faults after the exit
// neither stall nor get recorded. v6: "Don't clear S and R bits in step (3), it doesn't work with
// STALL_FORCE" (the cover letter: "Fixed a bug in patch 17 (don't clear the stall bit when stall is
// forced)"). The variant is v5 on an SMMU whose STALL_MODEL is 0b10 (forced): the variant sets
// `stallForce` in every config it runs at.
import { defineVariant } from '../../../explorer/variant.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { releaseStep } from '../../../model/sva/processes.ts';
import { withParams } from './edit.ts';

export default defineVariant<State, IopfParams>({
  id: 'release-clears-stall-bits',
  title: 'v5: release clears CD.S and CD.R, on an SMMU with STALL_FORCE',
  source: 'seed 001 v6 changelog: "Don\'t clear S and R bits in step (3), it doesn\'t work with STALL_FORCE"',
  description:
    'With STALL_MODEL = 0b10 a CD with S = 0 is ILLEGAL (model/arm-smmu-v3/cd.ts cd_legal): the quiesced CD makes the still-running device\'s next access a C_BAD_CD, the very event release keeps V set to avoid. Without STALL_FORCE nothing fires (test/spec/sva-variants.test.ts): faults after release neither stall nor record, the transactions just abort.',
  model: 'sva',
  expect: { violates: ['no-c-bad-cd'] },
  steps: { replace: { 'exit_mmap/arm_smmu_mm_release': (c: IopfParams) => releaseStep(c, { quiet_stall: 'always' }) } },
  transform: (m) => withParams(m, { stallForce: true }),
});
