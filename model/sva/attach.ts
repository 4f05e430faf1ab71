// The IOMMU core's domain changes (param `attach`): per master, a thread that attaches it to the attach
// domain (config.ts attachDomain, allocated and not finalised at the start) and back to its own, each by
// arm_smmu_attach_dev (arm-smmu-v3.c:2223-2291 at 9936a12fcb18) split at its lock sections and
// CMD_SYNC waits, then frees the attach domain once no master is in it (iommu_domain_free →
// arm_smmu_domain_free). The core holds group->mutex across arm_smmu_attach_dev (__iommu_attach_group
// in iommu.c), as iommu_sva_bind_device and iommu_sva_unbind_device do across theirs (iommu.c v5.13,
// lines not counted): that is why the -EBUSY check (arm-smmu-v3.c:2238-2246: "Bonds cannot be removed
// concurrently since we're holding the group mutex") holds for the whole attach, and why a bind or
// unbind here waits for a move to end (`attachHoldsGroup`).
// An attach that fails leaves the thread without further moves and group->domain as it was: -EBUSY
// before the detach (the master stays where it was); the finalise's -EBUSY of a full asid_xa, or
// the -ENXIO of a domain another SMMU's master finalised (with `smmus` 2, both masters move to the
// one attach domain), both after the detach, which leave the master detached, as the kernel does
// (invariant attached-to-group-domain). The caller makes no other move after a failure: VFIO type1,
// whose domain reuse tries another SMMU's domain and attaches a domain of its own when refused
// (vfio_iommu_type1_attach_group, v5.13), is not modelled. Left out, and why: the device driver's
// quiescing of its DMA around a domain change is taken as given: the endpoint's DMA without a PASID
// is not offered during a move (model/sva/dma.ts); a move's target is fixed (the attach domain,
// then back), and a freed domain is not allocated again.
import type { Draft } from 'immer';
import { step, type AnyStep, type Process } from '../../explorer/model.ts';
import {
  arm_smmu_attach_dev_check,
  arm_smmu_attach_dev_smmu_check,
  arm_smmu_attach_enable_ats,
  arm_smmu_attach_list_add,
  arm_smmu_attach_ste,
  arm_smmu_detach_list_del,
  arm_smmu_detach_ste,
  arm_smmu_disable_ats,
  arm_smmu_domain_finalise_s1,
  arm_smmu_domain_free_asid,
  arm_smmu_domain_free_tlb_inv,
} from '../arm-smmu-v3/attach.ts';
import { cmdq_sync_done } from '../arm-smmu-v3/cmdq.ts';
import { ATTACH_MOVES } from '../arm-smmu-v3/init.ts';
import { masterSmmu, type AttachPc, type AttachState, type SmmuState } from '../arm-smmu-v3/state.ts';
import type { DeviceId, DomainId } from '../ids.ts';
import type { IopfParams } from '../params.ts';
import type { DriverPc, State } from '../state.ts';
import { attachDomain, attachOwner, ownDomain } from './config.ts';

const attachOf = (s: { arm_smmu: SmmuState }): AttachState => s.arm_smmu.attach!;

/** Attach pcs outside arm_smmu_attach_dev: the thread does not hold group->mutex there. */
const OUTSIDE: readonly AttachPc[] = ['attach', 'domain_free', 'domain_free_asid', 'done'];

/** Does master `dev`'s attach thread hold group->mutex (a move in progress)? False without `attach`. */
export const attachHoldsGroup = (s: State, dev: number): boolean => s.arm_smmu.attach !== undefined && !OUTSIDE.includes(s.arm_smmu.attach.pc[dev]!);

/**
 * Driver pcs inside iommu_sva_bind_device or iommu_sva_unbind_device after the step that took
 * group->mutex (the bind and unbind steps take it with sva_lock).
 */
const DRIVER_IN_GROUP: readonly DriverPc[] = ['bind_seize_cd', 'bind_seize_tlbi', 'bind_seize_end', 'bind_register', 'bind_dword0', 'bind_unlock', 'unbind_put', 'unbind_free_pasid'];

/** Does the driver of master `dev` hold group->mutex (inside a bind or an unbind)? */
const driverHoldsGroup = (s: State, dev: number): boolean => DRIVER_IN_GROUP.includes(s.drivers[dev]!);

/** The domain move `moves` of master `dev` goes to: the attach domain, then its own. */
const target = (c: IopfParams, s: State, dev: number): DomainId => (attachOf(s).moves[dev] === 0 ? attachDomain(c) : ownDomain(c, dev));

/**
 * The attach returned 0: __iommu_attach_group sets group->domain; then the next move, or, after the
 * last, the domain's free.
 */
function attached(d: Draft<State>, self: number, domain: DomainId): void {
  const a = attachOf(d);
  a.group_domain[self] = domain;
  a.moves[self]!++;
  a.pc[self] = a.moves[self]! < ATTACH_MOVES ? 'attach' : 'domain_free';
}

/** An attach that failed: no more moves. */
function attachFailed(d: Draft<State>, self: number): void {
  const a = attachOf(d);
  a.moves[self] = ATTACH_MOVES;
  a.pc[self] = 'domain_free';
}

const go = (d: Draft<State>, self: number, pc: AttachPc): void => {
  attachOf(d).pc[self] = pc;
};

/**
 * Where arm_smmu_attach_dev detaches the master: at 9936a12fcb18 between the -EBUSY check and the
 * init_mutex section (`detach-first`, arm-smmu-v3.c:2248), so a refused attach leaves it detached; at
 * 9f7c68911579 after both (`checks-first`), so it stays where it was.
 */
export type AttachOrder = 'detach-first' | 'checks-first';

/**
 * arm_smmu_detach_dev up to its devices_lock section: nothing for a master already detached (the
 * thread goes to `detached`); else arm_smmu_disable_ats, then `next`.
 */
function detachStart(c: IopfParams, d: Draft<State>, self: number, next: AttachPc, detached: AttachPc): void {
  if (d.arm_smmu.masters[self]!.domain === null) return go(d, self, detached);
  arm_smmu_disable_ats(d.arm_smmu, self as DeviceId, attachOwner(c, self));
  go(d, self, next);
}

/**
 * The attach's first step; `check` is arm_smmu_master_sva_enabled's -EBUSY (a variant drops it),
 * `next` where the detach goes once arm_smmu_disable_ats has issued its commands: the list_del first,
 * as v5.13 orders it, or (a variant) the abort STE first; with `order` checks-first the detach waits
 * for the init_mutex section.
 */
export function attachCheckStep(
  c: IopfParams,
  check: typeof arm_smmu_attach_dev_check = arm_smmu_attach_dev_check,
  next: AttachPc = 'detach_list_del',
  order: AttachOrder = 'detach-first',
): AnyStep<State> {
  return step<State>({
    name: 'arm_smmu_attach_dev/arm_smmu_master_sva_enabled',
    at: 'attach',
    doc: 'the core\'s attach to the next domain (group->mutex held from here to the end of the attach) → arm_smmu_attach_dev: arm_smmu_master_sva_enabled under sva_lock, -EBUSY if SVA is enabled; else arm_smmu_detach_dev → arm_smmu_disable_ats: pci_disable_ats, arm_smmu_atc_inv_master (ATC_INV SSID 0 all, CMD_SYNC). One step: what runs between the check and pci_disable_ats (the driver\'s SVA enable) does not touch ATS with `attach`, and a bind waits for group->mutex',
    source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2243-2248 (9936a12fcb18, v5.13-rc6) (the -EBUSY check, arm_smmu_detach_dev call); drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:452-460 (v5.13-rc6) (arm_smmu_master_sva_enabled); drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2204-2212 (9936a12fcb18) (arm_smmu_detach_dev up to arm_smmu_disable_ats), :2140-2155 (arm_smmu_disable_ats), :1605-1618 (arm_smmu_atc_inv_master)',
    locks: 'group->mutex, taken here and held to the end of the attach; sva_lock around the check',
    enabled: (s, self) => s.sva_lock === null && !driverHoldsGroup(s, self),
    apply: (d, self) => {
      if (check(d.arm_smmu, self as DeviceId) === '-EBUSY') return attachFailed(d, self);
      if (order === 'checks-first') return go(d, self, 'init_mutex');
      detachStart(c, d, self, next, 'init_mutex');
    },
  });
}

/** The attach thread's own CMD_SYNCs have completed. */
const attachSynced = (c: IopfParams) => (s: State, self: number): boolean => cmdq_sync_done(s.arm_smmu, attachOwner(c, self));

/**
 * arm_smmu_detach_dev's devices_lock section; `next` is where the thread goes after it: the abort STE,
 * as v5.13 orders it, or (a variant that installs the STE first) the attach's init_mutex.
 */
export function detachListDelStep(c: IopfParams, next: AttachPc = 'detach_ste'): AnyStep<State> {
  return step<State>({
    name: 'arm_smmu_detach_dev/list_del',
    at: 'detach_list_del',
    doc: 'arm_smmu_disable_ats\'s CMD_SYNC completed (atomic_dec of nr_ats_masters); arm_smmu_detach_dev: spin_lock(devices_lock), list_del(&master->domain_head): the old domain\'s CD syncs and ATC invalidations no longer reach the master',
    source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2153-2154, 2214-2216 (9936a12fcb18, v5.13-rc6)',
    locks: 'group->mutex (held); the old domain\'s devices_lock',
    enabled: attachSynced(c),
    apply: (d, self) => {
      arm_smmu_detach_list_del(d.arm_smmu, self as DeviceId);
      go(d, self, next);
    },
  });
}

/**
 * arm_smmu_detach_dev's abort STE; `next` is where the thread goes after it: the attach's init_mutex,
 * as v5.13 orders it, or (a variant) the list_del. The guard waits for the thread's previous
 * CMD_SYNC; in v5.13's order the list_del before it issued none, so it is always true there.
 */
export function detachSteStep(c: IopfParams, next: AttachPc = 'init_mutex'): AnyStep<State> {
  return step<State>({
    name: 'arm_smmu_detach_dev/install_ste',
    at: 'detach_ste',
    doc: 'arm_smmu_detach_dev: master->domain = NULL, master->ats_enabled = false, arm_smmu_install_ste_for_dev: the STE aborts (disable_bypass); CFGI_STE, CMD_SYNC',
    source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2218-2220 (9936a12fcb18, v5.13-rc6); arm_smmu_install_ste_for_dev :2084-2102',
    locks: 'group->mutex (held)',
    enabled: attachSynced(c),
    apply: (d, self) => {
      arm_smmu_detach_ste(d.arm_smmu, self as DeviceId, attachOwner(c, self));
      go(d, self, next);
    },
  });
}

/**
 * arm_smmu_attach_dev's init_mutex section; with `order` checks-first the detach follows it (when the
 * master is attached), else the new STE.
 */
export function attachInitStep(c: IopfParams, order: AttachOrder = 'detach-first'): AnyStep<State> {
  return step<State>({
    name: 'arm_smmu_attach_dev/arm_smmu_domain_finalise',
    at: 'init_mutex',
    doc: 'the STE\'s CMD_SYNC completed; arm_smmu_attach_dev: mutex_lock(&smmu_domain->init_mutex); on the first attach (smmu_domain->smmu NULL) smmu_domain->smmu = the master\'s SMMU and arm_smmu_domain_finalise → arm_smmu_domain_finalise_s1 under arm_smmu_asid_lock: xa_alloc of the lowest free private ASID, the CD table, CD 0 written; a full asid_xa fails the attach (smmu_domain->smmu = NULL, out_unlock); a domain finalised for another SMMU fails it with -ENXIO ("cannot attach to SMMU %s (upstream of %s)"); either failure leaves the master detached and group->domain as it was',
    source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2250-2265 (9936a12fcb18, v5.13-rc6) (the finalise :2252-2258, -ENXIO :2259-2265); arm_smmu_domain_finalise :1988-2060 (finalise_stage_fn at :2052); arm_smmu_domain_finalise_s1 :1905-1960 (asid_lock :1918-1950, xa_alloc :1919-1920, arm_smmu_write_ctx_desc :1946)',
    locks: 'group->mutex (held); smmu_domain->init_mutex, taken here; arm_smmu_asid_lock around the finalise',
    enabled: (s, self) => attachSynced(c)(s, self) && attachOf(s).init_mutex[target(c, s, self)] === null,
    apply: (d, self) => {
      const t = target(c, d as State, self);
      const a = attachOf(d);
      const sid = self as DeviceId;
      a.init_mutex[t] = sid;
      const ret =
        a.state[t] === 'alloc' ? arm_smmu_domain_finalise_s1(d.arm_smmu, t, masterSmmu(d.arm_smmu, sid)) : arm_smmu_attach_dev_smmu_check(d.arm_smmu, sid, t);
      if (ret !== 0) {
        a.init_mutex[t] = null;
        return attachFailed(d, self);
      }
      if (order === 'detach-first') return go(d, self, 'install_ste');
      detachStart(c, d, self, 'detach_list_del', 'install_ste');
    },
  });
}

export function attachSteps(c: IopfParams): AnyStep<State>[] {
  const owner = (self: number): number => attachOwner(c, self);
  const synced = attachSynced(c);
  return [
    attachCheckStep(c),
    detachListDelStep(c),
    detachSteStep(c),
    attachInitStep(c),
    step<State>({
      name: 'arm_smmu_attach_dev/install_ste',
      at: 'install_ste',
      doc: 'arm_smmu_attach_dev: master->domain = smmu_domain, master->ats_enabled = arm_smmu_ats_supported, arm_smmu_install_ste_for_dev: the STE points at the new domain\'s CD table; CFGI_STE, CMD_SYNC',
      source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2275-2280 (9936a12fcb18, v5.13-rc6); arm_smmu_ats_supported :2104-2117; arm_smmu_install_ste_for_dev :2084-2102',
      locks: 'group->mutex, init_mutex (held)',
      // After the init_mutex section nothing is pending; after a detach (checks-first), its abort STE's sync.
      enabled: synced,
      apply: (d, self) => {
        arm_smmu_attach_ste(d.arm_smmu, self as DeviceId, target(c, d as State, self), owner(self));
        go(d, self, 'list_add');
      },
    }),
    step<State>({
      name: 'arm_smmu_attach_dev/list_add',
      at: 'list_add',
      doc: 'the STE\'s CMD_SYNC completed; arm_smmu_attach_dev: spin_lock(devices_lock), list_add(&master->domain_head, &smmu_domain->devices); then arm_smmu_enable_ats: atomic_inc(nr_ats_masters), arm_smmu_atc_inv_domain(domain, 0, 0, 0) (ATC_INV per ATS master of the list, CMD_SYNC); without ATS, mutex_unlock(init_mutex) and the attach returns',
      source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2282-2286, 2288-2290 (9936a12fcb18, v5.13-rc6); arm_smmu_enable_ats :2119-2138 (atc_inv_domain at :2135); arm_smmu_atc_inv_domain :1620-1664',
      locks: 'group->mutex, init_mutex (held); the new domain\'s devices_lock',
      enabled: synced,
      apply: (d, self) => {
        const t = target(c, d as State, self);
        if (arm_smmu_attach_list_add(d.arm_smmu, self as DeviceId, t, owner(self))) return go(d, self, 'enable_ats');
        attachOf(d).init_mutex[t] = null;
        attached(d, self, t);
      },
    }),
    step<State>({
      name: 'arm_smmu_enable_ats/pci_enable_ats',
      at: 'enable_ats',
      doc: 'the ATC invalidation\'s CMD_SYNC completed; arm_smmu_enable_ats: pci_enable_ats; arm_smmu_attach_dev: mutex_unlock(&smmu_domain->init_mutex), and the core drops group->mutex',
      source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2136-2137, 2288-2290 (9936a12fcb18, v5.13-rc6); drivers/pci/ats.c:56-87 (v5.13-rc6) (pci_enable_ats)',
      locks: 'group->mutex, init_mutex, released here',
      enabled: synced,
      apply: (d, self) => {
        const t = target(c, d as State, self);
        arm_smmu_attach_enable_ats(d.arm_smmu, self as DeviceId);
        attachOf(d).init_mutex[t] = null;
        attached(d, self, t);
      },
    }),
    step<State>({
      name: 'arm_smmu_domain_free/free_io_pgtable_ops',
      at: 'domain_free',
      doc: 'every attach thread is done moving: the core frees the attach domain unless a master is still in it (or another thread frees it): iommu_domain_free → arm_smmu_domain_free: free_io_pgtable_ops → arm_smmu_tlb_inv_context: TLBI of the private ASID, CMD_SYNC; a domain never finalised has nothing to invalidate and is freed at once',
      source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1878-1884 (9936a12fcb18, v5.13-rc6) (arm_smmu_domain_free up to free_io_pgtable_ops); arm_smmu_tlb_inv_context :1667-1689 (arm_smmu_tlb_inv_asid :1681, arm_smmu_atc_inv_domain :1688)',
      locks: 'none',
      // The driver frees a domain it has no iommu_unmap in flight on.
      enabled: (s) =>
        attachOf(s).pc.every((pc) => pc === 'domain_free' || pc === 'domain_free_asid' || pc === 'done') && !s.arm_smmu.domains[attachDomain(c)]!.iovas.includes('unmapping'),
      apply: (d, self) => {
        const a = attachOf(d);
        const dom = attachDomain(c);
        const inUse = d.arm_smmu.masters.some((m, sid) => m.domain === dom || a.listed[sid] === dom);
        if (a.state[dom] === 'freed' || a.pc.includes('domain_free_asid') || inUse) return go(d, self, 'done');
        if (a.state[dom] === 'alloc') {
          arm_smmu_domain_free_asid(d.arm_smmu, dom);
          return go(d, self, 'done');
        }
        arm_smmu_domain_free_tlb_inv(d.arm_smmu, dom, owner(self));
        go(d, self, 'domain_free_asid');
      },
    }),
    step<State>({
      name: 'arm_smmu_domain_free/arm_smmu_free_asid',
      at: 'domain_free_asid',
      doc: 'the TLBI\'s CMD_SYNC completed; arm_smmu_domain_free under arm_smmu_asid_lock: arm_smmu_free_cd_tables, arm_smmu_free_asid (xa_erase of the private ASID); kfree(smmu_domain)',
      source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1886-1902 (9936a12fcb18, v5.13-rc6) (asid_lock section :1891-1895, kfree :1902)',
      locks: 'arm_smmu_asid_lock',
      enabled: synced,
      apply: (d, self) => {
        arm_smmu_domain_free_asid(d.arm_smmu, attachDomain(c));
        go(d, self, 'done');
      },
    }),
  ];
}

export function attachProcess(c: IopfParams): Process<State> {
  return { name: 'attach', instances: c.devices, pc: (s, self) => attachOf(s).pc[self]!, steps: attachSteps(c) };
}
