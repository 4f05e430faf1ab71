// 2667ed10d9f0 "mm: Fix PASID use-after-free issue" (v5.18-rc6) on 701fac40384f: mm_pasid_drop
// moves from __mmput to __mmdrop, so the PASID lives until the last mm_count goes. In this model
// the last mmdrop is exit_mmap's (nothing else holds one) or the SRCU free of the last notifier
// (mmu_notifier_free_rcu), which holds the mm until the unbind's mmu_notifier_put has been through
// a grace period.
import { defineVariant } from '../../../explorer/variant.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { exitMmapStep, FREE_CD_IN, srcuFreeStep } from '../../../model/sva/processes.ts';
import { bindUnbindSteps, mm_pasid_drop, mmPasidInit } from './mm-pasid.ts';

export default defineVariant<State, IopfParams>({
  id: 'pasid-freed-at-mmdrop',
  title: 'the PASID is the mm\'s, freed by __mmdrop with the mm_struct (v5.18-rc6)',
  source: '2667ed10d9f0 "mm: Fix PASID use-after-free issue" on 701fac40384f and a6cbd44093ef',
  description:
    'The fix of pasid-freed-at-mmput: the bond\'s notifier holds mm_count, so the PASID outlives every bond, CD and ATC entry that names it, and nothing new is violated. F2\'s write to SSID 0 is gone with the unbind\'s reset of mm->pasid. F1 stays: the group its flush misses is still queued when the notifier\'s SRCU free drops the last mm_count, and __mmdrop frees the PASID under it (no-fault-after-pasid-free, 34 steps), so the race does not depend on where the PASID is freed.',
  model: 'sva',
  expect: { violates: [], fixes: ['private-dma-translates', 'sva-cd-ownership'] },
  steps: {
    replace: {
      ...bindUnbindSteps,
      'exit_mmap/exit_mmap': () => exitMmapStep({ mmdropped: mm_pasid_drop }),
      'srcu/mmu_notifier_free_rcu': () => srcuFreeStep(FREE_CD_IN, mm_pasid_drop),
    },
  },
  transform: mmPasidInit,
});
