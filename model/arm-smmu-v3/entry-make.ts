// The driver's entry builders, as pure functions of their inputs: the STE makers and
// arm_smmu_make_s1_cd of drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c at torvalds/linux
// be7c90de39fd (lines 1312-1346, 1524-1646), and arm_smmu_make_sva_cd of arm-smmu-v3-sva.c in its
// v6.10/v6.11 form (lines 53-115 of the text the index stores as id 93930420; the index names no
// repository or commit for it, and none of the torvalds/linux commits it holds has the function).
// The KUnit suite (arm-smmu-v3-test.c) builds its entries with exactly these functions, so the
// test reproduces its table by feeding them the KUnit inputs.
// Leaves out: big-endian hosts (ENDI bits), the E2H stream world's BTM comment beyond the STRW
// value, and any state of the master other than what each builder reads.
import {
  ARM_LPAE_TCR_RGN_WBWA,
  ARM_LPAE_TCR_SH_IS,
  ARM_LPAE_TCR_TG0_16K,
  ARM_LPAE_TCR_TG0_4K,
  ARM_LPAE_TCR_TG0_64K,
  ARM_SMMU_SH_ISH,
  CTXDESC_CD_0_A,
  CTXDESC_CD_0_AA64,
  CTXDESC_CD_0_ASET,
  CTXDESC_CD_0_ASID,
  CTXDESC_CD_0_R,
  CTXDESC_CD_0_S,
  CTXDESC_CD_0_TCR_EPD0,
  CTXDESC_CD_0_TCR_EPD1,
  CTXDESC_CD_0_TCR_IPS,
  CTXDESC_CD_0_TCR_IRGN0,
  CTXDESC_CD_0_TCR_ORGN0,
  CTXDESC_CD_0_TCR_SH0,
  CTXDESC_CD_0_TCR_T0SZ,
  CTXDESC_CD_0_TCR_TG0,
  CTXDESC_CD_0_V,
  CTXDESC_CD_1_TTB0_MASK,
  FIELD_PREP,
  STRTAB_STE_0_CFG,
  STRTAB_STE_0_CFG_ABORT,
  STRTAB_STE_0_CFG_BYPASS,
  STRTAB_STE_0_CFG_S1_TRANS,
  STRTAB_STE_0_CFG_S2_TRANS,
  STRTAB_STE_0_S1CDMAX,
  STRTAB_STE_0_S1CTXPTR_MASK,
  STRTAB_STE_0_S1FMT,
  STRTAB_STE_0_V,
  STRTAB_STE_1_EATS,
  STRTAB_STE_1_EATS_TRANS,
  STRTAB_STE_1_S1CIR,
  STRTAB_STE_1_S1COR,
  STRTAB_STE_1_S1CSH,
  STRTAB_STE_1_S1C_CACHE_WBRA,
  STRTAB_STE_1_S1DSS,
  STRTAB_STE_1_S1DSS_SSID0,
  STRTAB_STE_1_S1STALLD,
  STRTAB_STE_1_SHCFG,
  STRTAB_STE_1_SHCFG_INCOMING,
  STRTAB_STE_1_STRW,
  STRTAB_STE_1_STRW_EL2,
  STRTAB_STE_1_STRW_NSEL1,
  STRTAB_STE_2_S2AA64,
  STRTAB_STE_2_S2PTW,
  STRTAB_STE_2_S2R,
  STRTAB_STE_2_S2VMID,
  STRTAB_STE_2_VTCR,
  STRTAB_STE_2_VTCR_S2IR0,
  STRTAB_STE_2_VTCR_S2OR0,
  STRTAB_STE_2_VTCR_S2PS,
  STRTAB_STE_2_VTCR_S2SH0,
  STRTAB_STE_2_VTCR_S2SL0,
  STRTAB_STE_2_VTCR_S2T0SZ,
  STRTAB_STE_2_VTCR_S2TG,
  STRTAB_STE_3_S2TTB_MASK,
  not64,
  zeroEntry,
  type Entry,
} from './entry-layout.ts';

/** The ARM_SMMU_FEAT_* bits the builders read. */
export type SmmuFeature = 'STALLS' | 'STALL_FORCE' | 'ATTR_TYPES_OVR' | 'E2H';

export interface SmmuDevice {
  readonly features: readonly SmmuFeature[];
}

/** struct arm_smmu_ctx_desc_cfg as arm_smmu_make_cdtable_ste reads it. */
export interface CdTableCfg {
  readonly cdtab_dma: bigint;
  readonly s1cdmax: number;
  /** STRTAB_STE_0_S1FMT_LINEAR or STRTAB_STE_0_S1FMT_64K_L2. */
  readonly s1fmt: number;
}

/** The struct arm_smmu_master fields the builders read. */
export interface MasterCfg {
  readonly smmu: SmmuDevice;
  readonly stall_enabled: boolean;
  readonly cd_table?: CdTableCfg;
}

/** io_pgtable_cfg.arm_lpae_s1_cfg plus the domain's ASID, as arm_smmu_make_s1_cd reads them. */
export interface S1DomainCfg {
  readonly asid: number;
  readonly ttbr: bigint;
  readonly mair: bigint;
  readonly tcr: { readonly tsz: number; readonly tg: number; readonly irgn: number; readonly orgn: number; readonly sh: number; readonly ips: number };
}

/** io_pgtable_cfg.arm_lpae_s2_cfg plus s2_cfg.vmid, as arm_smmu_make_s2_domain_ste reads them. */
export interface S2DomainCfg {
  readonly vmid: number;
  readonly vttbr: bigint;
  readonly vtcr: {
    readonly tsz: number;
    readonly sl: number;
    readonly irgn: number;
    readonly orgn: number;
    readonly sh: number;
    readonly tg: number;
    readonly ps: number;
  };
}

/**
 * What arm_smmu_make_sva_cd reads from the CPU rather than from its arguments: vabits_actual,
 * PAGE_SIZE, ID_AA64MMFR0_EL1.PARANGE and MAIR_EL1. KUnit takes them from the host it runs on.
 */
export interface CpuCfg {
  readonly vabits_actual: number;
  readonly page_size: 4096 | 16384 | 65536;
  readonly parange: number;
  readonly mair_el1: bigint;
}

/** The mm as arm_smmu_make_sva_cd reads it: virt_to_phys(mm->pgd). */
export interface SvaMm {
  readonly pgd_phys: bigint;
}

function has(smmu: SmmuDevice, f: SmmuFeature): boolean {
  return smmu.features.includes(f);
}

/** arm-smmu-v3.c:1524 arm_smmu_make_abort_ste. */
export function arm_smmu_make_abort_ste(): Entry {
  const t = zeroEntry();
  t[0] = STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_ABORT);
  return t;
}

/** arm-smmu-v3.c:1534 arm_smmu_make_bypass_ste. */
export function arm_smmu_make_bypass_ste(smmu: SmmuDevice): Entry {
  const t = zeroEntry();
  t[0] = STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_BYPASS);
  if (has(smmu, 'ATTR_TYPES_OVR')) t[1] = FIELD_PREP(STRTAB_STE_1_SHCFG, STRTAB_STE_1_SHCFG_INCOMING);
  return t;
}

/** arm-smmu-v3.c:1549 arm_smmu_make_cdtable_ste (S1DSS is always SSID0 in this version). */
export function arm_smmu_make_cdtable_ste(master: MasterCfg, ats_enabled: boolean): Entry {
  const cd_table = master.cd_table;
  if (!cd_table) throw new Error('arm_smmu_make_cdtable_ste: the master has no cd_table');
  const smmu = master.smmu;
  const t = zeroEntry();
  t[0] =
    STRTAB_STE_0_V |
    FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_S1_TRANS) |
    FIELD_PREP(STRTAB_STE_0_S1FMT, cd_table.s1fmt) |
    (cd_table.cdtab_dma & STRTAB_STE_0_S1CTXPTR_MASK) |
    FIELD_PREP(STRTAB_STE_0_S1CDMAX, cd_table.s1cdmax);
  t[1] =
    FIELD_PREP(STRTAB_STE_1_S1DSS, STRTAB_STE_1_S1DSS_SSID0) |
    FIELD_PREP(STRTAB_STE_1_S1CIR, STRTAB_STE_1_S1C_CACHE_WBRA) |
    FIELD_PREP(STRTAB_STE_1_S1COR, STRTAB_STE_1_S1C_CACHE_WBRA) |
    FIELD_PREP(STRTAB_STE_1_S1CSH, ARM_SMMU_SH_ISH) |
    (has(smmu, 'STALLS') && !master.stall_enabled ? STRTAB_STE_1_S1STALLD : 0n) |
    FIELD_PREP(STRTAB_STE_1_EATS, ats_enabled ? STRTAB_STE_1_EATS_TRANS : 0);
  if (has(smmu, 'E2H')) {
    t[1]! |= FIELD_PREP(STRTAB_STE_1_STRW, STRTAB_STE_1_STRW_EL2); // :1575 BTM needs the CPU's stream world
  } else {
    t[1]! |= FIELD_PREP(STRTAB_STE_1_STRW, STRTAB_STE_1_STRW_NSEL1);
    t[2] = FIELD_PREP(STRTAB_STE_2_S2VMID, 0); // :1591 "VMID 0 is reserved for stage-2 bypass EL1 STEs"
  }
  return t;
}

/** arm-smmu-v3.c:1601 arm_smmu_make_s2_domain_ste. */
export function arm_smmu_make_s2_domain_ste(master: MasterCfg, s2: S2DomainCfg, ats_enabled: boolean): Entry {
  const t = zeroEntry();
  t[0] = STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_S2_TRANS);
  t[1] = FIELD_PREP(STRTAB_STE_1_EATS, ats_enabled ? STRTAB_STE_1_EATS_TRANS : 0);
  if (has(master.smmu, 'ATTR_TYPES_OVR')) t[1]! |= FIELD_PREP(STRTAB_STE_1_SHCFG, STRTAB_STE_1_SHCFG_INCOMING);
  const v = s2.vtcr;
  const vtcr_val =
    FIELD_PREP(STRTAB_STE_2_VTCR_S2T0SZ, v.tsz) |
    FIELD_PREP(STRTAB_STE_2_VTCR_S2SL0, v.sl) |
    FIELD_PREP(STRTAB_STE_2_VTCR_S2IR0, v.irgn) |
    FIELD_PREP(STRTAB_STE_2_VTCR_S2OR0, v.orgn) |
    FIELD_PREP(STRTAB_STE_2_VTCR_S2SH0, v.sh) |
    FIELD_PREP(STRTAB_STE_2_VTCR_S2TG, v.tg) |
    FIELD_PREP(STRTAB_STE_2_VTCR_S2PS, v.ps);
  t[2] =
    FIELD_PREP(STRTAB_STE_2_S2VMID, s2.vmid) |
    FIELD_PREP(STRTAB_STE_2_VTCR, vtcr_val) |
    STRTAB_STE_2_S2AA64 |
    STRTAB_STE_2_S2PTW |
    STRTAB_STE_2_S2R;
  t[3] = s2.vttbr & STRTAB_STE_3_S2TTB_MASK;
  return t;
}

/** arm-smmu-v3.c:1312 arm_smmu_make_s1_cd: a private S1 domain's CD (ASET = 1). */
export function arm_smmu_make_s1_cd(master: MasterCfg, d: S1DomainCfg): Entry {
  const t = zeroEntry();
  t[0] =
    FIELD_PREP(CTXDESC_CD_0_TCR_T0SZ, d.tcr.tsz) |
    FIELD_PREP(CTXDESC_CD_0_TCR_TG0, d.tcr.tg) |
    FIELD_PREP(CTXDESC_CD_0_TCR_IRGN0, d.tcr.irgn) |
    FIELD_PREP(CTXDESC_CD_0_TCR_ORGN0, d.tcr.orgn) |
    FIELD_PREP(CTXDESC_CD_0_TCR_SH0, d.tcr.sh) |
    CTXDESC_CD_0_TCR_EPD1 |
    CTXDESC_CD_0_V |
    FIELD_PREP(CTXDESC_CD_0_TCR_IPS, d.tcr.ips) |
    CTXDESC_CD_0_AA64 |
    (master.stall_enabled ? CTXDESC_CD_0_S : 0n) |
    CTXDESC_CD_0_R |
    CTXDESC_CD_0_A |
    CTXDESC_CD_0_ASET |
    FIELD_PREP(CTXDESC_CD_0_ASID, d.asid);
  t[1] = d.ttbr & CTXDESC_CD_1_TTB0_MASK;
  t[3] = d.mair;
  return t;
}

/** arm-smmu-v3-sva.c:41 page_size_to_cd. */
function page_size_to_cd(cpu: CpuCfg): number {
  if (cpu.page_size === 65536) return ARM_LPAE_TCR_TG0_64K;
  if (cpu.page_size === 16384) return ARM_LPAE_TCR_TG0_16K;
  return ARM_LPAE_TCR_TG0_4K;
}

/**
 * arm-smmu-v3-sva.c:53 arm_smmu_make_sva_cd. With `mm` null it builds the "SVA release" CD that
 * arm_smmu_mm_release installs: V kept, EPD0 set, no TTB0, and S/R cleared unless STALL_FORCE
 * (:105), so an exited process's DMA faults at once instead of raising C_BAD_CD.
 */
export function arm_smmu_make_sva_cd(master: MasterCfg, mm: SvaMm | null, asid: number, cpu: CpuCfg): Entry {
  const t = zeroEntry();
  t[0] =
    CTXDESC_CD_0_TCR_EPD1 |
    CTXDESC_CD_0_V |
    FIELD_PREP(CTXDESC_CD_0_TCR_IPS, cpu.parange) |
    CTXDESC_CD_0_AA64 |
    (master.stall_enabled ? CTXDESC_CD_0_S : 0n) |
    CTXDESC_CD_0_R |
    CTXDESC_CD_0_A |
    CTXDESC_CD_0_ASET |
    FIELD_PREP(CTXDESC_CD_0_ASID, asid);
  if (mm) {
    t[0]! |=
      FIELD_PREP(CTXDESC_CD_0_TCR_T0SZ, 64 - cpu.vabits_actual) |
      FIELD_PREP(CTXDESC_CD_0_TCR_TG0, page_size_to_cd(cpu)) |
      FIELD_PREP(CTXDESC_CD_0_TCR_IRGN0, ARM_LPAE_TCR_RGN_WBWA) |
      FIELD_PREP(CTXDESC_CD_0_TCR_ORGN0, ARM_LPAE_TCR_RGN_WBWA) |
      FIELD_PREP(CTXDESC_CD_0_TCR_SH0, ARM_LPAE_TCR_SH_IS);
    t[1] = mm.pgd_phys & CTXDESC_CD_1_TTB0_MASK;
  } else {
    t[0]! |= CTXDESC_CD_0_TCR_EPD0;
    if (!has(master.smmu, 'STALL_FORCE')) t[0]! &= not64(CTXDESC_CD_0_S | CTXDESC_CD_0_R);
  }
  t[3] = cpu.mair_el1;
  return t;
}
