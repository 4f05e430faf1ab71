// struct arm_smmu_mmu_notifier, one per (domain, mm) (arm-smmu-v3-sva.c v5.11; seed 001 patches
// 17-18): arm_smmu_mmu_notifier_get / _put under sva_lock, arm_smmu_mm_invalidate_range with no
// lock, arm_smmu_mm_release under sva_lock, and the SRCU-deferred free_notifier.
// Where the shared CD is freed differs between versions: seed 001 (v6) frees it in free_notifier
// (deferred), v5.11 as merged in _put under sva_lock (`free_cd_in`). Invalidations are issued with
// their CMD_SYNCs; the caller waits for `cmdq_sync_done(owner)` where the kernel would sleep.
// arm_smmu_mmu_notifier_get is two steps: the allocations (list walk, shared CD, smmu_mn) are
// private to the sva_lock holder, while mmu_notifier_register publishes the notifier to
// invalidate_range and release, which may run from then on (it also waits for mmap_write_lock).
import type { CpuAsidState } from '../mm/context.ts';
import { mmu_notifier_free_rcu, mmu_notifier_put, mmu_notifier_register } from '../mm/mmu-notifier.ts';
import type { MmStruct } from '../mm/mm.ts';
import type { IoasidHolder, IoasidState } from '../ioasid/ioasid.ts';
import type { AllocPasidRet, SvaLibView } from '../iommu-sva/iommu-sva-lib.ts';
import { arm_smmu_alloc_shared_cd, arm_smmu_free_shared_cd, type AllocSharedCdRet, type SharedCdOpts } from './asid.ts';
import { arm_smmu_write_ctx_desc, type QuietStall } from './cd.ts';
import { arm_smmu_atc_inv_domain, arm_smmu_tlb_inv_asid, arm_smmu_tlb_inv_range_asid } from './tlb.ts';
import { smmuWarn } from './warn.ts';
import { domainSmmu, type BindAllocFailure, type SmmuState } from './state.ts';
import type { Asid, DomainId, MmId, NotifierId } from '../ids.ts';

export interface SvaView {
  smmu: SmmuState;
  mms: MmStruct[];
  ioasid: IoasidState;
  cpu_asid: CpuAsidState;
}

export interface SvaOpts {
  readonly owner: number;
  /** Where the shared CD is freed: 'free_notifier' (seed 001 v6) or 'put' (v5.11). */
  readonly free_cd_in?: 'put' | 'free_notifier';
  readonly quiet_stall?: QuietStall;
  /**
   * false: `notifier-register-not-get` (seed 001, Christoph Hellwig: "just use plain old
   * mmu_notifier_register to avoid the reuse"): every bond gets its own notifier and CD write.
   */
  readonly reuse_notifier?: boolean;
  /** The shared CD holds an mm_count (cbd23144f766). */
  readonly cd_mmgrab?: boolean;
  /** false: the shared CD uses its mm's CPU ASID without pinning it (`share-asid-unpinned`). */
  readonly pin_asid?: boolean;
  /** The bind's iommu_sva_alloc_pasid, where a later kernel has another one (variants). */
  readonly iommu_sva_alloc_pasid?: (d: SvaLibView, mm: MmId, min: number, max: number, holder: IoasidHolder) => AllocPasidRet;
  /**
   * The bind's err_free_pasid: iommu_sva_free_pasid, or null where the kernel has none (from
   * 701fac40384f the PASID lives as long as the mm).
   */
  readonly iommu_sva_free_pasid?: ((d: SvaLibView, mm: MmId, holder: IoasidHolder) => void) | null;
  /** The walk of smmu_domain->mmu_notifiers arm_smmu_mmu_notifier_get begins with, where a variant keys it otherwise. */
  readonly find_mn?: typeof arm_smmu_find_mn;
  /** The arm_smmu_write_ctx_desc that installs the notifier's CD, where a variant mutates it. */
  readonly write_ctx_desc?: typeof arm_smmu_write_ctx_desc;
}

export type NotifierGetRet = { mn: NotifierId; register: boolean } | Exclude<AllocSharedCdRet, number> | '-ENOMEM';
export type NotifierRegisterRet = { install_pending: boolean } | '-ENOMEM' | '-E2BIG';

export const sharedCdOpts = (opts: SvaOpts): SharedCdOpts => ({ mmgrab: opts.cd_mmgrab ?? false, pin: opts.pin_asid ?? true });

/** The live notifier of (domain, mm) on smmu_domain->mmu_notifiers, if any. */
export function arm_smmu_find_mn(s: SmmuState, domain: DomainId, mm: MmId): NotifierId | null {
  const i = s.mmu_notifiers.findIndex((n) => n !== null && !n.freeing && n.domain === domain && n.mm === mm);
  return i < 0 ? null : (i as NotifierId);
}

/**
 * arm_smmu_mmu_notifier_get(smmu_domain, mm) up to mmu_notifier_register: refs + 1 on the existing
 * one (`register` false), else arm_smmu_alloc_shared_cd and kzalloc(smmu_mn) (`register` true: the
 * caller owes arm_smmu_mmu_notifier_get_register). Running out of notifier slots is -ENOMEM too.
 */
export function arm_smmu_mmu_notifier_get(d: SvaView, domain: DomainId, mm: MmId, opts: SvaOpts, fail: BindAllocFailure = 'none'): NotifierGetRet {
  const found = (opts.reuse_notifier ?? true) ? (opts.find_mn ?? arm_smmu_find_mn)(d.smmu, domain, mm) : null;
  if (found !== null) {
    d.smmu.mmu_notifiers[found]!.refs++;
    return { mn: found, register: false };
  }
  const cd = arm_smmu_alloc_shared_cd(d, mm, sharedCdOpts(opts), fail);
  if (typeof cd === 'string' || typeof cd === 'object') return cd;
  return arm_smmu_mmu_notifier_get_end(d, domain, mm, cd, fail);
}

/** arm_smmu_mmu_notifier_get once the shared CD exists: kzalloc(smmu_mn) (err_free_cd on failure). */
export function arm_smmu_mmu_notifier_get_end(d: SvaView, domain: DomainId, mm: MmId, cd: Asid, fail: BindAllocFailure): { mn: NotifierId; register: boolean } | '-ENOMEM' {
  const slot = d.smmu.mmu_notifiers.indexOf(null);
  if (slot < 0 || fail === 'smmu_mn') {
    arm_smmu_free_shared_cd(d, cd); // err_free_cd
    return '-ENOMEM';
  }
  const id = slot as NotifierId;
  // list_add(&smmu_mn->list) comes last in the kernel; the list is read only under sva_lock.
  d.smmu.mmu_notifiers[id] = { domain, mm, refs: 1, cleared: false, cd, freeing: false };
  return { mn: id, register: true };
}

/**
 * The rest of arm_smmu_mmu_notifier_get for a new notifier: mmu_notifier_register (its
 * subscriptions kzalloc fails when `nomem`: kfree(smmu_mn), err_free_cd), then the CD install at
 * mm->pasid (`install_pending`: its second half is owed once the first sync completed,
 * arm_smmu_write_ctx_desc_dword0; -E2BIG: err_put_notifier, err_free_cd).
 */
export function arm_smmu_mmu_notifier_get_register(d: SvaView, id: NotifierId, opts: SvaOpts, nomem = false): NotifierRegisterRet {
  const { domain, mm, cd } = d.smmu.mmu_notifiers[id]!;
  if (mmu_notifier_register(d.mms[mm]!, id, domain, nomem) !== 0) {
    d.smmu.mmu_notifiers[id] = null; // kfree(smmu_mn)
    arm_smmu_free_shared_cd(d, cd);
    return '-ENOMEM';
  }
  const write = opts.write_ctx_desc ?? arm_smmu_write_ctx_desc;
  const ret = write(d.smmu, domain, d.mms[mm]!.pasid, { asid: cd, ttb: { type: 'mm', mm } }, opts);
  if (ret === '-E2BIG') {
    d.smmu.mmu_notifiers[id]!.freeing = true; // err_put_notifier: "Frees smmu_mn"
    mmu_notifier_put(d.mms[mm]!, id);
    arm_smmu_free_shared_cd(d, cd);
    return ret;
  }
  return { install_pending: ret === 'install-pending' };
}

/**
 * arm_smmu_mmu_notifier_put(smmu_mn) up to its CMD_SYNC waits: the last reference removes the CD
 * (case 5) and invalidates TLB and ATC "If we went through clear(), we've already invalidated".
 * Returns whether that was the last reference (the caller then owes arm_smmu_mmu_notifier_put_end).
 */
export function arm_smmu_mmu_notifier_put_begin(d: SvaView, id: NotifierId, opts: SvaOpts): boolean {
  const mn = d.smmu.mmu_notifiers[id];
  if (!mn || mn.freeing || mn.refs === 0) {
    smmuWarn(d.smmu, 'mn-refs-underflow');
    return false;
  }
  if (--mn.refs > 0) return false;
  mn.freeing = true; // list_del(&smmu_mn->list)
  const pasid = d.mms[mn.mm]!.pasid;
  arm_smmu_write_ctx_desc(d.smmu, mn.domain, pasid, null, opts);
  if (!mn.cleared) {
    arm_smmu_tlb_inv_asid(d.smmu, domainSmmu(d.smmu, mn.domain), mn.cd, opts.owner);
    arm_smmu_atc_inv_domain(d.smmu, mn.domain, pasid, -1, opts.owner);
  }
  return true;
}

/** The rest of the last put, after the syncs: mmu_notifier_put, [arm_smmu_free_shared_cd(cd)]. */
export function arm_smmu_mmu_notifier_put_end(d: SvaView, id: NotifierId, opts: Pick<SvaOpts, 'free_cd_in'>): void {
  const mn = d.smmu.mmu_notifiers[id]!;
  mmu_notifier_put(d.mms[mn.mm]!, id);
  if (opts.free_cd_in === 'put') arm_smmu_free_shared_cd(d, mn.cd);
}

/**
 * The SRCU callback: ops->free_notifier (arm_smmu_mmu_notifier_free), then mmdrop(mm). Returns the
 * mm when that mmdrop freed it (__mmdrop ran), else null.
 */
export function arm_smmu_mmu_notifier_free(d: SvaView, id: NotifierId, opts: Pick<SvaOpts, 'free_cd_in'>): MmId | null {
  const mn = d.smmu.mmu_notifiers[id];
  if (!mn || !mn.freeing) return null;
  if ((opts.free_cd_in ?? 'free_notifier') === 'free_notifier') arm_smmu_free_shared_cd(d, mn.cd);
  d.smmu.mmu_notifiers[id] = null;
  return mmu_notifier_free_rcu(d.mms[mn.mm]!, id) ? mn.mm : null;
}

/** Where a variant mutates arm_smmu_mm_invalidate_range. */
export interface InvalidateRangeOpts {
  /** The arm_smmu_tlb_inv_range_asid it calls. */
  readonly inv_range?: typeof arm_smmu_tlb_inv_range_asid;
  /** ARM_SMMU_FEAT_BTM as the probe set it, where a variant's probe sets it otherwise. */
  readonly feat_btm?: boolean;
}

/** arm_smmu_mm_invalidate_range: TLBI by VA unless BTM, ATC invalidation for mm->pasid. No lock. */
export function arm_smmu_mm_invalidate_range(d: SvaView, id: NotifierId, page: number, owner: number, opts: InvalidateRangeOpts = {}): void {
  const mn = d.smmu.mmu_notifiers[id];
  if (!mn) return;
  if (!(opts.feat_btm ?? d.smmu.features.btm)) (opts.inv_range ?? arm_smmu_tlb_inv_range_asid)(d.smmu, mn.domain, mn.cd, page, owner);
  arm_smmu_atc_inv_domain(d.smmu, mn.domain, d.mms[mn.mm]!.pasid, page, owner);
}

export interface ReleaseOpts {
  readonly owner: number;
  readonly quiet_stall?: QuietStall;
  /** The CD written: &quiet_cd (baseline) or NULL (`release-clears-valid`). */
  readonly cd?: 'quiet_cd' | null;
  /** TLB and ATC invalidation after the CD write (false: `release-without-invalidate`). */
  readonly invalidate?: boolean;
}

/**
 * arm_smmu_mm_release, from exit_mmap before the pages are freed, under sva_lock: "DMA may still
 * be running. Keep the cd valid to avoid C_BAD_CD events, but disable translation", invalidate
 * TLB and ATC, cleared = true. Returns whether it did anything (false when already cleared).
 */
export function arm_smmu_mm_release(d: SvaView, id: NotifierId, opts: ReleaseOpts): boolean {
  const mn = d.smmu.mmu_notifiers[id];
  if (!mn || mn.cleared) return false;
  const pasid = d.mms[mn.mm]!.pasid;
  const cd = opts.cd === undefined ? 'quiet_cd' : opts.cd;
  arm_smmu_write_ctx_desc(d.smmu, mn.domain, pasid, cd, opts);
  if (opts.invalidate ?? true) {
    arm_smmu_tlb_inv_asid(d.smmu, domainSmmu(d.smmu, mn.domain), mn.cd, opts.owner);
    arm_smmu_atc_inv_domain(d.smmu, mn.domain, pasid, -1, opts.owner);
  }
  mn.cleared = true;
  return true;
}
