// The device driver's SVA calls with the arm-smmu-v3 side modelled (smmu configs), one step per
// sva_lock section and per CMD_SYNC wait (arm-smmu-v3-sva.c v5.11 as in seed 001 v6, kernel-notes 1c):
//   arm_smmu_dev_enable_feature(SVA) (-ENODEV without COHACC or an I/O page fault path)
//   → arm_smmu_enable_ats → __arm_smmu_sva_bind (sva_lock; bond, PASID, notifier get or alloc
//   with the shared CD and its ASID pin) → mmu_notifier_register (mmap_write_lock), CD dwords 1-3
//   + sync → write dword0 (V=1) + sync → unlock
//   ... stop DMA, flush (model/driver.ts) ...
//   → arm_smmu_sva_unbind (sva_lock; bond put; the last notifier put removes the CD and, unless
//   release cleared it, invalidates TLB and ATC) → after the syncs: iommu_sva_free_pasid, kfree(bond),
//   mmu_notifier_put (SRCU-deferred free), unlock → arm_smmu_dev_disable_feature →
//   mmu_notifier_synchronize.
// The unbind is split where the kernel sleeps on CMD_SYNC. Its tail follows seed 001 v6 patch 17
// (__arm_smmu_sva_unbind: "iommu_sva_free_pasid(bond->mm); kfree(bond); mmu_notifier_put(...)"): the
// PASID is freed while the notifier still holds mm_count. v5.11 as merged puts the notifier first;
// that order is the variant `unbind-notifier-put-first` (putFirstTailSteps below).
// arm_smmu_disable_ats at detach is the core's attach thread's, with param `attach` (model/sva/attach.ts),
// which also waits for the group->mutex a bind and an unbind hold.
import { asid_gen_match, new_context_beyond_bound } from '../mm/context.ts';
import { arm_smmu_write_ctx_desc_dword0 } from '../arm-smmu-v3/cd.ts';
import { cmdq_sync_done } from '../arm-smmu-v3/cmdq.ts';
import { arm_smmu_free_shared_cd, arm_smmu_share_asid_end, arm_smmu_share_asid_tlb_inv, arm_smmu_share_asid_write_cd } from '../arm-smmu-v3/asid.ts';
import {
  __arm_smmu_sva_bind,
  __arm_smmu_sva_bind_register,
  __arm_smmu_sva_bind_seized,
  arm_smmu_enable_ats,
  arm_smmu_master_disable_sva,
  arm_smmu_master_enable_sva,
  arm_smmu_sva_unbind_begin,
} from '../arm-smmu-v3/sva-bind.ts';
import { arm_smmu_mmu_notifier_put_end, type SvaOpts } from '../arm-smmu-v3/sva-notifier.ts';
import { mmu_notifier_put, mmu_notifier_synchronized } from '../mm/mmu-notifier.ts';
import type { IopfParams } from '../params.ts';
import type { DriverPc, State } from '../state.ts';
import { asPasid, type Asid, type DeviceId, type DomainId, type MmId } from '../ids.ts';
import { BIND_ALLOC_FAILURES, type BindAllocFailure, type SmmuMn } from '../arm-smmu-v3/state.ts';
import { step, type AnyStep } from '../../explorer/model.ts';
import type { Draft } from 'immer';
import { bindableMms, driverOwner } from './config.ts';
import { freeBondPasid } from './pasid.ts';
import { FREE_CD_IN, type FreeCdIn } from './processes.ts';
import { svaView } from './view.ts';
import { smmu_bind_alloc, smmu_unbind_free } from './tracepoints.ts';
import { attachHoldsGroup } from './attach.ts';

const go = (d: Draft<State>, self: number, pc: DriverPc): void => {
  d.drivers[self] = pc;
};

/** The notifier options of the baseline for a driver's calls. */
export const driverOpts = (self: number, over: Partial<SvaOpts> = {}): SvaOpts => ({
  owner: driverOwner(self),
  free_cd_in: FREE_CD_IN,
  quiet_stall: 'never',
  reuse_notifier: true,
  ...over,
});

export function enableSteps(c?: IopfParams): AnyStep<State>[] {
  // With `attach` the master's attach enabled ATS (model/sva/attach.ts): no stand-in step.
  const afterEnable: DriverPc = c?.attach ? 'bind' : 'enable_ats';
  const steps: AnyStep<State>[] = [
    step<State>({
      name: 'arm_smmu_dev_enable_feature',
      at: 'enable_sva',
      doc: 'iommu_dev_enable_feature(SVA) → arm_smmu_master_enable_sva under sva_lock: -ENODEV unless arm_smmu_master_sva_supported. The kernel tests -EBUSY in a sva_lock section of its own (arm_smmu_master_sva_enabled, arm-smmu-v3-sva.c:452-460) and sets the flag in the next; one step here, since only the master\'s own driver enables SVA on it, so nothing comes between the two',
      source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:462-469 (v5.13-rc6) (arm_smmu_master_enable_sva); drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:443-450 (v5.13-rc6) (arm_smmu_master_sva_supported); drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2621-2636 (9936a12fcb18, v5.13-rc6) (arm_smmu_dev_enable_feature: -ENODEV unless arm_smmu_dev_has_feature at :2624-2625, -EBUSY if arm_smmu_dev_feature_enabled at :2627-2628, arm_smmu_master_enable_sva at :2632)',
      locks: 'sva_lock',
      enabled: (s) => s.sva_lock === null,
      apply: (d, self) => {
        if (arm_smmu_master_enable_sva(d.arm_smmu, self as DeviceId) === 0) return go(d, self, afterEnable);
        d.sva[self]!.binds = 0; // the driver gives SVA up: no bind
        go(d, self, 'stop');
      },
    }),
    step<State>({
      name: 'arm_smmu_enable_ats',
      at: 'enable_ats',
      doc: 'arm_smmu_enable_ats at attach: pci_enable_ats when the SMMU (IDR0.ATS) and the function both support it (and the firmware says the root complex does, IOMMU_FWSPEC_PCI_RC_ATS: always here). The kernel runs it at attach, before the driver enables SVA, and first counts the master in nr_ats_masters and invalidates the domain\'s ATCs; the model takes it after the SVA enable and without the count, which nothing observes: no PASID of the master is bound before its bind step, so its ATC is empty',
      source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2119-2138 (9936a12fcb18, v5.13-rc6) (arm_smmu_enable_ats: pci_enable_ats at :2136), called from arm_smmu_attach_dev at :2286 after ats_enabled = arm_smmu_ats_supported() at :2277-2278 (:2104-2117); drivers/pci/ats.c:56-87 (v5.13-rc6) (pci_enable_ats)',
      locks: 'none',
      apply: (d, self) => {
        arm_smmu_enable_ats(d.arm_smmu, self as DeviceId);
        go(d, self, 'bind');
      },
    }),
  ];
  return c?.attach ? steps.filter((st) => st.at !== 'enable_ats') : steps;
}

/** A bind: the process whose mm is bound (null: none is live) and which allocation fails. */
export interface BindChoice {
  readonly mm: MmId | null;
  readonly fail: BindAllocFailure;
}

/**
 * The mm a driver's next bind is for (current->mm: only a live process binds; with none left, null
 * and the driver gives its remaining binds up), each with the allocation failures the config allows.
 */
function bindChoices(c: IopfParams, s: State, self: number): BindChoice[] {
  const held = s.sva[self]!.mm;
  const live = (held !== null ? [held] : bindableMms(c, self)).filter((mm) => s.mms[mm]!.users > 0 && s.procs[mm]!.pc !== 'exited');
  if (live.length === 0) return [{ mm: null, fail: 'none' }];
  const fails: readonly BindAllocFailure[] = c.allocFailures ? BIND_ALLOC_FAILURES : ['none'];
  return live.flatMap((mm) => fails.map((fail) => ({ mm, fail })));
}

/** Would arm64_mm_context_get(mm) run new_context and roll over past the generations bound? */
function pinBeyondBound(s: State, mm: MmId): boolean {
  const m = s.mms[mm]!;
  return m.context.pinned === 0 && !asid_gen_match(s.cpu_asid, m.context.id) && new_context_beyond_bound(s.cpu_asid, m);
}

/** A failed bind: mutex_unlock(sva_lock), and the driver gives SVA up. */
function bindFailed(d: Draft<State>, self: number): void {
  d.sva_lock = null;
  d.sva[self]!.binds = 0;
  go(d, self, 'stop');
}

/**
 * __arm_smmu_sva_bind under sva_lock up to mmu_notifier_register; `over` changes the notifier
 * options (variants).
 */
export function bindStep(c: IopfParams, over: Partial<SvaOpts> = {}): AnyStep<State> {
  return step<State, BindChoice>({
    name: '__arm_smmu_sva_bind',
    at: 'bind',
    tracepoint: smmu_bind_alloc,
    doc: 'iommu_sva_bind_device(dev, current->mm) → arm_smmu_sva_bind: mutex_lock(sva_lock), __arm_smmu_sva_bind: bond reuse, or kzalloc(bond), iommu_sva_alloc_pasid, and arm_smmu_mmu_notifier_get up to mmu_notifier_register (reuse, or arm_smmu_alloc_shared_cd: pin, kzalloc, share_asid, xa_insert; kzalloc(smmu_mn)); each failure unwinds and unlocks',
    source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:356-368 (v5.13-rc6) (arm_smmu_sva_bind); drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:307-336 and 344-350 (v5.13-rc6) (__arm_smmu_sva_bind up to the notifier, its error labels); drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:229-254 (v5.13-rc6) (arm_smmu_mmu_notifier_get up to mmu_notifier_register); drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:89-170 (v5.13-rc6) (arm_smmu_alloc_shared_cd)',
    locks: 'sva_lock, taken here and held until the unlock step; iommu_sva_lock and ioasid_allocator_lock for the PASID; arm_smmu_asid_lock for the shared CD',
    choices: (s, self) => bindChoices(c, s, self),
    // At the generations bound, a bind whose arm64_mm_context_get would roll over is not offered.
    // iommu_sva_bind_device takes group->mutex first: not while an attach moves the master.
    enabled: (s, self, b) => !attachHoldsGroup(s, self) && (b.mm === null || (s.sva_lock === null && !pinBeyondBound(s, b.mm))),
    apply: (d, self, { mm, fail }) => {
      if (mm === null) {
        d.sva[self]!.binds = 0;
        return go(d, self, 'stop');
      }
      d.sva_lock = driverOwner(self);
      const r = __arm_smmu_sva_bind(svaView(d), self as DeviceId, mm, driverOpts(self, over), fail);
      if (typeof r === 'string') return bindFailed(d, self);
      d.sva[self]!.mm = mm;
      if ('seizing' in r) return go(d, self, 'bind_seize_cd');
      go(d, self, r.register !== null ? 'bind_register' : 'bind_unlock');
    },
    showChoice: ({ mm, fail }) => (mm === null ? 'no live process' : `mm ${mm}${fail === 'none' ? '' : `, ${fail} allocation fails`}`),
  });
}

/**
 * The rest of arm_smmu_share_asid's seize (arm-smmu-v3-sva.c:77-88), one step per command batch the
 * binder waits for, as the unmap path (no lock) and the device's DMA may run between them; then the
 * rest of the bind up to mmu_notifier_register.
 */
export function seizeSteps(c: IopfParams, over: Partial<SvaOpts> = {}): AnyStep<State>[] {
  return [
    step<State>({
      name: 'arm_smmu_share_asid/write_ctx_desc',
      at: 'bind_seize_cd',
      doc: 'arm_smmu_share_asid, the ASID seized: arm_smmu_write_ctx_desc(smmu_domain, 0, cd): the live private CD\'s ASID field rewritten, CFGI_CD per master, CMD_SYNC ("There will be some overlap between use of both ASIDs, until we invalidate the TLB")',
      source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:77-82 (v5.13-rc6); drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1024-1049 (v5.13-rc6) (case 3)',
      locks: 'sva_lock, arm_smmu_asid_lock (held); devices_lock for the CD sync',
      apply: (d, self) => {
        arm_smmu_share_asid_write_cd(d.arm_smmu, driverOwner(self));
        go(d, self, 'bind_seize_tlbi');
      },
    }),
    step<State>({
      name: 'arm_smmu_share_asid/tlb_inv_asid',
      at: 'bind_seize_tlbi',
      doc: 'after the CD sync: arm_smmu_tlb_inv_asid(smmu, old asid): TLBI_NH_ASID, or TLBI_EL2_ASID with E2H (arm-smmu-v3.c:883-884 at 9936a12fcb18), CMD_SYNC ("Invalidate TLB entries previously associated with that context")',
      source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:84-85 (v5.13-rc6)',
      locks: 'sva_lock, arm_smmu_asid_lock (held)',
      enabled: (s, self) => cmdq_sync_done(s.arm_smmu, driverOwner(self)),
      apply: (d, self) => {
        arm_smmu_share_asid_tlb_inv(d.arm_smmu, driverOwner(self));
        go(d, self, 'bind_seize_end');
      },
    }),
    seizeEndStep(c, over),
  ];
}

/** The seize's last step, with the bind options `over` of a variant that changes the bind. */
export function seizeEndStep(c: IopfParams, over: Partial<SvaOpts> = {}): AnyStep<State> {
  return step<State, BindAllocFailure>({
    name: 'arm_smmu_share_asid/xa_erase',
    at: 'bind_seize_end',
    // The bond is recorded here when the bind seized an ASID.
    tracepoint: smmu_bind_alloc,
    doc: 'after the TLBI sync: xa_erase(old asid), return NULL; arm_smmu_alloc_shared_cd: xa_insert(asid, cd), mutex_unlock(arm_smmu_asid_lock); arm_smmu_mmu_notifier_get: kzalloc(smmu_mn) (may fail: err_free_cd, err_free_pasid, unlock)',
    source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:87-88, 114-118 and 236-241 (v5.13-rc6)',
    locks: 'sva_lock (held); arm_smmu_asid_lock up to the xa_insert',
    choices: () => (c.allocFailures ? ['none', 'smmu_mn'] : ['none']),
    enabled: (s, self) => cmdq_sync_done(s.arm_smmu, driverOwner(self)),
    apply: (d, self, fail) => {
      const mm = d.sva[self]!.mm!;
      arm_smmu_share_asid_end(d.arm_smmu);
      const r = __arm_smmu_sva_bind_seized(svaView(d), self as DeviceId, mm, driverOpts(self, over), fail);
      if (typeof r === 'string') {
        if (d.sva[self]!.handles === 0) d.sva[self]!.mm = null;
        return bindFailed(d, self);
      }
      go(d, self, r.register !== null ? 'bind_register' : 'bind_unlock');
    },
    showChoice: (fail) => (fail === 'none' ? 'no failure' : `${fail} allocation fails`),
  });
}

/** mmu_notifier_register takes mmap_write_lock(mm): not while the owner's munmap holds mmap_lock. */
const mmapLockFree = (s: State, mm: MmId): boolean => s.procs[mm]!.pc === 'running' || s.procs[mm]!.pc === 'exited';

/**
 * The new notifier's registration and the CD install's first half. One step: the CD's dwords 1-3
 * (V = 0) are invisible to the SMMU, so an invalidate_range that runs between the register and
 * this write finds the same hardware state either way.
 */
export function bindRegisterStep(
  c: IopfParams,
  register: typeof __arm_smmu_sva_bind_register = __arm_smmu_sva_bind_register,
  over: Partial<SvaOpts> = {},
): AnyStep<State> {
  return step<State, boolean>({
    name: 'arm_smmu_mmu_notifier_get/mmu_notifier_register',
    at: 'bind_register',
    doc: 'arm_smmu_mmu_notifier_get: mmu_notifier_register (mmap_write_lock; the first one allocates mm->notifier_subscriptions), then arm_smmu_write_ctx_desc install: CD dwords 1-3, CFGI_CD + CMD_SYNC; a failure unwinds (kfree(smmu_mn), free_shared_cd, free PASID, kfree(bond)) and unlocks',
    source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:255-279 (v5.13-rc6) (arm_smmu_mmu_notifier_get from mmu_notifier_register); mm/mmu_notifier.c:608-682 (c2818c9a0876) (__mmu_notifier_register); drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1012-1022 (v5.13-rc6) (CD dwords 1-3 + first sync)',
    locks: 'sva_lock (held); mmap_write_lock(mm) around the register; devices_lock for the CD sync',
    choices: (s, self) => (c.allocFailures && !s.mms[s.sva[self]!.mm!]!.subscriptions ? [false, true] : [false]),
    enabled: (s, self) => mmapLockFree(s, s.sva[self]!.mm!),
    apply: (d, self, nomem) => {
      const mm = d.sva[self]!.mm!;
      const r = register(svaView(d), self as DeviceId, mm, driverOpts(self, over), nomem);
      if (typeof r === 'string') {
        if (d.sva[self]!.handles === 0) d.sva[self]!.mm = null;
        return bindFailed(d, self);
      }
      go(d, self, r.install_pending ? 'bind_dword0' : 'bind_unlock');
    },
    showChoice: (nomem) => (nomem ? 'the subscriptions allocation fails' : 'registered'),
  });
}

/**
 * The install's second half: dword 0 with V, then the sync. `inDomain` says which domain's CD table
 * (the bond's notifier's domain, which is the binding master's in the baseline; a variant may differ).
 */
export function bindDword0Step(
  inDomain: (d: Draft<State>, self: number, mn: Draft<SmmuMn>) => DomainId = (_d, _self, mn) => mn.domain,
  where = '',
): AnyStep<State> {
  return step<State>({
    name: 'arm_smmu_write_ctx_desc/dword0',
    at: 'bind_dword0',
    doc: `arm_smmu_write_ctx_desc install, after the first sync: WRITE_ONCE(cdptr[0], V | ASID | ...), arm_smmu_sync_cd${where}`,
    source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1024-1049 (v5.13-rc6)',
    locks: 'sva_lock (held); devices_lock for the CD sync',
    enabled: (s, self) => cmdq_sync_done(s.arm_smmu, driverOwner(self)),
    apply: (d, self) => {
      const mm = d.sva[self]!.mm!;
      const bond = d.arm_smmu.masters[self]!.bonds[mm]!;
      const mn = d.arm_smmu.mmu_notifiers[bond.smmu_mn]!;
      arm_smmu_write_ctx_desc_dword0(d.arm_smmu, inDomain(d, self, mn), d.mms[mm]!.pasid, { asid: mn.cd }, { owner: driverOwner(self) });
      go(d, self, 'bind_unlock');
    },
  });
}

export function bindTailSteps(): AnyStep<State>[] {
  return [
    bindDword0Step(),
    step<State>({
      name: 'iommu_sva_bind_device/unlock',
      at: 'bind_unlock',
      doc: 'the CD syncs completed: mutex_unlock(sva_lock); the driver gets the handle and programs mm->pasid into the device',
      source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:368-369 (v5.13-rc6); drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:386-391 (v5.13-rc6) (arm_smmu_sva_get_pasid)',
      locks: 'sva_lock, released here',
      enabled: (s, self) => cmdq_sync_done(s.arm_smmu, driverOwner(self)),
      apply: (d, self) => {
        const h = d.sva[self]!;
        d.sva_lock = null;
        h.handles++;
        h.binds--;
        d.devices[self]!.pasid = asPasid(d.mms[h.mm!]!.pasid);
        go(d, self, h.binds > 0 ? 'bind' : 'stop');
      },
    }),
  ];
}

/**
 * arm_smmu_sva_unbind under sva_lock: the bond's put; at zero, list_del and the notifier's put,
 * whose last reference removes the CD (case 5) and, unless cleared, issues TLBI ASID and ATC_INV.
 */
export function unbindStep(): AnyStep<State> {
  return step<State>({
    name: 'arm_smmu_sva_unbind',
    at: 'unbind',
    doc: 'iommu_sva_unbind_device → arm_smmu_sva_unbind: sva_lock; refcount_dec_and_test(bond); arm_smmu_mmu_notifier_put: CD removed, TLBI + ATC_INV unless cleared',
    source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:372-379 (v5.13-rc6); drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:281-300 (v5.13-rc6) (arm_smmu_mmu_notifier_put up to the invalidations)',
    locks: 'sva_lock, taken here and held across the CMD_SYNC waits; devices_lock for the CD sync and ATC invalidation',
    // iommu_sva_unbind_device takes group->mutex first: not while an attach moves the master.
    enabled: (s, self) => !attachHoldsGroup(s, self) && (s.sva_lock === null || s.sva[self]!.handles === 0),
    apply: (d, self) => {
      const h = d.sva[self]!;
      if (h.handles === 0) return go(d, self, 'disable_sva'); // nothing bound
      h.handles--;
      d.sva_lock = driverOwner(self);
      const r = arm_smmu_sva_unbind_begin(svaView(d), self as DeviceId, h.mm!, driverOpts(self));
      if (typeof r === 'string') {
        d.sva_lock = null; // kept, or nothing to put (WARNed)
        return go(d, self, h.handles > 0 ? 'unbind' : 'disable_sva');
      }
      h.put = r.put;
      go(d, self, 'unbind_put');
    },
  });
}

/** The last reference to the (domain, mm) notifier went in this unbind: the rest of its put. */
function putNotifier(d: Draft<State>, self: number, free_cd_in: FreeCdIn): void {
  const h = d.sva[self]!;
  if (h.put === null) return;
  arm_smmu_mmu_notifier_put_end(svaView(d), h.put, { free_cd_in });
  h.put = null;
}

/** mutex_unlock(sva_lock); with its last handle gone the driver forgets mm and PASID. */
function unbindUnlock(d: Draft<State>, self: number): void {
  const h = d.sva[self]!;
  d.sva_lock = null;
  if (h.handles === 0) {
    h.mm = null;
    d.devices[self]!.pasid = asPasid(0);
  }
  go(d, self, h.handles > 0 ? 'unbind' : 'disable_sva');
}

/**
 * The shared CD of `mm` in asid_xa: v5.11's arm_smmu_mmu_notifier_put keeps `cd = smmu_mn->cd` in
 * a local before mmu_notifier_put, since the SRCU callback may free smmu_mn before it is used.
 */
function sharedCdOf(d: Draft<State>, mm: MmId): Asid | null {
  const i = d.arm_smmu.asid_xa.findIndex((e) => e?.type === 'shared' && e.mm === mm);
  return i < 0 ? null : (i as Asid);
}

/**
 * The unbind's tail after the put's syncs, as one step: iommu_sva_free_pasid(bond->mm), kfree(bond),
 * mmu_notifier_put, mutex_unlock(sva_lock) (seed 001 v6 patch 17, __arm_smmu_sva_unbind). `free`:
 * the unbind's iommu_sva_free_pasid (null in kernels where the PASID lives as long as the mm).
 */
export function freePasidStep(free_cd_in: FreeCdIn = FREE_CD_IN, free: typeof freeBondPasid | null = freeBondPasid): AnyStep<State> {
  return step<State>({
    name: 'iommu_sva_free_pasid',
    at: 'unbind_put',
    tracepoint: smmu_unbind_free,
    doc: 'after the put\'s syncs: iommu_sva_free_pasid(bond->mm); kfree(bond); mmu_notifier_put (call_srcu), [free_shared_cd]; mutex_unlock(sva_lock)',
    source: 'seed 001 v6 patch 17 __arm_smmu_sva_unbind: iommu_sva_free_pasid(bond->mm); kfree(bond); mmu_notifier_put(&smmu_mn->mn) (mainline has the other order: drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:372-384 (v5.13-rc6))',
    locks: 'sva_lock (held, released at the end); iommu_sva_lock and ioasid_allocator_lock; arm_smmu_asid_lock when the shared CD goes',
    enabled: (s, self) => cmdq_sync_done(s.arm_smmu, driverOwner(self)),
    apply: (d, self) => {
      free?.(d, self as DeviceId, d.sva[self]!.mm!);
      putNotifier(d, self, free_cd_in);
      unbindUnlock(d, self);
    },
  });
}

/**
 * v5.11 as merged (32784a9562fb "iommu/arm-smmu-v3: Implement iommu_sva_bind/unbind()"): the end of
 * arm_smmu_mmu_notifier_put is "mmu_notifier_put(&smmu_mn->mn); arm_smmu_free_shared_cd(cd);", and
 * arm_smmu_sva_unbind calls iommu_sva_free_pasid(bond->mm) after it. Nothing stops the SRCU grace
 * period from ending in between (the unbinder holds sva_lock, not an SRCU read lock), so these are
 * two steps with mmu_notifier_free_rcu free to run between them.
 */
export function putFirstTailSteps(): AnyStep<State>[] {
  return [
    step<State>({
      name: 'arm_smmu_mmu_notifier_put/mmu_notifier_put',
      at: 'unbind_put',
      doc: 'v5.11: after the put\'s syncs, mmu_notifier_put(&smmu_mn->mn) ("Frees smmu_mn": call_srcu, then mmdrop)',
      source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:302-303 (v5.13-rc6) (arm_smmu_mmu_notifier_put: mmu_notifier_put)',
      locks: 'sva_lock (held); mm->notifier_subscriptions->lock',
      enabled: (s, self) => cmdq_sync_done(s.arm_smmu, driverOwner(self)),
      apply: (d, self) => {
        const h = d.sva[self]!;
        if (h.put !== null) mmu_notifier_put(d.mms[h.mm!]!, h.put);
        go(d, self, 'unbind_free_pasid');
      },
    }),
    step<State>({
      name: 'iommu_sva_free_pasid',
      at: 'unbind_free_pasid',
      tracepoint: smmu_unbind_free,
      doc: 'v5.11: arm_smmu_free_shared_cd(cd) (arm64_mm_context_put(cd->mm)) when the notifier went; iommu_sva_free_pasid(bond->mm); kfree(bond); mutex_unlock(sva_lock)',
      source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:304 and 380-383 (v5.13-rc6) (arm_smmu_free_shared_cd(cd); iommu_sva_free_pasid(bond->mm); kfree(bond))',
      locks: 'sva_lock (held, released at the end); iommu_sva_lock and ioasid_allocator_lock; arm_smmu_asid_lock when the shared CD goes',
      apply: (d, self) => {
        const h = d.sva[self]!;
        const mm = h.mm!;
        if (h.put !== null) {
          const cd = sharedCdOf(d, mm);
          if (cd !== null) arm_smmu_free_shared_cd(svaView(d), cd);
          h.put = null;
        }
        freeBondPasid(d, self as DeviceId, mm);
        unbindUnlock(d, self);
      },
    }),
  ];
}

export function disableSteps(): AnyStep<State>[] {
  return [
    step<State>({
      name: 'arm_smmu_dev_disable_feature',
      at: 'disable_sva',
      doc: 'iommu_dev_disable_feature(SVA) → arm_smmu_master_disable_sva under sva_lock (-EBUSY while bonds exist)',
      source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:471-483 (v5.13-rc6) (arm_smmu_master_disable_sva)',
      locks: 'sva_lock',
      enabled: (s) => s.sva_lock === null,
      apply: (d, self) => {
        if (d.arm_smmu.masters[self]!.sva_enabled) arm_smmu_master_disable_sva(d.arm_smmu, self as DeviceId);
        go(d, self, 'synchronize');
      },
    }),
    step<State>({
      name: 'mmu_notifier_synchronize',
      at: 'synchronize',
      doc: 'arm_smmu_sva_notifier_synchronize → mmu_notifier_synchronize: wait for every pending SRCU free_notifier',
      source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:485-492 (v5.13-rc6); mm/mmu_notifier.c:1090-1093 (c2818c9a0876)',
      locks: 'none (waits for the SRCU grace period)',
      enabled: (s) => s.mms.every((m) => mmu_notifier_synchronized(m)),
      apply: (d, self) => go(d, self, 'unregister_handler'),
    }),
  ];
}

export function svaDriverSteps(c: IopfParams): { before: AnyStep<State>[]; bind: AnyStep<State>[]; unbind: AnyStep<State>[] } {
  return {
    before: enableSteps(c),
    bind: [bindStep(c), ...seizeSteps(c), bindRegisterStep(c), ...bindTailSteps()],
    unbind: [unbindStep(), freePasidStep(), ...disableSteps()],
  };
}
