// Properties of steps rather than states: what a step may do to the state it starts from.
import type { ActionProperty } from '../../explorer/model.ts';
import { faultAt } from '../../model/io-pgfault/worker.ts';
import type { State } from '../../model/state.ts';
import { IOMMU_FAULT_PAGE_REQUEST_PASID_VALID, hasFlag } from '../../model/types.ts';

export const mmUsersNotRevived: ActionProperty<State> = {
  name: 'mm-users-not-revived',
  description:
    "no step raises an mm's mm_users from zero: once the last user is gone (exit_mmap runs or has run), a new user comes only through mmget_not_zero, which refuses",
  source:
    'include/linux/sched/mm.h (v5.13): mmget() "the caller must hold a reference" and mmget_not_zero(); iommu-sva-lib.c iommu_sva_find passes __mmget_not_zero to ioasid_find',
  // A struct still allocated (mm_count > 0) whose users were all gone: a fresh mm starts at count 0.
  holds: (before, after) => before.mms.every((m, i) => !(m.count > 0 && m.users === 0 && after.mms[i]!.users > 0)),
};

export const svaFindServesBoundDevice: ActionProperty<State> = {
  name: 'sva-find-serves-bound-device',
  description:
    "a page request on the PASID its device is still programmed with is served while the PASID's mm has users: iommu_sva_find refuses only a freed PASID or an exiting mm",
  source:
    'iommu-sva-lib.c iommu_sva_find (87ea6a1e395a): ioasid_find + __mmget_not_zero; seed 001, review of patch 2: the inactive state would make ioasid_find fail for a PASID another device still uses',
  holds: (before, after, step) => {
    const w = before.workers[step.self];
    if (step.step !== 'iopf_handle_single/iommu_sva_find' || w === undefined || w.pc !== 'find') return true;
    if (after.workers[step.self]!.pc === 'fault') return true;
    const f = faultAt(w.group, w.cursor);
    if (!hasFlag(f.flags, IOMMU_FAULT_PAGE_REQUEST_PASID_VALID) || before.devices[f.dev]!.pasid !== f.pasid) return true;
    const owner = before.ioasid.xa[f.pasid]?.private ?? null;
    return owner === null || before.mms[owner]!.users === 0;
  },
};
