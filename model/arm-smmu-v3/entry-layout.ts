// The SMMUv3 Stream Table Entry and Context Descriptor as the driver lays them out: eight 64-bit
// little-endian words each (NUM_ENTRY_QWORDS, arm-smmu-v3.c:46), with the fields of
// drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h as read at torvalds/linux be7c90de39fd (the v6.11
// merge window; every constant below carries its line there, each checked against the text).
// A word is a bigint kept in [0, 2^64); the masks are GENMASK_ULL and the helpers are the kernel's
// FIELD_PREP / FIELD_GET, so a builder reads like the C it mirrors.
// Leaves out: the fields no driver path of v5.11-v6.11 writes (STE S2S, HA/HD, nesting, the L1
// descriptors of two-level tables) and big-endian hosts (CTXDESC_CD_0_ENDI / STRTAB_STE_2_S2ENDI
// are only set under __BIG_ENDIAN).

/** One 64-bit word of an entry; always within [0, 2^64). */
export type Qword = bigint;

/** An STE or a CD: NUM_ENTRY_QWORDS words, word 0 holding V. */
export type Entry = readonly Qword[];

/** arm-smmu-v3.c:46 `#define NUM_ENTRY_QWORDS 8` (STRTAB_STE_DWORDS = CTXDESC_CD_DWORDS = 8, .h:209, .h:284). */
export const NUM_ENTRY_QWORDS = 8;

export const U64_MAX = (1n << 64n) - 1n;

/** include/linux/bits.h GENMASK_ULL(h, l): bits h..l set. */
export function GENMASK(h: number, l: number): Qword {
  return ((1n << BigInt(h - l + 1)) - 1n) << BigInt(l);
}

export function BIT(n: number): Qword {
  return 1n << BigInt(n);
}

function shiftOf(mask: Qword): bigint {
  let s = 0n;
  while (((mask >> s) & 1n) === 0n) s += 1n;
  return s;
}

/**
 * include/linux/bitfield.h FIELD_PREP for a value known only at run time: shifted into the mask
 * and cut to it (so 0xFF into the 5-bit S1CDMAX gives 31, as the KUnit cdtable STE does).
 */
export function FIELD_PREP(mask: Qword, val: bigint | number): Qword {
  return (BigInt(val) << shiftOf(mask)) & mask;
}

export function FIELD_GET(mask: Qword, word: Qword): bigint {
  return (word & mask) >> shiftOf(mask);
}

/** `~x` on a u64. */
export function not64(x: Qword): Qword {
  return U64_MAX ^ x;
}

export function zeroEntry(): Qword[] {
  return Array.from({ length: NUM_ENTRY_QWORDS }, () => 0n);
}

export function entriesEqual(a: Entry, b: Entry): boolean {
  return a.length === b.length && a.every((w, i) => w === b[i]);
}

/** `0x…` per word, for messages and test names. */
export function formatEntry(e: Entry): string {
  return e.map((w) => `0x${w.toString(16).padStart(16, '0')}`).join(' ');
}

// --- Stream table entry (arm-smmu-v3.h:215-269 at be7c90de) ---
export const STRTAB_STE_0_V = BIT(0); // .h:215
export const STRTAB_STE_0_CFG = GENMASK(3, 1); // .h:216
export const STRTAB_STE_0_CFG_ABORT = 0; // .h:217
export const STRTAB_STE_0_CFG_BYPASS = 4; // .h:218
export const STRTAB_STE_0_CFG_S1_TRANS = 5; // .h:219
export const STRTAB_STE_0_CFG_S2_TRANS = 6; // .h:220
export const STRTAB_STE_0_S1FMT = GENMASK(5, 4); // .h:222
export const STRTAB_STE_0_S1FMT_LINEAR = 0; // .h:223
export const STRTAB_STE_0_S1FMT_64K_L2 = 2; // .h:224
export const STRTAB_STE_0_S1CTXPTR_MASK = GENMASK(51, 6); // .h:225
export const STRTAB_STE_0_S1CDMAX = GENMASK(63, 59); // .h:226

export const STRTAB_STE_1_S1DSS = GENMASK(1, 0); // .h:228
export const STRTAB_STE_1_S1DSS_TERMINATE = 0; // .h:229
export const STRTAB_STE_1_S1DSS_BYPASS = 1; // .h:230
export const STRTAB_STE_1_S1DSS_SSID0 = 2; // .h:231
export const STRTAB_STE_1_S1C_CACHE_NC = 0; // .h:233
export const STRTAB_STE_1_S1C_CACHE_WBRA = 1; // .h:234
export const STRTAB_STE_1_S1CIR = GENMASK(3, 2); // .h:237
export const STRTAB_STE_1_S1COR = GENMASK(5, 4); // .h:238
export const STRTAB_STE_1_S1CSH = GENMASK(7, 6); // .h:239
export const STRTAB_STE_1_S1STALLD = BIT(27); // .h:241
export const STRTAB_STE_1_EATS = GENMASK(29, 28); // .h:243
export const STRTAB_STE_1_EATS_ABT = 0; // .h:244
export const STRTAB_STE_1_EATS_TRANS = 1; // .h:245
export const STRTAB_STE_1_STRW = GENMASK(31, 30); // .h:248
export const STRTAB_STE_1_STRW_NSEL1 = 0; // .h:249
export const STRTAB_STE_1_STRW_EL2 = 2; // .h:250
export const STRTAB_STE_1_SHCFG = GENMASK(45, 44); // .h:252
export const STRTAB_STE_1_SHCFG_INCOMING = 1; // .h:253

export const STRTAB_STE_2_S2VMID = GENMASK(15, 0); // .h:255
export const STRTAB_STE_2_VTCR = GENMASK(50, 32); // .h:256
export const STRTAB_STE_2_VTCR_S2T0SZ = GENMASK(5, 0); // .h:257
export const STRTAB_STE_2_VTCR_S2SL0 = GENMASK(7, 6); // .h:258
export const STRTAB_STE_2_VTCR_S2IR0 = GENMASK(9, 8); // .h:259
export const STRTAB_STE_2_VTCR_S2OR0 = GENMASK(11, 10); // .h:260
export const STRTAB_STE_2_VTCR_S2SH0 = GENMASK(13, 12); // .h:261
export const STRTAB_STE_2_VTCR_S2TG = GENMASK(15, 14); // .h:262
export const STRTAB_STE_2_VTCR_S2PS = GENMASK(18, 16); // .h:263
export const STRTAB_STE_2_S2AA64 = BIT(51); // .h:264
export const STRTAB_STE_2_S2ENDI = BIT(52); // .h:265
export const STRTAB_STE_2_S2PTW = BIT(54); // .h:266
export const STRTAB_STE_2_S2R = BIT(58); // .h:267
export const STRTAB_STE_3_S2TTB_MASK = GENMASK(51, 4); // .h:269

// --- Context descriptor (arm-smmu-v3.h:290-311 at be7c90de) ---
export const CTXDESC_CD_0_TCR_T0SZ = GENMASK(5, 0); // .h:290
export const CTXDESC_CD_0_TCR_TG0 = GENMASK(7, 6); // .h:291
export const CTXDESC_CD_0_TCR_IRGN0 = GENMASK(9, 8); // .h:292
export const CTXDESC_CD_0_TCR_ORGN0 = GENMASK(11, 10); // .h:293
export const CTXDESC_CD_0_TCR_SH0 = GENMASK(13, 12); // .h:294
export const CTXDESC_CD_0_TCR_EPD0 = BIT(14); // .h:295
export const CTXDESC_CD_0_TCR_EPD1 = BIT(30); // .h:296
export const CTXDESC_CD_0_ENDI = BIT(15); // .h:298
export const CTXDESC_CD_0_V = BIT(31); // .h:299
export const CTXDESC_CD_0_TCR_IPS = GENMASK(34, 32); // .h:301
export const CTXDESC_CD_0_TCR_TBI0 = BIT(38); // .h:302
export const CTXDESC_CD_0_AA64 = BIT(41); // .h:304
export const CTXDESC_CD_0_S = BIT(44); // .h:305
export const CTXDESC_CD_0_R = BIT(45); // .h:306
export const CTXDESC_CD_0_A = BIT(46); // .h:307
export const CTXDESC_CD_0_ASET = BIT(47); // .h:308
export const CTXDESC_CD_0_ASID = GENMASK(63, 48); // .h:309
export const CTXDESC_CD_1_TTB0_MASK = GENMASK(51, 4); // .h:311

// --- drivers/iommu/io-pgtable-arm.h (torvalds/linux 91908587bc0e: lines 5-7, 15, 18) ---
export const ARM_LPAE_TCR_TG0_4K = 0;
export const ARM_LPAE_TCR_TG0_64K = 1;
export const ARM_LPAE_TCR_TG0_16K = 2;
export const ARM_LPAE_TCR_SH_IS = 3;
export const ARM_LPAE_TCR_RGN_WBWA = 1;

export const ARM_SMMU_SH_ISH = 3; // arm-smmu-v3.h:172
