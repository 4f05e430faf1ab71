// Which bits of an STE or a CD the SMMU reads in the configuration that entry selects:
// arm_smmu_get_ste_used and arm_smmu_get_cd_used of drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c
// at torvalds/linux be7c90de39fd (lines 973-1009 and 1254-1272). The entry writer computes its
// plan from them, and the hitless check judges every entry the SMMU could fetch by them: a bit
// outside the used set is IGNORED by the hardware, so it may change under a live entry.
// Leaves out: the S1DSS=BYPASS rule that makes SHCFG used in later kernels (v6.11+ text, not at
// a torvalds/linux commit the index holds; only the v6.11 KUnit cases with S1DSS=BYPASS need it).
import {
  CTXDESC_CD_0_TCR_EPD0,
  CTXDESC_CD_0_TCR_IRGN0,
  CTXDESC_CD_0_TCR_ORGN0,
  CTXDESC_CD_0_TCR_SH0,
  CTXDESC_CD_0_TCR_T0SZ,
  CTXDESC_CD_0_TCR_TG0,
  CTXDESC_CD_0_V,
  CTXDESC_CD_1_TTB0_MASK,
  FIELD_GET,
  NUM_ENTRY_QWORDS,
  STRTAB_STE_0_CFG,
  STRTAB_STE_0_CFG_BYPASS,
  STRTAB_STE_0_S1CDMAX,
  STRTAB_STE_0_S1CTXPTR_MASK,
  STRTAB_STE_0_S1FMT,
  STRTAB_STE_0_V,
  STRTAB_STE_1_EATS,
  STRTAB_STE_1_S1CIR,
  STRTAB_STE_1_S1COR,
  STRTAB_STE_1_S1CSH,
  STRTAB_STE_1_S1DSS,
  STRTAB_STE_1_S1STALLD,
  STRTAB_STE_1_SHCFG,
  STRTAB_STE_1_STRW,
  STRTAB_STE_2_S2AA64,
  STRTAB_STE_2_S2ENDI,
  STRTAB_STE_2_S2PTW,
  STRTAB_STE_2_S2R,
  STRTAB_STE_2_S2VMID,
  STRTAB_STE_2_VTCR,
  STRTAB_STE_3_S2TTB_MASK,
  U64_MAX,
  not64,
  zeroEntry,
  type Entry,
  type Qword,
} from './entry-layout.ts';

/** struct arm_smmu_entry_writer_ops minus `sync`: which table, and its get_used. */
export interface EntryOps {
  readonly kind: 'ste' | 'cd';
  readonly get_used: (ent: Entry) => Qword[];
}

/** arm-smmu-v3.c:973 arm_smmu_get_ste_used. */
export function arm_smmu_get_ste_used(ent: Entry): Qword[] {
  const used = zeroEntry();
  const cfg = Number(FIELD_GET(STRTAB_STE_0_CFG, ent[0]!));
  used[0] = STRTAB_STE_0_V;
  if (!(ent[0]! & STRTAB_STE_0_V)) return used;
  used[0] |= STRTAB_STE_0_CFG;
  if (cfg & 1) {
    // :984 "S1 translates"
    used[0] |= STRTAB_STE_0_S1FMT | STRTAB_STE_0_S1CTXPTR_MASK | STRTAB_STE_0_S1CDMAX;
    used[1]! |=
      STRTAB_STE_1_S1DSS | STRTAB_STE_1_S1CIR | STRTAB_STE_1_S1COR | STRTAB_STE_1_S1CSH |
      STRTAB_STE_1_S1STALLD | STRTAB_STE_1_STRW | STRTAB_STE_1_EATS;
    used[2]! |= STRTAB_STE_2_S2VMID;
  }
  if (cfg & 2) {
    // :997 "S2 translates"
    used[1]! |= STRTAB_STE_1_EATS | STRTAB_STE_1_SHCFG;
    used[2]! |=
      STRTAB_STE_2_S2VMID | STRTAB_STE_2_VTCR | STRTAB_STE_2_S2AA64 | STRTAB_STE_2_S2ENDI |
      STRTAB_STE_2_S2PTW | STRTAB_STE_2_S2R;
    used[3]! |= STRTAB_STE_3_S2TTB_MASK;
  }
  if (cfg === STRTAB_STE_0_CFG_BYPASS) used[1]! |= STRTAB_STE_1_SHCFG; // :1007
  return used;
}

/** arm-smmu-v3.c:1254 arm_smmu_get_cd_used. */
export function arm_smmu_get_cd_used(ent: Entry): Qword[] {
  const used = zeroEntry();
  used[0] = CTXDESC_CD_0_V;
  if (!(ent[0]! & CTXDESC_CD_0_V)) return used;
  for (let i = 0; i < NUM_ENTRY_QWORDS; i++) used[i] = U64_MAX; // :1259 memset(used_bits, 0xFF, ...)
  if (ent[0]! & CTXDESC_CD_0_TCR_EPD0) {
    // :1265 "If EPD0 is set by the make function it means T0SZ/TG0/IR0/OR0/SH0/TTB0 are IGNORED"
    used[0] &= not64(
      CTXDESC_CD_0_TCR_T0SZ | CTXDESC_CD_0_TCR_TG0 | CTXDESC_CD_0_TCR_IRGN0 | CTXDESC_CD_0_TCR_ORGN0 |
        CTXDESC_CD_0_TCR_SH0,
    );
    used[1]! &= not64(CTXDESC_CD_1_TTB0_MASK);
  }
  return used;
}

/** arm_smmu_ste_writer_ops' get_used (arm-smmu-v3.c:1491). */
export const STE_OPS: EntryOps = { kind: 'ste', get_used: arm_smmu_get_ste_used };
/** arm_smmu_cd_writer_ops' get_used (arm-smmu-v3.c:1283). */
export const CD_OPS: EntryOps = { kind: 'cd', get_used: arm_smmu_get_cd_used };

/** Whether the SMMU takes the entry as valid: STE word 0 bit 0, CD word 0 bit 31. */
export function entryValid(ops: EntryOps, ent: Entry): boolean {
  return (ent[0]! & (ops.kind === 'ste' ? STRTAB_STE_0_V : CTXDESC_CD_0_V)) !== 0n;
}
