// Translation by the SMMU and its caches: a transaction (untranslated DMA, or a PCIe ATS
// Translation Request) looks up the CD, then the TLB tagged by ASID, and walks the mm's table on a
// miss unless EPD0 is set; an ATS answer fills the master's ATC tagged by PASID (SSID). And the
// invalidations SVA issues (arm-smmu-v3.c v5.11): arm_smmu_tlb_inv_asid, arm_smmu_tlb_inv_range_asid,
// arm_smmu_atc_inv_domain, each ending in a CMD_SYNC; and broadcast TLB maintenance (BTM), where the
// CPU's own TLBI reaches the SMMU TLB for shared CDs (ASET = 0) and completes with the CPU's DSB.
// The private io-pgtable's IOVA pages share the TLB, tagged by the domain's private ASID.
// Each entry is also tagged by the regime of the stream that filled it (STE.STRW, `Regime`): every
// S1 STE gets the same STRW from arm_smmu_write_strtab_ent (arm-smmu-v3.c:1267-1268 at 9936a12fcb18)
// and SVA never rewrites STEs, so that tag is one static value per SMMU (`arm_smmu_strw`), held by no
// state; a TLBI, queued or broadcast, names its regime and removes entries only when it matches.
// With several SMMUs each has its TLB (`SmmuDevice`): a master's transactions fill its own SMMU's,
// a driver invalidation goes to the queue of the domain's SMMU, and a broadcast TLBI reaches every
// SMMU with BTM.
// Leaves out: permissions in TLB/ATC entries (a hit allows the access), range rounding of ATC_INV
// (a page here is the smallest span; over-invalidation only removes more).
import { pte_allows, type Access } from '../mm/pgtable.ts';
import type { MmStruct } from '../mm/mm.ts';
import { arm_smmu_cmdq_issue_cmd, arm_smmu_cmdq_issue_sync } from './cmdq.ts';
import { arm_smmu_fetch_cd, arm_smmu_read_cd, cd_legal } from './cd.ts';
import { PRIVATE_TLB_ENTRY, arm_smmu_strw, domainDevices, domainSmmu, steDomain, masterSmmu, smmuDevice, type Regime, type SmmuEvent, type SmmuState } from './state.ts';
import type { Asid, DeviceId, DomainId, MmId, SmmuId } from '../ids.ts';

/** The slices a translation touches, as fields of the composed system state. */
export interface TranslateView {
  smmu: SmmuState;
  mms: MmStruct[];
}

export type TranslateResult =
  | { result: 'ok'; mm: MmId }
  /** A TLB hit on an entry of another address space (the private io-pgtable's): the DMA used it. */
  | { result: 'foreign' }
  /** Translation fault: stalled if CD.S (then an IOPF is reported), recorded if CD.R. */
  | { result: 'fault'; stall: boolean; record: boolean }
  | { result: 'C_BAD_CD' };

export function smmuEvent(d: SmmuState, e: SmmuEvent): void {
  if (!d.events.includes(e)) {
    d.events.push(e);
    d.events.sort();
  }
}

/** One translation of (sid, ssid, page) by the SMMU, with its CD fetch, TLB lookup and walk. */
export function arm_smmu_translate(d: TranslateView, sid: DeviceId, ssid: number, page: number, access: Access): TranslateResult {
  // An abort STE (a detached master, param `attach`) terminates the transaction without an event.
  if (steDomain(d.smmu, sid) === null) return { result: 'fault', stall: false, record: false };
  const cd = arm_smmu_fetch_cd(d.smmu, sid, ssid);
  if (!cd || !cd_legal(d.smmu.features, cd)) {
    smmuEvent(d.smmu, 'C_BAD_CD'); // event 0x0a, "which are not recoverable" (seed 001)
    return { result: 'C_BAD_CD' };
  }
  const row = smmuDevice(d.smmu, masterSmmu(d.smmu, sid)).tlb[cd.asid];
  const hit = row?.[page];
  if (hit === PRIVATE_TLB_ENTRY) return { result: 'foreign' };
  if (hit !== undefined && hit !== null) return { result: 'ok', mm: hit };
  const fault = { result: 'fault', stall: cd.s, record: cd.r } as const;
  if (cd.epd0 || cd.ttb?.type !== 'mm') return fault;
  const mm = cd.ttb.mm;
  if (!pte_allows(d.mms[mm]!, page, access)) return fault;
  if (row) row[page] = mm;
  return { result: 'ok', mm };
}

/**
 * DMA without a PASID: the DMA domain's transaction through its private CD at SSID 0. Its io-pgtable
 * maps what the driver mapped (dma_map_*), so the CD alone decides the outcome: a TLB entry may be
 * evicted at any time, so a miss, and with EPD0 a translation fault, is always possible. The read
 * does not cache the CD (a cached copy only delays what a CFGI_CD makes visible).
 */
export function arm_smmu_translate_private(d: SmmuState, sid: DeviceId): PrivateDmaResult {
  const r = private_dma_result(d, sid);
  if (r === 'C_BAD_CD') smmuEvent(d, 'C_BAD_CD');
  return r;
}

export type PrivateDmaResult = 'ok' | 'fault' | 'C_BAD_CD';

/** What a DMA without a PASID would meet, read-only. A fault is F_TRANSLATION (recorded if CD.R). */
export function private_dma_result(s: SmmuState, sid: DeviceId): PrivateDmaResult {
  if (steDomain(s, sid) === null) return 'fault';
  const cd = arm_smmu_read_cd(s, sid, 0);
  if (!cd || !cd_legal(s.features, cd)) return 'C_BAD_CD';
  return cd.epd0 || cd.ttb?.type !== 'private' ? 'fault' : 'ok';
}

export type IovaDmaResult = 'ok' | 'stale' | 'fault' | 'C_BAD_CD';

/**
 * A DMA to IOVA page `iova` without a PASID: the CD at SSID 0 (fetched, and cached if legal), the TLB
 * tagged by its ASID, and on a miss a walk of the domain's io-pgtable (EPD0 or an mm's table: a
 * fault). `stale`: the TLB entry hit is not the domain's translation of that IOVA any more (iommu_unmap
 * returned) or is another address space's.
 */
export function arm_smmu_translate_iova(d: SmmuState, sid: DeviceId, iova: number): IovaDmaResult {
  const dom = steDomain(d, sid);
  if (dom === null) return 'fault';
  const cd = arm_smmu_fetch_cd(d, sid, 0);
  if (!cd || !cd_legal(d.features, cd)) {
    smmuEvent(d, 'C_BAD_CD');
    return 'C_BAD_CD';
  }
  const domain = d.domains[dom]!;
  const row = smmuDevice(d, masterSmmu(d, sid)).tlb[cd.asid];
  const hit = row?.[iova];
  if (hit !== undefined && hit !== null) return hit === PRIVATE_TLB_ENTRY && domain.iovas[iova] !== 'free' ? 'ok' : 'stale';
  if (cd.epd0 || cd.ttb?.type !== 'private' || domain.iovas[iova] !== 'mapped') return 'fault';
  if (row) row[iova] = PRIVATE_TLB_ENTRY;
  return 'ok';
}

/** A PCIe ATS Translation Request: the SMMU's answer fills the ATC; a fault answers R=W=0. */
export function arm_smmu_ats_translate(d: TranslateView, sid: DeviceId, ssid: number, page: number, access: Access): TranslateResult | 'UR' {
  if (!d.smmu.masters[sid]?.ats_enabled) return 'UR';
  const r = arm_smmu_translate(d, sid, ssid, page, access);
  const row = d.smmu.atc[sid]?.[ssid];
  if (r.result === 'ok' && row) row[page] = r.mm;
  return r;
}

/** A translated DMA: the device uses its ATC entry, if any, without asking the SMMU. */
export function atc_lookup(s: SmmuState, sid: DeviceId, ssid: number, page: number): MmId | null {
  return s.atc[sid]?.[ssid]?.[page] ?? null;
}

/**
 * The regime of the CPU's own TLBIs (tlb_flush, flush_tlb_page: TLBI VALE1IS/VAE1IS by ASID): EL1&0
 * for a kernel at EL1; with VHE the kernel runs at EL2 with HCR_EL2.{E2H,TGE} = {1,1}, where the
 * same instructions apply to the EL2&0 regime (Arm ARM, "TLB maintenance instructions"; seed 001,
 * "Enable broadcast TLB maintenance": "broadcasted TLB invalidations that target EL2-E2H world").
 */
export const cpuTlbiRegime = (vhe: boolean | undefined): Regime => (vhe ? 'el2' : 'nsel1');

/**
 * arm_smmu_tlb_inv_asid(smmu, asid): ".opcode = smmu->features & ARM_SMMU_FEAT_E2H ? CMDQ_OP_TLBI_EL2_ASID :
 * CMDQ_OP_TLBI_NH_ASID" (arm-smmu-v3.c:880-890, the opcode at :883-884, at 9936a12fcb18), then a sync.
 */
export function arm_smmu_tlb_inv_asid(d: SmmuState, smmu: SmmuId, asid: Asid, owner: number): void {
  const q = smmuDevice(d, smmu);
  arm_smmu_cmdq_issue_cmd(q, { op: d.features.e2h ? 'TLBI_EL2_ASID' : 'TLBI_NH_ASID', asid });
  arm_smmu_cmdq_issue_sync(q, owner);
}

/**
 * arm_smmu_tlb_inv_range_asid (arm-smmu-v3.c:1777-1791 at 9936a12fcb18, the opcode at :1782-1783:
 * CMDQ_OP_TLBI_EL2_VA with ARM_SMMU_FEAT_E2H, else CMDQ_OP_TLBI_NH_VA) per granule (one page here),
 * then a sync, on the queue of smmu_domain->smmu; arm_smmu_tlb_inv_range_domain (:1750) picks its
 * opcode by the same rule (:1761-1762).
 */
export function arm_smmu_tlb_inv_range_asid(d: SmmuState, domain: DomainId, asid: Asid, page: number, owner: number): void {
  const q = smmuDevice(d, domainSmmu(d, domain));
  arm_smmu_cmdq_issue_cmd(q, { op: d.features.e2h ? 'TLBI_EL2_VA' : 'TLBI_NH_VA', asid, page });
  arm_smmu_cmdq_issue_sync(q, owner);
}

/**
 * arm_smmu_atc_inv_domain(domain, ssid, iova, size): a no-op without ATS or with no ATS-enabled
 * master ("nr_ats_masters"); else one ATC_INV per such master of the domain, then a sync.
 * `page` -1 is size 0: ATC_INV_SIZE_ALL for that SSID; SSID 0 reaches every SSID's entries (arm_smmu_perform).
 */
export function arm_smmu_atc_inv_domain(d: SmmuState, domain: DomainId, ssid: number, page: number, owner: number): void {
  if (!d.features.ats) return;
  const targets = domainDevices(d, domain).filter((sid) => d.masters[sid]!.ats_enabled);
  if (targets.length === 0) return;
  const q = smmuDevice(d, domainSmmu(d, domain));
  for (const sid of targets) arm_smmu_cmdq_issue_cmd(q, { op: 'ATC_INV', sid, ssid, page });
  arm_smmu_cmdq_issue_sync(q, owner);
}

/**
 * BTM: the CPU's broadcast TLBI VAE1IS for (asid, page), of the CPU's regime (`cpuTlbiRegime`),
 * reaches every SMMU's TLB at once (each SMMU here has the same features); it removes the entry
 * only if the streams' STRW is that regime.
 */
export function arm_smmu_btm_tlbi_va(d: SmmuState, asid: Asid, page: number, regime: Regime): void {
  if (!d.features.btm || regime !== arm_smmu_strw(d.features)) return;
  for (const q of [d, ...(d.smmus ?? [])]) {
    const row = q.tlb[asid];
    if (row && page < row.length) row[page] = null;
  }
}
