// Properties of steps rather than states: what a step may do to the state it starts from.
import type { ActionProperty } from '../../explorer/model.ts';
import type { State } from '../../model/state.ts';

export const mmUsersNotRevived: ActionProperty<State> = {
  name: 'mm-users-not-revived',
  description:
    "no step raises an mm's mm_users from zero: once the last user is gone (exit_mmap runs or has run), a new user comes only through mmget_not_zero, which refuses",
  source:
    'include/linux/sched/mm.h (v5.13): mmget() "the caller must hold a reference" and mmget_not_zero(); iommu-sva-lib.c iommu_sva_find passes __mmget_not_zero to ioasid_find',
  // A struct still allocated (mm_count > 0) whose users were all gone: a fresh mm starts at count 0.
  holds: (before, after) => before.mms.every((m, i) => !(m.count > 0 && m.users === 0 && after.mms[i]!.users > 0)),
};
