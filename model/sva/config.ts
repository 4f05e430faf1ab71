// How the bounds (params.ts) size the SVA slices of the system state, and who owns what: the mms,
// their pages and ASIDs, the SMMU's masters and domain, the owner numbers threads put in their
// CMD_SYNCs and in sva_lock. One place, so layout.ts (codec, initial state) and the steps agree.
// Each SMMU has one domain (one smmu_domain), domain k on SMMU k, and device d is a master of SMMU
// d % smmus in its domain: with one SMMU all masters sit in one domain, and the notifier and CD
// sharing of seed 001 happens between masters of a domain; with two, devices 0 and 1 are in
// different domains (arm_smmu_attach_dev refuses a master of another SMMU), each domain gets its own
// notifier for an mm, and they share the mm's one shared CD (asid_xa is global). With `attach` one
// more domain follows them, whose SMMU is the first master's to attach to it. The domains' private
// ASIDs and the mms' CPU ASIDs come from two allocators over the same ASID space, so they collide
// (the seize of arm_smmu_share_asid).
import { vocabulary } from '../../explorer/vocabulary.ts';
import { IOASID_WARNINGS, type IoasidConfig } from '../ioasid/ioasid.ts';
import { MM_WARNINGS, type MmConfig, type Perm } from '../mm/mm.ts';
import type { SmmuConfig } from '../arm-smmu-v3/init.ts';
import { maxContextId, numUserAsids, type CpuAsidConfig } from '../mm/context.ts';
import { SMMU_WARNINGS } from '../arm-smmu-v3/state.ts';
import type { IopfParams } from '../params.ts';
import type { DomainId, MmId } from '../ids.ts';

/** Number of mms: `mms` processes (smmu configs) or one per PASID plus the next process's. */
export const mmCount = (c: IopfParams): number => (c.mms > 0 ? c.mms : c.pasids + (c.nextProcess ? 1 : 0));

/** SMMUs (param `smmus`, absent: 1). */
export const nrSmmus = (c: IopfParams): number => c.smmus ?? 1;

/** The mms a driver may bind: a choice among `mms`, or the fixed rule (device d binds mm d % pasids). */
export function bindableMms(c: IopfParams, dev: number): MmId[] {
  if (c.mms > 0) return Array.from({ length: c.mms }, (_, i) => i as MmId);
  return [(dev % c.pasids) as MmId];
}

/** The mms whose owner runs from the start (the next process's mm starts empty). */
export const startsLive = (c: IopfParams, mm: number): boolean => c.mms > 0 || mm < c.pasids;

/** The next process's mm (when nextProcess is on and mms is 0). */
export const nextMm = (c: IopfParams): MmId => c.pasids as MmId;

export const nrPages = (c: IopfParams): number => c.vmas.length;
export const vmLayout = (c: IopfParams): readonly Perm[] => c.vmas;

/** Owners (sva_lock holder, CMD_SYNC waiter): drivers, then the mms' owners, then their exit_mmap threads. */
export const driverOwner = (dev: number): number => dev;
export const procOwner = (c: IopfParams, mm: number): number => c.devices + mm;
export const exitOwner = (c: IopfParams, mm: number): number => c.devices + mmCount(c) + mm;
/** The DMA-API thread's (model/sva/dma-api.ts), after the exit_mmap threads. */
export const dmaApiOwner = (c: IopfParams): number => c.devices + 2 * mmCount(c);
/** With `httu`, the mms' writeback threads (model/sva/writeback.ts), after the DMA-API thread. */
export const writebackOwner = (c: IopfParams, mm: number): number => dmaApiOwner(c) + 1 + mm;
/** The largest owner without `attach`. */
const maxBaseOwner = (c: IopfParams): number => (c.httu ? writebackOwner(c, mmCount(c) - 1) : dmaApiOwner(c));
/** With `attach`, the masters' attach threads (model/sva/attach.ts), after every other owner. */
export const attachOwner = (c: IopfParams, dev: number): number => maxBaseOwner(c) + 1 + dev;
/** The largest owner. */
export const maxOwner = (c: IopfParams): number => (c.attach ? attachOwner(c, c.devices - 1) : maxBaseOwner(c));

/**
 * With `attach`: the DMA domain the attach threads move their masters to, after each SMMU's own
 * (domain k, on SMMU k). Allocated and not finalised at the start: its smmu_domain->smmu is set by
 * the first attach, and arm_smmu_attach_dev refuses a master of another SMMU (-ENXIO).
 */
export const attachDomain = (c: IopfParams): DomainId => nrSmmus(c) as DomainId;

/** Device d's own DMA domain: its SMMU's (device d is behind SMMU d % smmus, domain k on SMMU k). */
export const ownDomain = (c: IopfParams, dev: number): DomainId => (dev % nrSmmus(c)) as DomainId;

/** Notifier slots: one per (domain, mm) in the baseline, one per bond with register-not-get, plus one being freed. */
export const nrNotifiers = (c: IopfParams): number => (c.smmu ? c.devices * mmCount(c) + 1 : 1);

const maxRefs = (c: IopfParams): number => 2 + c.devices * c.binds + c.workers + nrNotifiers(c);

export function ioasidConfig(c: IopfParams): IoasidConfig {
  return {
    nr_ids: c.pasids + 1,
    max_private: mmCount(c) - 1,
    max_set: 1,
    max_refs: maxRefs(c),
    max_dev: c.devices - 1,
    warnings: vocabulary(c, 'ioasid_warning', IOASID_WARNINGS),
  };
}

export function mmConfig(c: IopfParams): MmConfig {
  return {
    nr_pages: nrPages(c),
    max_pasid: c.pasids,
    max_asid: maxAsid(c),
    max_context_id: maxContextId(cpuAsidConfig(c)),
    max_notifiers: nrNotifiers(c),
    max_refs: maxRefs(c),
    max_dev: c.devices - 1,
    warnings: vocabulary(c, 'mm_warning', MM_WARNINGS),
  };
}

/** ASIDs 0..2^asid_bits-1, for the CPU (NUM_USER_ASIDS) and the SMMU (asid_xa's XA_LIMIT) alike. */
export const maxAsid = (c: IopfParams): number => numUserAsids(c.asidBits) - 1;

export function cpuAsidConfig(c: IopfParams): CpuAsidConfig {
  return { asid_bits: c.asidBits, cpus: Math.max(1, c.cpus), max_generation: c.asidGenerations };
}

/**
 * arm_smmu_device_hw_probe's features from the SMMU's IDR0 (params `btm`, `hyp`) and the CPU (`vhe`):
 * ARM_SMMU_FEAT_E2H with IDR0.HYP and ARM64_HAS_VIRT_HOST_EXTN (arm-smmu-v3.c:3299-3303 at
 * 9936a12fcb18, arm_smmu_device_hw_probe), and seed 001 v6 14/25 ("Enable broadcast TLB
 * maintenance"): "if (reg & IDR0_BTM && (!vhe || reg & IDR0_HYP)) smmu->features |=
 * ARM_SMMU_FEAT_BTM", because an SMMU without HYP under a VHE kernel "will create TLB entries for
 * NH-EL1 world and will miss the broadcasted TLB invalidations that target EL2-E2H world".
 */
export const arm_smmu_feat_btm = (c: IopfParams): boolean => c.btm && (!c.vhe || (c.hyp ?? true));

export function smmuConfig(c: IopfParams): SmmuConfig {
  return {
    features: {
      coherency: c.coherency,
      btm: arm_smmu_feat_btm(c),
      ats: c.ats,
      stall_force: c.stallForce,
      ...(c.vhe && (c.hyp ?? true) ? { e2h: true } : {}),
    },
    nr_smmus: nrSmmus(c),
    masters: Array.from({ length: c.devices }, (_, dev) => ({ domain: ownDomain(c, dev), ssid_max: c.pasids, ats_capable: true, iopf_capable: true })),
    // arm_smmu_domain_finalise_s1 at attach: xa_alloc(&arm_smmu_asid_xa, ..., XA_LIMIT(1, ...)), the
    // lowest free ASID of the one global xarray, so the second SMMU's domain gets 2. With `attach`
    // the attach domain is allocated but not finalised (ASID 0: none) until a master attaches.
    domains: [...Array.from({ length: nrSmmus(c) }, (_, k) => ({ asid: k + 1 })), ...(c.attach ? [{ asid: 0 }] : [])],
    ...(c.attach ? { attach: true } : {}),
    nr_mms: mmCount(c),
    nr_pages: nrPages(c),
    nr_iovas: c.iovas,
    nr_ssids: c.pasids + 1,
    max_asid: maxAsid(c),
    nr_notifiers: nrNotifiers(c),
    // Per thread at most: CD remove (CFGI per master + sync), TLBI + sync, ATC_INV per master + sync.
    cmdq_size: maxOwner(c) * (2 * c.devices + 4),
    max_owner: maxOwner(c),
    max_refs: maxRefs(c),
    warnings: vocabulary(c, 'smmu_warning', SMMU_WARNINGS),
  };
}
