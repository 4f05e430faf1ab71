// The SMMUv3 slice for SVA, following the v6 series design (seed 001, patches 9-18) as merged in
// v5.11 drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3{,-sva}.c (kernel-notes 1c): CD tables, the
// SMMU's cached CDs, asid_xa with private and shared CDs, arm_smmu_mmu_notifier, bonds, the TLB,
// each master's ATC and the command queue.
// Leaves out, and why: STE words (SVA never rewrites STEs; with param `attach` an STE is the domain
// its master points at, model/arm-smmu-v3/attach.ts), two-level CD tables (the L1 write is one
// more sync of the same kind), the queues' contents
// (events are a set of kinds; the PRI queue is model/arm-smmu-v3/priq.ts), TCR/MAIR values
// (constant per mm), KPTI's ASID halving, and ATS for the private domain.
import type { Asid, DeviceId, DomainId, MmId, NotifierId, SmmuId } from '../ids.ts';

/** CD dword1 (TTB0): the page table the CD points at; `private` = the domain's io-pgtable. */
export type Ttb = { type: 'mm'; mm: MmId } | { type: 'private' };

/** A context descriptor: the dword0 fields SVA touches, and dword1. */
export interface Cd {
  v: boolean;
  /** TCR.EPD0: no walks of TTB0; a TLB miss is a translation fault. */
  epd0: boolean;
  /** Stall (S) and record (R) faults. */
  s: boolean;
  r: boolean;
  asid: Asid | 0;
  ttb: Ttb | null;
}

/** struct arm_smmu_ctx_desc as asid_xa holds it: a domain's private CD, or a shared (mm) CD. */
/**
 * A shared CD may hold an mm_count of its own (`mmgrab`): cbd23144f766 takes one in
 * arm_smmu_alloc_shared_cd and drops it after the unpin in arm_smmu_free_shared_cd. `pinned`: the
 * CD holds a pin of its mm's CPU ASID (arm64_mm_context_get), dropped in arm_smmu_free_shared_cd;
 * always, except where a variant shares the ASID without pinning it.
 */
export type AsidEntry = { type: 'private'; domain: DomainId } | { type: 'shared'; mm: MmId; refs: number; mmgrab: boolean; pinned: boolean };

/** struct arm_smmu_mmu_notifier, one per (domain, mm); `freeing`: put, free_notifier not run yet. */
export interface SmmuMn {
  domain: DomainId;
  mm: MmId;
  refs: number;
  cleared: boolean;
  /** smmu_mn->cd: the key of its shared CD in asid_xa. */
  cd: Asid;
  freeing: boolean;
}

/** struct arm_smmu_bond, one per (master, mm): the handle bind returns. */
export interface Bond {
  refs: number;
  smmu_mn: NotifierId;
}

export interface Master {
  /**
   * master->domain: the domain the master is attached to (static without param `attach`); null
   * between arm_smmu_detach_dev and the attach's install (model/arm-smmu-v3/attach.ts). With
   * `attach` it is also what the master's STE points at: both are written in one step.
   * ssid_max: its PASID limit ((1 << ssid_bits) - 1).
   */
  domain: DomainId | null;
  ssid_max: number;
  /** Static capabilities: ATS in the PCI function, stall (platform) or PRI for I/O page faults. */
  ats_capable: boolean;
  iopf_capable: boolean;
  sva_enabled: boolean;
  ats_enabled: boolean;
  /** Indexed by MmId. */
  bonds: (Bond | null)[];
}

/**
 * An IOVA page of a DMA domain, as the DMA API sees it: `free` (never mapped, or iommu_unmap has
 * returned: the driver may reuse the memory), `mapped` (the io-pgtable PTE is present), `unmapping`
 * (the PTE is cleared and the unmap waits for its TLB invalidation's CMD_SYNC).
 */
export type IovaState = 'free' | 'mapped' | 'unmapping';
export const IOVA_STATES = ['free', 'mapped', 'unmapping'] as const satisfies readonly IovaState[];

/** A TLB entry: the mm whose table the walk read, or the domain's private io-pgtable (an IOVA). */
export const PRIVATE_TLB_ENTRY = -1;
export type TlbEntry = MmId | typeof PRIVATE_TLB_ENTRY;

export interface Domain {
  /** s1_cfg.cd.asid: the private CD's ASID, rewritten when SVA seizes it. */
  asid: Asid;
  /** The private io-pgtable's IOVA pages (the `iovas` bound; none without it). */
  iovas: IovaState[];
  /** The CD table, indexed by SSID; SSID 0 is the private CD. */
  cdtab: Cd[];
}

export type Cmd =
  | { op: 'CFGI_CD'; sid: DeviceId; ssid: number }
  /** CMDQ_OP_CFGI_STE (param `attach` only): the master's cached configuration, STE and CDs, goes. */
  | { op: 'CFGI_STE'; sid: DeviceId }
  | { op: 'TLBI_NH_ASID'; asid: Asid }
  | { op: 'TLBI_NH_VA'; asid: Asid; page: number }
  /** CMDQ_OP_TLBI_EL2_ASID / _VA (0x21, 0x22): the EL2-E2H regime's entries (ARM_SMMU_FEAT_E2H only). */
  | { op: 'TLBI_EL2_ASID'; asid: Asid }
  | { op: 'TLBI_EL2_VA'; asid: Asid; page: number }
  /**
   * page -1: ATC_INV_SIZE_ALL (arm_smmu_atc_inv_domain with size 0). SSID 0 is SSV clear, which the
   * endpoint applies to the entries of every PASID (arm_smmu_perform).
   */
  | { op: 'ATC_INV'; sid: DeviceId; ssid: number; page: number }
  /** owner: the thread that waits for it (the composition's process number). */
  | { op: 'CMD_SYNC'; owner: number };

/** SMMU IDR features, static config flags. */
export interface Features {
  coherency: boolean;
  btm: boolean;
  ats: boolean;
  stall_force: boolean;
  /** ARM_SMMU_FEAT_E2H: IDR0.HYP and a VHE kernel (param `vhe`); absent: false. */
  e2h?: boolean;
}

/**
 * The translation regime of a stream, STE.STRW: NSEL1 (the EL1&0 regime, TLBI_NH_* and an EL1
 * kernel's broadcast TLBIs) or EL2 with E2H (the EL2&0 regime, TLBI_EL2_* and a VHE kernel's
 * broadcast TLBIs). The SMMU tags each TLB entry with the regime of the stream that filled it, and an
 * invalidation removes only entries of its own regime (SMMUv3 architecture, "TLB tagging"; seed 001
 * "Add support for VHE": "TLB entries on both sides need to have identical exception level in order
 * to be cleared with a single invalidation").
 */
export type Regime = 'nsel1' | 'el2';

/**
 * The STRW of every S1 STE: "u64 strw = smmu->features & ARM_SMMU_FEAT_E2H ? STRTAB_STE_1_STRW_EL2 :
 * STRTAB_STE_1_STRW_NSEL1;" (arm_smmu_write_strtab_ent, arm-smmu-v3.c:1267-1268, 1276 at 9936a12fcb18).
 */
export const arm_smmu_strw = (f: Features): Regime => (f.e2h ? 'el2' : 'nsel1');

/** A TLBI command's regime: TLBI_NH_* the EL1&0 one, TLBI_EL2_* the EL2&0 one. */
export const tlbiRegime = (op: 'TLBI_NH_ASID' | 'TLBI_NH_VA' | 'TLBI_EL2_ASID' | 'TLBI_EL2_VA'): Regime =>
  op === 'TLBI_NH_ASID' || op === 'TLBI_NH_VA' ? 'nsel1' : 'el2';

/**
 * Which allocation of a bind fails, when the config lets allocations fail: kzalloc of the bond, of
 * the shared CD or of the notifier, or arm64_mm_context_get at max_pinned_asids (`pin`); 'none':
 * all succeed. ioasid_alloc and xa_insert fail on their own when their space is full.
 */
export const BIND_ALLOC_FAILURES = ['none', 'bond', 'pin', 'cd', 'smmu_mn'] as const;
export type BindAllocFailure = (typeof BIND_ALLOC_FAILURES)[number];

export const SMMU_WARNINGS = [
  'bond-refs-underflow',
  'cd-refs-underflow',
  'free_asid-mismatch',
  'mn-refs-underflow',
  'share_asid-foreign-mm',
  'write_ctx_desc-ssid-range',
] as const;
export type SmmuWarning = (typeof SMMU_WARNINGS)[number];

/** Events the SMMU would write to its event queue that the invariants watch. */
export const SMMU_EVENTS = ['C_BAD_CD'] as const;
export type SmmuEvent = (typeof SMMU_EVENTS)[number];

/**
 * What each SMMU (struct arm_smmu_device) has of its own in this slice: its TLB and its command
 * queue, with the thread that consumes it. Everything else here is either per master or per
 * domain (stream table, CD tables, ATCs: a master and its domain are behind one SMMU) or global
 * across SMMUs in v5.13: arm_smmu_asid_xa (`DEFINE_XARRAY_ALLOC1(arm_smmu_asid_xa)`,
 * arm-smmu-v3.c:76 at 9936a12fcb18), and with it the shared CD of an mm ("All devices bound to this
 * mm use the same cd struct", arm_smmu_share_asid, arm-smmu-v3-sva.c:59-60
 * at 9936a12fcb18) with its one pin of the CPU ASID.
 */
export interface SmmuDevice {
  /** TLB [asid][page] → the mm whose table the walk read, or the private io-pgtable (page = IOVA). */
  tlb: (TlbEntry | null)[][];
  cmdq: Cmd[];
}

export interface SmmuState {
  features: Features;
  masters: Master[];
  domains: Domain[];
  /** The SMMU's configuration cache, [master][ssid]; null = not cached (next use reads memory). */
  cdcache: (Cd | null)[][];
  /** arm_smmu_asid_xa, indexed by ASID (0 unused: xa_alloc limit starts at 1). */
  asid_xa: (AsidEntry | null)[];
  mmu_notifiers: (SmmuMn | null)[];
  /** TLB [asid][page] → the mm whose table the walk read, or the private io-pgtable (page = IOVA). */
  tlb: (TlbEntry | null)[][];
  /** ATC [master][ssid][page] → the mm whose translation the ATS answer carried. */
  atc: (MmId | null)[][][];
  cmdq: Cmd[];
  events: SmmuEvent[];
  warnings: SmmuWarning[];
  /**
   * SMMUs 1.. (param `smmus`); `tlb` and `cmdq` above are SMMU 0's. Absent with one SMMU, so the
   * states and saved traces of the configs without `smmus` are as they were.
   */
  smmus?: SmmuDevice[];
  /**
   * Param `attach` only (model/arm-smmu-v3/attach.ts): the domains' device lists and init_mutex, and
   * the IOMMU core's thread per master. Encoded after every other field, so the configs without it
   * keep their layout.
   */
  attach?: AttachState;
}

/**
 * An smmu_domain's life: `alloc` (arm_smmu_domain_alloc returned it, smmu_domain->smmu is NULL),
 * `finalised` (arm_smmu_domain_finalise ran at its first attach: private ASID and CD table), `freed`
 * (arm_smmu_domain_free: ASID erased, CD table and the structure freed).
 */
export const DOMAIN_STATES = ['alloc', 'finalised', 'freed'] as const;
export type DomainState = (typeof DOMAIN_STATES)[number];

/** Where the IOMMU core's attach thread of a master is (model/sva/attach.ts). */
export const ATTACH_PCS = [
  'attach',
  'detach_list_del',
  'detach_ste',
  'init_mutex',
  'install_ste',
  'list_add',
  'enable_ats',
  'domain_free',
  'domain_free_asid',
  'done',
] as const;
export type AttachPc = (typeof ATTACH_PCS)[number];

export interface AttachState {
  /** Per domain: its life (domain 0 is finalised from the start: the master's attach at probe). */
  state: DomainState[];
  /** Per master: the domain whose smmu_domain->devices list holds master->domain_head, or null. */
  listed: (DomainId | null)[];
  /** Per domain: the master whose attach holds smmu_domain->init_mutex, or null. */
  init_mutex: (DeviceId | null)[];
  /**
   * Per master: the domain whose CD table the STE the SMMU has cached points at, null when none is
   * cached (the next transaction reads the STE in memory: master->domain). Cached with the first CD
   * it fetches through it; CFGI_STE drops it with the CDs.
   */
  ste_cached: (DomainId | null)[];
  /** Per master: its attach thread's pc, and the moves it has made (model/sva/attach.ts). */
  pc: AttachPc[];
  moves: number[];
  /**
   * Per master: group->domain, the domain the IOMMU core records for the master's group (one master
   * a group): __iommu_attach_group sets it when the driver's attach returns 0, and only then (iommu.c
   * v5.13, lines not counted). iommu_get_domain_for_dev returns it.
   */
  group_domain: DomainId[];
  /**
   * Per domain: smmu_domain->smmu, null until its first attach finalises it (arm_smmu_attach_dev's
   * init_mutex section, arm-smmu-v3.c:2250-2258 at 9936a12fcb18). Only with several SMMUs: with one
   * it is SMMU 0.
   */
  smmu?: (SmmuId | null)[];
}

/** Has the domain a private CD: finalised and not freed (always, without param `attach`)? */
export const domainFinalised = (s: SmmuState, domain: number): boolean => s.attach === undefined || s.attach.state[domain] === 'finalised';

/** The domain whose CD table a master's transactions use: its cached STE's, else its STE's; null: the STE aborts. */
export function steDomain(s: SmmuState, sid: DeviceId): DomainId | null {
  return s.attach?.ste_cached[sid] ?? s.masters[sid]!.domain;
}

/** SMMU k's TLB and command queue (`smmuDevice(s, 0)` is the slice itself). */
export function smmuDevice(s: SmmuState, k: SmmuId): SmmuDevice {
  return k === 0 ? s : s.smmus![k - 1]!;
}

/** The SMMUs of the slice, as their TLB and command queue, in SmmuId order. */
export function smmuDevices(s: SmmuState): SmmuDevice[] {
  return s.smmus ? [s, ...s.smmus] : [s];
}

/** The number of SMMUs of the slice. */
export const nrSmmusOf = (s: Pick<SmmuState, 'smmus'>): number => 1 + (s.smmus?.length ?? 0);

/**
 * smmu_domain->smmu: domain k < the number of SMMUs is SMMU k's own (model/sva/config.ts); the
 * attach domain after them (param `attach`) is the SMMU its first attach finalised it for, recorded
 * when there are several (with one, SMMU 0). A domain never spans SMMUs: arm_smmu_attach_dev refuses
 * a master of another SMMU ("cannot attach to SMMU %s (upstream of %s)", -ENXIO; arm-smmu-v3.c:
 * 2259-2265 at 9936a12fcb18).
 */
export function domainSmmu(s: Pick<SmmuState, 'attach' | 'smmus'>, domain: DomainId): SmmuId {
  if (domain < nrSmmusOf(s)) return domain as number as SmmuId;
  const smmu = s.attach?.smmu === undefined ? 0 : s.attach.smmu[domain];
  if (smmu === null || smmu === undefined) throw new Error(`domain ${domain} has no SMMU yet: smmu_domain->smmu is set at its first attach`);
  return smmu as SmmuId;
}

/**
 * master->smmu: the SMMU the master's stream is behind, set once by arm_smmu_probe_device (at
 * 9936a12fcb18): device d is behind SMMU d % smmus, whatever domain it is attached to, and detached
 * too.
 */
export const masterSmmu = (s: Pick<SmmuState, 'smmus'>, sid: DeviceId): SmmuId => (sid % nrSmmusOf(s)) as SmmuId;

/**
 * iommu_get_domain_for_dev: the group's domain, which arm_smmu_sva_bind and __arm_smmu_sva_bind
 * (arm-smmu-v3-sva.c at 9936a12fcb18) take as the master's. With `attach` that is the core's
 * group->domain, which a failed attach leaves as it was while it may leave the master detached.
 */
export function attachedDomain(s: SmmuState, sid: DeviceId): DomainId {
  if (s.attach) return s.attach.group_domain[sid]!;
  const dom = s.masters[sid]!.domain;
  if (dom === null) throw new Error(`master ${sid} is detached without param attach`);
  return dom;
}

/** The masters on smmu_domain->devices (list_add / list_del under devices_lock): with `attach`, its lists; else every master of the domain. */
export function domainDevices(s: SmmuState, domain: DomainId): DeviceId[] {
  const out: DeviceId[] = [];
  for (let sid = 0; sid < s.masters.length; sid++) {
    const on = s.attach ? s.attach.listed[sid] === domain : s.masters[sid]!.domain === domain;
    if (on) out.push(sid as DeviceId);
  }
  return out;
}
