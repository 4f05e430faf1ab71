// 701fac40384f "iommu/sva: Assign a PASID to mm on PASID allocation and free it on mm exit"
// (v5.18-rc1): the PASID belongs to the mm and __mmput frees it right after exit_mmap
// (mm_pasid_drop). 2667ed10d9f0 "mm: Fix PASID use-after-free issue" (v5.18-rc6) moved that to
// __mmdrop: "The PASID is being freed too early ... even after the address space is gone, the PASID
// will still be programmed into a device" (variant `pasid-freed-at-mmdrop`).
import { defineVariant } from '../../../explorer/variant.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { exitMmapStep } from '../../../model/sva/processes.ts';
import { bindUnbindSteps, mm_pasid_drop, mmPasidInit } from './mm-pasid.ts';

export default defineVariant<State, IopfParams>({
  id: 'pasid-freed-at-mmput',
  title: 'the PASID is the mm\'s, freed by __mmput after exit_mmap (v5.18-rc1)',
  source:
    '701fac40384f "iommu/sva: Assign a PASID to mm on PASID allocation and free it on mm exit" and a6cbd44093ef "kernel/fork: Initialize mm\'s PASID" (v5.18-rc1); fixed by 2667ed10d9f0 "mm: Fix PASID use-after-free issue"',
  description:
    'The process exits while a device is still bound (the fd is closed later): __mmput frees the PASID and sets mm->pasid to INVALID_IOASID while the bond, its CD and the device still use it (pasid-lifetime, 25 steps at sva-small). The unbind that follows writes the CD at INVALID_IOASID: WARN_ON(ssid >= 1 << s1cdmax) in arm_smmu_write_ctx_desc, and the CD at the old PASID is never removed (no-kernel-warning, 32 steps). The unbind no longer resets mm->pasid to 0, so F2\'s write to SSID 0 is gone; F1 is not: its late group is still queued when the PASID goes, now at exit.',
  model: 'sva',
  expect: { violates: ['no-kernel-warning', 'pasid-lifetime'], fixes: ['private-dma-translates', 'sva-cd-ownership'] },
  steps: {
    replace: {
      ...bindUnbindSteps,
      'exit_mmap/exit_mmap': () => exitMmapStep({ beforeMmdrop: mm_pasid_drop }),
    },
  },
  transform: mmPasidInit,
});
