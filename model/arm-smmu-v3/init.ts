// Initial value and canonical codec of the SMMUv3 slice (state.ts). Static fields (features, a
// master's domain and limits) are encoded as constants: they never change, so they cost nothing.
import { array, bool, constant, extendRecord, int, labelSet, list, literal, nullable, record, sharedConstant, tagged, tuple, type Codec } from '../../explorer/codec.ts';
import {
  ATTACH_PCS,
  DOMAIN_STATES,
  IOVA_STATES,
  type AttachState,
  PRIVATE_TLB_ENTRY,
  SMMU_EVENTS,
  SMMU_WARNINGS,
  type TlbEntry,
  type AsidEntry,
  type Bond,
  type Cd,
  type Cmd,
  type Features,
  type Master,
  type SmmuDevice,
  type SmmuMn,
  type SmmuState,
  type SmmuWarning,
  type Ttb,
} from './state.ts';
import type { Asid, DeviceId, DomainId, MmId, NotifierId, SmmuId } from '../ids.ts';

export interface SmmuConfig {
  readonly features: Features;
  /** SMMUs, each with its TLB and command queue (absent: 1); every one has `features`. */
  readonly nr_smmus?: number;
  readonly masters: readonly { domain: number; ssid_max: number; ats_capable: boolean; iopf_capable: boolean }[];
  /**
   * One private ASID per domain (may collide with an mm's CPU ASID: that is what seizing is for);
   * 0: allocated, not finalised (no master attached yet, param `attach`).
   */
  readonly domains: readonly { asid: number }[];
  /** Param `attach`: masters move between domains (model/arm-smmu-v3/attach.ts). */
  readonly attach?: boolean;
  readonly nr_mms: number;
  readonly nr_pages: number;
  /** IOVA pages of each domain's private io-pgtable (0: its DMA depends only on its CD). */
  readonly nr_iovas: number;
  /** SSIDs 0..nr_ssids-1 (SSID 0 = the private CD; PASIDs start at 1). */
  readonly nr_ssids: number;
  /** ASIDs 0..max_asid (1 << asid_bits - 1). */
  readonly max_asid: number;
  readonly nr_notifiers: number;
  readonly cmdq_size: number;
  /** Largest CMD_SYNC owner (process number) and refcount the model holds. */
  readonly max_owner: number;
  readonly max_refs: number;
  /** The warning kinds: SMMU_WARNINGS and any a variant adds (explorer/vocabulary.ts). */
  readonly warnings?: readonly SmmuWarning[];
}

const NO_EL2 = {};

export const EMPTY_CD: Cd = { v: false, epd0: false, s: false, r: false, asid: 0, ttb: null };

/**
 * A DMA domain's private CD as arm_smmu_domain_finalise_s1 writes it at SSID 0 (arm-smmu-v3.c:1905-1960
 * at 9936a12fcb18): R always, S with STALL_FORCE, its private ASID and io-pgtable.
 */
export const privateCd = (features: Features, asid: Asid): Cd => ({ ...EMPTY_CD, v: true, r: true, s: features.stall_force, asid, ttb: { type: 'private' } });

/** A TLB row holds a page of an mm, or an IOVA page of a private io-pgtable. */
const tlbWidth = (cfg: SmmuConfig): number => Math.max(cfg.nr_pages, cfg.nr_iovas);

const tlb_init = (cfg: SmmuConfig): (TlbEntry | null)[][] =>
  Array.from({ length: cfg.max_asid + 1 }, () => Array.from({ length: tlbWidth(cfg) }, () => null));

export function smmu_init(cfg: SmmuConfig): SmmuState {
  const nr_smmus = cfg.nr_smmus ?? 1;
  const asid_xa: (AsidEntry | null)[] = Array.from({ length: cfg.max_asid + 1 }, () => null);
  cfg.domains.forEach((dom, i) => {
    if (dom.asid > 0) asid_xa[dom.asid] = { type: 'private', domain: i as DomainId };
  });
  return {
    features: { ...cfg.features },
    masters: cfg.masters.map((m) => ({
      ...m,
      domain: m.domain as DomainId,
      sva_enabled: false,
      // With `attach`, the attach at probe enabled ATS (arm_smmu_enable_ats, arm-smmu-v3.c:2286);
      // without, the driver's arm_smmu_enable_ats step stands for it.
      ats_enabled: cfg.attach === true && cfg.features.ats && m.ats_capable,
      bonds: Array.from({ length: cfg.nr_mms }, () => null),
    })),
    domains: cfg.domains.map((dom) => ({
      asid: dom.asid as Asid,
      iovas: Array.from({ length: cfg.nr_iovas }, () => 'free' as const),
      // arm_smmu_domain_finalise_s1: the private CD at SSID 0 is live from attach, written by
      // arm_smmu_write_ctx_desc like any CD (R always, S with STALL_FORCE).
      cdtab: Array.from({ length: cfg.nr_ssids }, (_, ssid) => (ssid === 0 && dom.asid > 0 ? privateCd(cfg.features, dom.asid as Asid) : { ...EMPTY_CD })),
    })),
    cdcache: cfg.masters.map(() => Array.from({ length: cfg.nr_ssids }, () => null)),
    asid_xa,
    mmu_notifiers: Array.from({ length: cfg.nr_notifiers }, () => null),
    tlb: tlb_init(cfg),
    atc: cfg.masters.map(() =>
      Array.from({ length: cfg.nr_ssids }, () => Array.from({ length: cfg.nr_pages }, () => null)),
    ),
    cmdq: [],
    events: [],
    warnings: [],
    ...(nr_smmus > 1 ? { smmus: Array.from({ length: nr_smmus - 1 }, (): SmmuDevice => ({ tlb: tlb_init(cfg), cmdq: [] })) } : {}),
    ...(cfg.attach ? { attach: attach_init(cfg, nr_smmus) } : {}),
  };
}

function attach_init(cfg: SmmuConfig, nr_smmus: number): AttachState {
  return {
    state: cfg.domains.map((dom) => (dom.asid > 0 ? 'finalised' : 'alloc')),
    listed: cfg.masters.map((m) => m.domain as DomainId),
    init_mutex: cfg.domains.map(() => null),
    ste_cached: cfg.masters.map(() => null),
    pc: cfg.masters.map(() => 'attach'),
    moves: cfg.masters.map(() => 0),
    // The probe's attach to each master's own domain returned 0.
    group_domain: cfg.masters.map((m) => m.domain as DomainId),
    // The SMMUs' own domains were finalised by those attaches, each for its SMMU (domain k, SMMU k).
    ...(nr_smmus > 1 ? { smmu: cfg.domains.map((dom, i) => (dom.asid > 0 ? (i as SmmuId) : null)) } : {}),
  };
}

/** The moves an attach thread makes: to the attach domain and back. */
export const ATTACH_MOVES = 2;

export function smmuCodec(cfg: SmmuConfig): Codec<SmmuState> {
  const nm = cfg.masters.length;
  const mmId = int(0, cfg.nr_mms - 1) as unknown as Codec<MmId>;
  const asid = int(0, cfg.max_asid) as unknown as Codec<Asid>;
  const dev = int(0, nm - 1) as unknown as Codec<DeviceId>;
  const domId = int(0, cfg.domains.length - 1) as unknown as Codec<DomainId>;
  const nid = int(0, cfg.nr_notifiers - 1) as unknown as Codec<NotifierId>;
  const ssid = int(0, cfg.nr_ssids - 1);
  // An ATC_INV for mm->pasid = INVALID_IOASID (kernels that reset it to -1): the command's 20-bit
  // SSID field then names an SSID outside every modelled table.
  const cmdSsid = int(-1, cfg.nr_ssids - 1);
  const page = int(0, cfg.nr_pages - 1);
  const refs = int(0, cfg.max_refs);
  const ttb = tagged<'type', Ttb>('type', {
    mm: record({ type: constant<'mm'>('mm'), mm: mmId }),
    private: record({ type: constant<'private'>('private') }),
  });
  const cd = record<Cd>({ v: bool, epd0: bool, s: bool, r: bool, asid, ttb: nullable(ttb) });
  const master = (i: number): Codec<Master> => {
    const m = cfg.masters[i]!;
    return record<Master>({
      domain: cfg.attach ? nullable(domId) : constant(m.domain as DomainId),
      ssid_max: constant(m.ssid_max),
      ats_capable: constant(m.ats_capable),
      iopf_capable: constant(m.iopf_capable),
      sva_enabled: bool,
      ats_enabled: bool,
      bonds: array(cfg.nr_mms, nullable(record<Bond>({ refs, smmu_mn: nid }))),
    });
  };
  // Built once: a record codec compiles code, so building one per state would dominate the search.
  const perMaster = cfg.masters.map((_, i) => master(i));
  const masters: Codec<Master[]> = tuple(perMaster);
  type CmdCodecs = Parameters<typeof tagged<'op', Cmd>>[1];
  const cmdCodecs: Omit<CmdCodecs, 'TLBI_EL2_ASID' | 'TLBI_EL2_VA' | 'CFGI_STE'> = {
    CFGI_CD: record({ op: constant<'CFGI_CD'>('CFGI_CD'), sid: dev, ssid }),
    TLBI_NH_ASID: record({ op: constant<'TLBI_NH_ASID'>('TLBI_NH_ASID'), asid }),
    TLBI_NH_VA: record({ op: constant<'TLBI_NH_VA'>('TLBI_NH_VA'), asid, page }),
    ATC_INV: record({ op: constant<'ATC_INV'>('ATC_INV'), sid: dev, ssid: cmdSsid, page: int(-1, cfg.nr_pages - 1) }),
    CMD_SYNC: record({ op: constant<'CMD_SYNC'>('CMD_SYNC'), owner: int(0, cfg.max_owner) }),
  };
  // Only an E2H SMMU's driver issues EL2 TLBIs: without the feature the union has no tag for them,
  // so the layout of the configs without `vhe` is what it was before.
  const el2: Pick<CmdCodecs, 'TLBI_EL2_ASID' | 'TLBI_EL2_VA'> = {
    TLBI_EL2_ASID: record({ op: constant<'TLBI_EL2_ASID'>('TLBI_EL2_ASID'), asid }),
    TLBI_EL2_VA: record({ op: constant<'TLBI_EL2_VA'>('TLBI_EL2_VA'), asid, page }),
  };
  const tlb = array(cfg.max_asid + 1, array(tlbWidth(cfg), nullable(int(PRIVATE_TLB_ENTRY, cfg.nr_mms - 1) as unknown as Codec<TlbEntry>)));
  // Only `attach` rewrites STEs: without it the union has no tag for CFGI_STE (layouts unchanged).
  const ste: Pick<CmdCodecs, 'CFGI_STE'> = { CFGI_STE: record({ op: constant<'CFGI_STE'>('CFGI_STE'), sid: dev }) };
  const cmdq = list(
    cfg.cmdq_size,
    tagged<'op', Cmd>('op', { ...cmdCodecs, ...(cfg.features.e2h ? el2 : (NO_EL2 as typeof el2)), ...(cfg.attach ? ste : (NO_EL2 as typeof ste)) }),
  );
  const base = record<SmmuState>({
    // No function writes the features: every state shares one copy.
    features: sharedConstant({ ...cfg.features }),
    masters,
    domains: array(cfg.domains.length, record({ asid, iovas: array(cfg.nr_iovas, literal(IOVA_STATES)), cdtab: array(cfg.nr_ssids, cd) })),
    cdcache: array(nm, array(cfg.nr_ssids, nullable(cd))),
    asid_xa: array(
      cfg.max_asid + 1,
      nullable(
        tagged<'type', AsidEntry>('type', {
          private: record({ type: constant<'private'>('private'), domain: domId }),
          shared: record({ type: constant<'shared'>('shared'), mm: mmId, refs, mmgrab: bool, pinned: bool }),
        }),
      ),
    ),
    mmu_notifiers: array(
      cfg.nr_notifiers,
      nullable(record<SmmuMn>({ domain: domId, mm: mmId, refs, cleared: bool, cd: asid, freeing: bool })),
    ),
    tlb,
    atc: array(nm, array(cfg.nr_ssids, array(cfg.nr_pages, nullable(mmId)))),
    cmdq,
    events: labelSet(SMMU_EVENTS),
    warnings: labelSet(cfg.warnings ?? SMMU_WARNINGS),
  });
  // The other SMMUs' TLBs and queues come after every field of the first: one SMMU keeps its layout.
  const nr_smmus = cfg.nr_smmus ?? 1;
  const withSmmus = nr_smmus > 1 ? extendRecord(base, { smmus: array(nr_smmus - 1, record<SmmuDevice>({ tlb, cmdq })) }) : base;
  if (!cfg.attach) return withSmmus;
  const nd = cfg.domains.length;
  return extendRecord(withSmmus, {
    attach: record<AttachState>({
      state: array(nd, literal(DOMAIN_STATES)),
      listed: array(nm, nullable(domId)),
      init_mutex: array(nd, nullable(dev)),
      ste_cached: array(nm, nullable(domId)),
      pc: array(nm, literal(ATTACH_PCS)),
      moves: array(nm, int(0, ATTACH_MOVES)),
      group_domain: array(nm, domId),
      ...(nr_smmus > 1 ? { smmu: array(nd, nullable(int(0, nr_smmus - 1) as unknown as Codec<SmmuId>)) } : {}),
    }),
  });
}
