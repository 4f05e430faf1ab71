// The SMMUv3 slice for SVA, following the v6 series design (seed 001, patches 9-18) as merged in
// v5.11 drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3{,-sva}.c (kernel-notes 1c): CD tables, the
// SMMU's cached CDs, asid_xa with private and shared CDs, arm_smmu_mmu_notifier, bonds, the TLB,
// each master's ATC and the command queue.
// Leaves out, and why: STEs (SVA never rewrites them), two-level CD tables (the L1 write is one
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
  /** Static: the domain the master is attached to, and its PASID limit ((1 << ssid_bits) - 1). */
  domain: DomainId;
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
  | { op: 'TLBI_NH_ASID'; asid: Asid }
  | { op: 'TLBI_NH_VA'; asid: Asid; page: number }
  /** CMDQ_OP_TLBI_EL2_ASID / _VA (0x21, 0x22): the EL2-E2H regime's entries (ARM_SMMU_FEAT_E2H only). */
  | { op: 'TLBI_EL2_ASID'; asid: Asid }
  | { op: 'TLBI_EL2_VA'; asid: Asid; page: number }
  /** page -1: ATC_INV_SIZE_ALL for the SSID (arm_smmu_atc_inv_domain with size 0). */
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
}

/** SMMU k's TLB and command queue (`smmuDevice(s, 0)` is the slice itself). */
export function smmuDevice(s: SmmuState, k: SmmuId): SmmuDevice {
  return k === 0 ? s : s.smmus![k - 1]!;
}

/** The SMMUs of the slice, as their TLB and command queue, in SmmuId order. */
export function smmuDevices(s: SmmuState): SmmuDevice[] {
  return s.smmus ? [s, ...s.smmus] : [s];
}

/**
 * smmu_domain->smmu: the model has one domain per SMMU, domain k on SMMU k (model/sva/config.ts). A
 * domain never spans SMMUs: arm_smmu_attach_dev refuses a master of another SMMU ("cannot attach to
 * SMMU %s (upstream of %s)", -ENXIO; arm-smmu-v3.c at 9936a12fcb18, lines not counted). The
 * model's masters never move between domains.
 */
export const domainSmmu = (domain: DomainId): SmmuId => (domain as number) as SmmuId;

/** master->smmu: the SMMU of the master's domain. */
export const masterSmmu = (s: SmmuState, sid: DeviceId): SmmuId => domainSmmu(s.masters[sid]!.domain);
