// The SVA device feature and bind/unbind of arm-smmu-v3-sva.c (v5.11; seed 001 patches 15-17):
// arm_smmu_sva_supported / arm_smmu_master_sva_supported ("Add SVA feature checking"),
// arm_smmu_master_enable_sva / _disable_sva, __arm_smmu_sva_bind / arm_smmu_sva_unbind under
// sva_lock, and ATS enable/disable on the PCI function.
// Bind is split where another thread can see it: the allocations (bond, PASID, shared CD and pin,
// notifier) are private to the sva_lock holder; mmu_notifier_register publishes the notifier (and
// waits for mmap_write_lock); the CD install waits for its CMD_SYNCs. Each failure unwinds through
// the kernel's labels. Unbind is split where the kernel sleeps: arm_smmu_sva_unbind drops the bond
// and issues the notifier put's invalidations; `iommu_sva_free_pasid` follows once
// `cmdq_sync_done(owner)`.
// Leaves out: the S1-stage check of arm_smmu_sva_bind (every domain here is S1), drvdata.
import { iommu_sva_alloc_pasid, iommu_sva_free_pasid, type AllocPasidRet } from '../iommu-sva/iommu-sva-lib.ts';
import {
  arm_smmu_mmu_notifier_get,
  arm_smmu_mmu_notifier_get_end,
  arm_smmu_mmu_notifier_get_register,
  arm_smmu_mmu_notifier_put_begin,
  arm_smmu_mmu_notifier_put_end,
  type NotifierGetRet,
  type NotifierRegisterRet,
  type SvaOpts,
  type SvaView,
  sharedCdOpts,
} from './sva-notifier.ts';
import type { IoasidHolder } from '../ioasid/ioasid.ts';
import { smmuWarn } from './warn.ts';
import { attachedDomain, type BindAllocFailure, type Features, type SmmuState } from './state.ts';
import type { DeviceId, DomainId, MmId, NotifierId } from '../ids.ts';
import { asidOf } from '../mm/context.ts';
import { arm_smmu_alloc_shared_cd_end } from './asid.ts';

/**
 * arm_smmu_sva_supported(smmu): coherent table walks are required; BTM is optional since "Make BTM
 * optional for SVA" (v5.11: invalidate_range then issues TLBIs itself).
 */
export function arm_smmu_sva_supported(features: Features): boolean {
  return features.coherency;
}

/** arm_smmu_master_sva_supported: SVA on the SMMU, SSIDs, and an I/O page fault path (stall/PRI). */
export function arm_smmu_master_sva_supported(s: SmmuState, sid: DeviceId): boolean {
  const m = s.masters[sid];
  return !!m && arm_smmu_sva_supported(s.features) && m.ssid_max > 0 && m.iopf_capable;
}

/** arm_smmu_dev_enable_feature(IOMMU_DEV_FEAT_SVA): -ENODEV without support, -EBUSY if enabled. */
export function arm_smmu_master_enable_sva(d: SmmuState, sid: DeviceId): 0 | '-ENODEV' | '-EBUSY' {
  if (!arm_smmu_master_sva_supported(d, sid)) return '-ENODEV';
  const m = d.masters[sid]!;
  if (m.sva_enabled) return '-EBUSY';
  m.sva_enabled = true;
  return 0;
}

/**
 * arm_smmu_master_disable_sva: "cannot disable SVA, device is bound" → -EBUSY. The caller then
 * waits in mmu_notifier_synchronize() ("not safe to free the domain until all MMU notifiers are
 * freed"): the composition's guard `mmu_notifier_synchronized` on every mm.
 */
export function arm_smmu_master_disable_sva(d: SmmuState, sid: DeviceId): 0 | '-EBUSY' {
  const m = d.masters[sid]!;
  if (m.bonds.some((b) => b !== null)) return '-EBUSY';
  m.sva_enabled = false;
  return 0;
}

/** arm_smmu_enable_ats: needs ATS in the SMMU (IDR0.ATS) and in the PCI function. */
export function arm_smmu_enable_ats(d: SmmuState, sid: DeviceId): boolean {
  const m = d.masters[sid]!;
  if (!d.features.ats || !m.ats_capable) return false;
  m.ats_enabled = true;
  return true;
}

/** arm_smmu_disable_ats: pci_disable_ats, after which the function holds no ATC entry. */
export function arm_smmu_disable_ats(d: SmmuState, sid: DeviceId): void {
  const m = d.masters[sid]!;
  m.ats_enabled = false;
  for (const row of d.atc[sid] ?? []) row.fill(null);
}

export type BindRet =
  /** The bond (the handle); `register`: a new notifier, owed __arm_smmu_sva_bind_register. */
  | { bond: MmId; register: NotifierId | null }
  /** arm_smmu_share_asid took a private domain's ASID: the caller owes the rest of the seize. */
  | { seizing: DomainId }
  | '-ENODEV'
  | '-ENOMEM'
  | Exclude<AllocPasidRet, 0>
  | Exclude<NotifierGetRet, { mn: unknown }>;

/**
 * __arm_smmu_sva_bind(dev, mm) up to mmu_notifier_register: "If bind() was already called for this
 * {dev, mm} pair, reuse it", else kzalloc(bond), iommu_sva_alloc_pasid(mm, 1, (1 << ssid_bits) - 1)
 * and arm_smmu_mmu_notifier_get's allocations. The bond is recorded at once: its list_add comes
 * last in the kernel, but master->bonds is read only under sva_lock.
 */
export function __arm_smmu_sva_bind(d: SvaView, sid: DeviceId, mm: MmId, opts: SvaOpts, fail: BindAllocFailure = 'none'): BindRet {
  const master = d.smmu.masters[sid];
  if (!master || !master.sva_enabled) return '-ENODEV';
  const bond = master.bonds[mm];
  if (bond) {
    bond.refs++;
    return { bond: mm, register: null };
  }
  if (fail === 'bond') return '-ENOMEM';
  const ret = (opts.iommu_sva_alloc_pasid ?? iommu_sva_alloc_pasid)(d, mm, 1, master.ssid_max, bondHolder(sid));
  if (ret !== 0) return ret; // err_free_bond
  const mn = arm_smmu_mmu_notifier_get(d, attachedDomain(d.smmu, sid), mm, opts, fail);
  if (typeof mn === 'object' && 'seizing' in mn) return mn;
  return bindNotifier(d, sid, mm, opts, mn);
}

/** The bond's notifier is got (or failed): the bond is recorded, or the PASID freed. */
function bindNotifier(d: SvaView, sid: DeviceId, mm: MmId, opts: SvaOpts, mn: Exclude<NotifierGetRet, { seizing: unknown }>): Exclude<BindRet, { seizing: unknown }> {
  if (typeof mn === 'string') {
    errFreePasid(d, sid, mm, opts);
    return mn;
  }
  d.smmu.masters[sid]!.bonds[mm] = { refs: 1, smmu_mn: mn.mn };
  return { bond: mm, register: mn.register ? mn.mn : null };
}

/**
 * __arm_smmu_sva_bind after a seize (arm_smmu_share_asid_end done): the rest of
 * arm_smmu_alloc_shared_cd (xa_insert of the mm's CD at its CPU ASID) and of
 * arm_smmu_mmu_notifier_get (`fail`: kzalloc(smmu_mn)), then the bond.
 */
export function __arm_smmu_sva_bind_seized(d: SvaView, sid: DeviceId, mm: MmId, opts: SvaOpts, fail: BindAllocFailure = 'none'): Exclude<BindRet, { seizing: unknown }> {
  const domain = attachedDomain(d.smmu, sid);
  const asid = asidOf(d.cpu_asid, d.mms[mm]!.context.id);
  const cd = arm_smmu_alloc_shared_cd_end(d, mm, asid, sharedCdOpts(opts));
  return bindNotifier(d, sid, mm, opts, typeof cd === 'string' ? cd : arm_smmu_mmu_notifier_get_end(d, domain, mm, cd, fail));
}

/**
 * The rest of __arm_smmu_sva_bind for a new notifier: arm_smmu_mmu_notifier_get_register; on its
 * failure the bond goes and "err_free_pasid: iommu_sva_free_pasid(mm); err_free_bond: kfree(bond)".
 */
export function __arm_smmu_sva_bind_register(d: SvaView, sid: DeviceId, mm: MmId, opts: SvaOpts, nomem = false): NotifierRegisterRet {
  const master = d.smmu.masters[sid]!;
  const ret = arm_smmu_mmu_notifier_get_register(d, master.bonds[mm]!.smmu_mn, opts, nomem);
  if (typeof ret === 'string') {
    master.bonds[mm] = null;
    errFreePasid(d, sid, mm, opts);
  }
  return ret;
}

/** __arm_smmu_sva_bind's err_free_pasid label, where the kernel followed has one. */
function errFreePasid(d: SvaView, sid: DeviceId, mm: MmId, opts: SvaOpts): void {
  const free = opts.iommu_sva_free_pasid === undefined ? iommu_sva_free_pasid : opts.iommu_sva_free_pasid;
  free?.(d, mm, bondHolder(sid));
}

/** The ghost holder of the PASID reference a bond of device `sid` takes. */
export const bondHolder = (sid: DeviceId): IoasidHolder => ({ kind: 'bond', dev: sid });

export type UnbindRet =
  | 'kept'
  | 'no-bond'
  /** The bond went; `put`: the notifier whose last put still owes arm_smmu_mmu_notifier_put_end. */
  | { freed: true; put: NotifierId | null };

/**
 * arm_smmu_sva_unbind(handle) up to the notifier put's CMD_SYNC waits: refcount_dec_and_test
 * (bond->refs), list_del, arm_smmu_mmu_notifier_put_begin.
 */
export function arm_smmu_sva_unbind_begin(d: SvaView, sid: DeviceId, mm: MmId, opts: SvaOpts): UnbindRet {
  const master = d.smmu.masters[sid]!;
  const bond = master.bonds[mm];
  if (!bond || bond.refs === 0) {
    smmuWarn(d.smmu, 'bond-refs-underflow');
    return 'no-bond';
  }
  if (--bond.refs > 0) return 'kept';
  master.bonds[mm] = null;
  return { freed: true, put: arm_smmu_mmu_notifier_put_begin(d, bond.smmu_mn, opts) ? bond.smmu_mn : null };
}

/**
 * arm_smmu_sva_unbind(handle), whole: the bond's put and the notifier's. Returns 'freed' when the
 * bond went: the caller owes iommu_sva_free_pasid(mm).
 */
export function arm_smmu_sva_unbind(d: SvaView, sid: DeviceId, mm: MmId, opts: SvaOpts): 'kept' | 'freed' | 'no-bond' {
  const r = arm_smmu_sva_unbind_begin(d, sid, mm, opts);
  if (typeof r === 'string') return r;
  if (r.put !== null) arm_smmu_mmu_notifier_put_end(d, r.put, opts);
  return 'freed';
}
