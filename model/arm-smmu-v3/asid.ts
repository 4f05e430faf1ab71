// ASID ownership between private domains and shared (mm) CDs, arm-smmu-v3-sva.c v5.10-v5.12
// (seed 001 patches 9, 11, 12; kernel-notes 1c): arm_smmu_share_asid (share an mm's CD, or seize
// a private ASID), arm_smmu_alloc_shared_cd (pin the CPU ASID), arm_smmu_free_shared_cd and
// arm_smmu_free_asid. All under arm_smmu_asid_lock, itself under sva_lock for SVA callers.
// The seize is four parts, as the kernel can interleave them with the unmap path, which takes no lock
// and reads the domain's ASID (arm-smmu-v3-sva.c:67-88): xa_alloc and `cd->asid = new_asid`
// (arm_smmu_share_asid, which returns { seizing }); the CD rewrite and its sync
// (arm_smmu_share_asid_write_cd); after that sync, the TLBI of the old ASID and its sync
// (arm_smmu_share_asid_tlb_inv); after that one, xa_erase(old) and the rest of the bind
// (arm_smmu_share_asid_end, then arm_smmu_alloc_shared_cd_end). A domain is mid-seize while
// asid_xa maps two private ASIDs to it.
// Leaves out: TCR/TTBR/MAIR computation (constant per mm), the PAGE_SIZE switch.
import { arm64_mm_context_get, arm64_mm_context_put, type CpuAsidState } from '../mm/context.ts';
import { mmdrop, mmgrab, type MmStruct } from '../mm/mm.ts';
import { arm_smmu_write_ctx_desc } from './cd.ts';
import { smmuWarn } from './warn.ts';
import { arm_smmu_tlb_inv_asid } from './tlb.ts';
import { domainSmmu, type BindAllocFailure, type SmmuState } from './state.ts';
import type { Asid, DomainId, MmId } from '../ids.ts';

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

export type ShareAsidRet = { shared: Asid } | { seizing: DomainId } | null | '-EINVAL' | '-ENOSPC';

/**
 * arm_smmu_share_asid(mm, asid): NULL when the ASID is free on the SMMU side; the existing shared CD
 * (refs + 1) when this mm already has one; `seizing` when a private domain owns it: its new ASID is
 * allocated and assigned, and the caller owes the CD rewrite, the TLBI and the xa_erase.
 */
export function arm_smmu_share_asid(d: SmmuState, mm: MmId, asid: Asid): ShareAsidRet {
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
  // "Race with unmap: TLB invalidations will start targeting the new ASID, which isn't assigned yet."
  d.domains[cd.domain]!.asid = new_asid;
  return { seizing: cd.domain };
}

/** The ASID a domain mid-seize is leaving: its other private entry in asid_xa. */
export function seizedAsid(d: SmmuState, domain: DomainId): Asid | null {
  const i = d.asid_xa.findIndex((e, asid) => e?.type === 'private' && e.domain === domain && asid !== d.domains[domain]!.asid);
  return i < 0 ? null : (i as Asid);
}

/**
 * The domain being seized: `smmu_domain = container_of(cd, struct arm_smmu_domain, s1_cfg.cd)` of
 * the CD found at the mm's ASID (arm-smmu-v3-sva.c:62 at 9936a12fcb18), which need not be the
 * binding master's domain (another master's, or another SMMU's: asid_xa is global). It is the one
 * domain asid_xa maps two private ASIDs to: arm_smmu_asid_lock, held from the seize's xa_alloc to
 * its xa_erase, lets one seize run at a time.
 */
export function seizingDomain(d: SmmuState): DomainId {
  const dom = d.domains.findIndex((_, i) => seizedAsid(d, i as DomainId) !== null);
  if (dom < 0) throw new Error('no domain is mid-seize: arm_smmu_share_asid allocated no new ASID');
  return dom as DomainId;
}

/** "Update ASID and invalidate CD in all associated masters": arm_smmu_write_ctx_desc(smmu_domain, 0, cd). */
export function arm_smmu_share_asid_write_cd(d: SmmuState, owner: number): void {
  const domain = seizingDomain(d);
  arm_smmu_write_ctx_desc(d, domain, 0, { asid: d.domains[domain]!.asid, ttb: { type: 'private' } }, { owner });
}

/**
 * "Invalidate TLB entries previously associated with that context": arm_smmu_tlb_inv_asid(smmu,
 * asid), smmu = smmu_domain->smmu (arm-smmu-v3-sva.c:65): the seized domain's SMMU only.
 */
export function arm_smmu_share_asid_tlb_inv(d: SmmuState, owner: number): void {
  const domain = seizingDomain(d);
  arm_smmu_tlb_inv_asid(d, domainSmmu(d, domain), seizedAsid(d, domain)!, owner);
}

/** xa_erase(&arm_smmu_asid_xa, asid): the seize is over; the old ASID is free for the shared CD. */
export function arm_smmu_share_asid_end(d: SmmuState): void {
  d.asid_xa[seizedAsid(d, seizingDomain(d))!] = null;
}

export type AllocSharedCdRet = Asid | { seizing: DomainId } | '-ESRCH' | '-ENOMEM' | '-EINVAL' | '-ENOSPC' | '-EBUSY';

/** What the shared CD holds of its mm: an mm_count (cbd23144f766), the pin of its CPU ASID. */
export interface SharedCdOpts {
  readonly mmgrab: boolean;
  readonly pin: boolean;
}

/**
 * arm_smmu_alloc_shared_cd(mm): the shared CD's ASID; only the first CD of an mm keeps the pin.
 * `mmgrab`: the CD also takes an mm_count (cbd23144f766 "iommu/arm-smmu-v3: Fix mm use-after-free",
 * v5.13: "Call mmgrab()/mmdrop() to ensure the mm only gets freed after we unpinned the ASID").
 * `fail`: the pin (-ESRCH) or the CD's kzalloc (-ENOMEM, out_put_context) fails.
 */
export function arm_smmu_alloc_shared_cd(d: AsidView, mm: MmId, cdOpts: SharedCdOpts, fail: BindAllocFailure = 'none'): AllocSharedCdRet {
  const m = d.mms[mm]!;
  const asid = arm64_mm_context_get(d.cpu_asid, m, fail === 'pin', cdOpts.pin);
  if (!asid) return '-ESRCH';
  const unpin = (): void => {
    if (cdOpts.pin) arm64_mm_context_put(d.cpu_asid, m); // out_put_context
  };
  if (fail === 'cd') {
    unpin();
    return '-ENOMEM';
  }
  const ret = arm_smmu_share_asid(d.smmu, mm, asid);
  if (ret !== null && typeof ret === 'object' && 'seizing' in ret) return ret;
  if (ret !== null) {
    unpin();
    return typeof ret === 'string' ? ret : ret.shared;
  }
  return arm_smmu_alloc_shared_cd_end(d, mm, asid, cdOpts);
}

/** arm_smmu_alloc_shared_cd after arm_smmu_share_asid returned NULL: xa_insert, and the CD's mm_count. */
export function arm_smmu_alloc_shared_cd_end(d: AsidView, mm: MmId, asid: Asid, cdOpts: SharedCdOpts): Asid | '-EBUSY' {
  const m = d.mms[mm]!;
  if (d.smmu.asid_xa[asid]) {
    if (cdOpts.pin) arm64_mm_context_put(d.cpu_asid, m); // xa_insert: -EBUSY
    return '-EBUSY';
  }
  d.smmu.asid_xa[asid] = { type: 'shared', mm, refs: 1, mmgrab: cdOpts.mmgrab, pinned: cdOpts.pin };
  if (cdOpts.mmgrab) mmgrab(m, { kind: 'cd', asid });
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
  const pinned = cd?.type === 'shared' && cd.pinned;
  if (!arm_smmu_free_asid(d.smmu, asid)) return false;
  if (mm === null) return true;
  if (pinned) arm64_mm_context_put(d.cpu_asid, d.mms[mm]!); // reads cd->mm: must not be freed yet
  if (held) mmdrop(d.mms[mm]!, { kind: 'cd', asid });
  return true;
}
