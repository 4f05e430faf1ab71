// ASID ownership between private domains and shared (mm) CDs, arm-smmu-v3-sva.c v5.10-v5.12
// (seed 001 patches 9, 11, 12; kernel-notes 1c): arm_smmu_share_asid (share an mm's CD, or seize
// a private ASID), arm_smmu_alloc_shared_cd (pin the CPU ASID), arm_smmu_free_shared_cd and
// arm_smmu_free_asid. All under arm_smmu_asid_lock, itself under sva_lock for SVA callers.
// The seize issues its CD update and TLB invalidation at once; the kernel waits for the first sync
// before issuing the TLBI, which the cmdq's ordering at CMD_SYNC makes equivalent here, provided
// the caller holds the locks until `cmdq_sync_done` (nothing else frees `old_asid` meanwhile).
// Leaves out: TCR/TTBR/MAIR computation (constant per mm), the PAGE_SIZE switch.
import { arm64_mm_context_get, arm64_mm_context_put, type CpuAsidState } from '../mm/context.ts';
import { mmdrop, mmgrab, type MmStruct } from '../mm/mm.ts';
import { arm_smmu_write_ctx_desc } from './cd.ts';
import { smmuWarn } from './warn.ts';
import { arm_smmu_tlb_inv_asid } from './tlb.ts';
import type { BindAllocFailure, SmmuState } from './state.ts';
import type { Asid, MmId } from '../ids.ts';

export interface AsidView {
  smmu: SmmuState;
  mms: MmStruct[];
  cpu_asid: CpuAsidState;
}

/** xa_alloc(&arm_smmu_asid_xa, ..., XA_LIMIT(1, (1 << asid_bits) - 1)): the lowest free ASID. */
function xa_alloc_asid(s: SmmuState): Asid | null {
  const i = s.asid_xa.findIndex((e, asid) => asid >= 1 && e === null);
  return i < 0 ? null : (i as Asid);
}

/**
 * arm_smmu_share_asid(mm, asid): NULL when the ASID is free on the SMMU side or was seized from a
 * private domain; the existing shared CD (refs + 1) when this mm already has one.
 */
export function arm_smmu_share_asid(d: SmmuState, mm: MmId, asid: Asid, owner: number): { shared: Asid } | null | '-EINVAL' | '-ENOSPC' {
  const cd = d.asid_xa[asid];
  if (!cd) return null;
  if (cd.type === 'shared') {
    if (cd.mm !== mm) {
      smmuWarn(d, 'share_asid-foreign-mm'); // WARN_ON(cd->mm != mm)
      return '-EINVAL';
    }
    cd.refs++; // "All devices bound to this mm use the same cd struct."
    return { shared: asid };
  }
  const new_asid = xa_alloc_asid(d);
  if (new_asid === null) return '-ENOSPC';
  d.asid_xa[new_asid] = { type: 'private', domain: cd.domain };
  // "Race with unmap: TLB invalidations will start targeting the new ASID ..."
  d.domains[cd.domain]!.asid = new_asid;
  arm_smmu_write_ctx_desc(d, cd.domain, 0, { asid: new_asid, ttb: { type: 'private' } }, { owner });
  arm_smmu_tlb_inv_asid(d, asid, owner); // "Invalidate TLB entries previously associated with that context"
  d.asid_xa[asid] = null;
  return null;
}

export type AllocSharedCdRet = Asid | '-ESRCH' | '-ENOMEM' | '-EINVAL' | '-ENOSPC' | '-EBUSY';

/**
 * arm_smmu_alloc_shared_cd(mm): the shared CD's ASID; only the first CD of an mm keeps the pin.
 * `mmgrab`: the CD also takes an mm_count (cbd23144f766 "iommu/arm-smmu-v3: Fix mm use-after-free",
 * v5.13: "Call mmgrab()/mmdrop() to ensure the mm only gets freed after we unpinned the ASID").
 * `fail`: the pin (-ESRCH) or the CD's kzalloc (-ENOMEM, out_put_context) fails.
 */
export function arm_smmu_alloc_shared_cd(d: AsidView, mm: MmId, owner: number, mmgrab_cd = false, fail: BindAllocFailure = 'none'): AllocSharedCdRet {
  const m = d.mms[mm]!;
  const asid = arm64_mm_context_get(d.cpu_asid, m, fail === 'pin');
  if (!asid) return '-ESRCH';
  if (fail === 'cd') {
    arm64_mm_context_put(d.cpu_asid, m); // out_put_context
    return '-ENOMEM';
  }
  const ret = arm_smmu_share_asid(d.smmu, mm, asid, owner);
  if (ret !== null) {
    arm64_mm_context_put(d.cpu_asid, m); // out_put_context
    return typeof ret === 'string' ? ret : ret.shared;
  }
  if (d.smmu.asid_xa[asid]) {
    arm64_mm_context_put(d.cpu_asid, m); // xa_insert: -EBUSY
    return '-EBUSY';
  }
  d.smmu.asid_xa[asid] = { type: 'shared', mm, refs: 1, mmgrab: mmgrab_cd };
  if (mmgrab_cd) mmgrab(m, { kind: 'cd', asid });
  return asid;
}

/** arm_smmu_free_asid(cd): refcount_dec_and_test, then xa_erase; true when the CD went. */
export function arm_smmu_free_asid(d: SmmuState, asid: Asid): boolean {
  if (!asid) return false;
  const cd = d.asid_xa[asid];
  if (cd?.type === 'private') {
    smmuWarn(d, 'free_asid-mismatch'); // xa_erase gives a private domain's CD: WARN_ON(old_cd != cd)
    return false;
  }
  if (!cd || cd.refs === 0) {
    smmuWarn(d, 'cd-refs-underflow'); // refcount_t underflow on a freed CD
    return false;
  }
  if (--cd.refs > 0) return false;
  d.asid_xa[asid] = null;
  return true;
}

/** arm_smmu_free_shared_cd(cd): the last reference unpins the ASID ("Unpin ASID") and frees it. */
export function arm_smmu_free_shared_cd(d: AsidView, asid: Asid): boolean {
  const cd = d.smmu.asid_xa[asid];
  const mm = cd?.type === 'shared' ? cd.mm : null;
  const held = cd?.type === 'shared' && cd.mmgrab;
  if (!arm_smmu_free_asid(d.smmu, asid)) return false;
  if (mm === null) return true;
  arm64_mm_context_put(d.cpu_asid, d.mms[mm]!); // reads cd->mm: must not be freed yet
  if (held) mmdrop(d.mms[mm]!, { kind: 'cd', asid });
  return true;
}
