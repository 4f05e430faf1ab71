// arm_smmu_write_ctx_desc of the seed-001 era (v5.11-v5.13), the baseline's CD writer, word by
// word: drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:972-1051 of Open-LinaOS-Foundation/LinaOS at
// 9936a12fcb18 (a v5.13-rc6 tree). Its five cases, with the steps the SMMU can observe between:
//   (1)/(2) install (CD not live): dwords 1-3 (TTB0, 0, MAIR), sync, dword 0 with V, sync: 2 syncs;
//   (3) update the ASID of a live CD: one WRITE_ONCE of dword 0, sync: 1;
//   (4) quiesce (&quiet_cd): dword 0 | EPD0, V kept, sync: 1;
//   (5) remove (NULL): dword 0 = 0, sync: 1.
// A sync is arm_smmu_sync_cd (:892-918): one CFGI_CD per stream of the domain's masters and a
// CMD_SYNC, whose insertion orders the CD stores before it (the dma_wmb at :782, :710).
// model/arm-smmu-v3/cd.ts models the same function on a CD of named fields for the explored
// state; this one keeps the words, so that entry-hitless.ts can judge each intermediate CD.
// Leaves out: -E2BIG and -ENOMEM (no words change), the L1 descriptor of a two-level table, and
// the S/R clearing of a quiesce, which v5.13-rc6 does not do (only EPD0 is ORed in, :1004).
import {
  CTXDESC_CD_0_A,
  CTXDESC_CD_0_AA64,
  CTXDESC_CD_0_ASET,
  CTXDESC_CD_0_ASID,
  CTXDESC_CD_0_R,
  CTXDESC_CD_0_S,
  CTXDESC_CD_0_TCR_EPD0,
  CTXDESC_CD_0_V,
  CTXDESC_CD_1_TTB0_MASK,
  FIELD_PREP,
  not64,
  type Entry,
} from './entry-layout.ts';
import { applySteps, type EntryStep } from './entry-writer.ts';

/** struct arm_smmu_ctx_desc as the v5.11 writer reads it. */
export interface CtxDesc {
  readonly asid: number;
  readonly ttbr: bigint;
  /** The TCR fields of dword 0 (T0SZ, TG0, IRGN0, ORGN0, SH0, EPD1, IPS, ...), already placed. */
  readonly tcr: bigint;
  readonly mair: bigint;
  /** cd->mm: a shared (SVA) CD, which leaves ASET clear so broadcast TLBIs reach it. */
  readonly mm: boolean;
}

/** The `cd` argument: NULL (remove), &quiet_cd (quiesce), or a CD (install, or ASID update if live). */
export type CtxDescArg = null | 'quiet_cd' | CtxDesc;

/** The case the function takes, numbered as its own comment numbers them (:978-984). */
export type CtxDescCase = 'install' | 'update-asid' | 'quiesce' | 'remove';

export interface CtxDescWrite {
  readonly case: CtxDescCase;
  readonly steps: readonly EntryStep[];
  readonly final: Entry;
}

/** The dword 0 an install writes (:1024-1036). */
export function ctxDescDword0(cd: CtxDesc, stall_force: boolean): bigint {
  return (
    cd.tcr |
    CTXDESC_CD_0_R |
    CTXDESC_CD_0_A |
    (cd.mm ? 0n : CTXDESC_CD_0_ASET) |
    CTXDESC_CD_0_AA64 |
    FIELD_PREP(CTXDESC_CD_0_ASID, cd.asid) |
    CTXDESC_CD_0_V |
    (stall_force ? CTXDESC_CD_0_S : 0n) // :1034 "STALL_MODEL==0b10 && CD.S==0 is ILLEGAL"
  );
}

/** Mirrors arm_smmu_write_ctx_desc (:972), returning the steps instead of performing them. */
export function writeCtxDescSteps(cdptr: Entry, cd: CtxDescArg, opts: { readonly stall_force: boolean }): CtxDescWrite {
  const sync: EntryStep = { op: 'sync', cmd: 'CFGI_CD' };
  let val = cdptr[0]!;
  const cd_live = (val & CTXDESC_CD_0_V) !== 0n; // :999
  const steps: EntryStep[] = [];
  let which: CtxDescCase;
  if (cd === null) {
    val = 0n; // :1002 (5)
    which = 'remove';
  } else if (cd === 'quiet_cd') {
    val |= CTXDESC_CD_0_TCR_EPD0; // :1004 (4)
    which = 'quiesce';
  } else if (cd_live) {
    // :1006-1007 (3) "Until CD+TLB invalidation, both ASIDs may be used for tagging"
    val &= not64(CTXDESC_CD_0_ASID);
    val |= FIELD_PREP(CTXDESC_CD_0_ASID, cd.asid);
    which = 'update-asid';
  } else {
    // :1013-1015 (1)/(2), then :1022's sync: "STE is live, and the SMMU might read dwords of
    // this CD in any order. Ensure that it observes valid values before reading V=1."
    steps.push(
      { op: 'write', qword: 1, value: cd.ttbr & CTXDESC_CD_1_TTB0_MASK, phase: 'dwords-1-3' },
      { op: 'write', qword: 2, value: 0n, phase: 'dwords-1-3' },
      { op: 'write', qword: 3, value: cd.mair, phase: 'dwords-1-3' },
      sync,
    );
    val = ctxDescDword0(cd, opts.stall_force);
    which = 'install';
  }
  steps.push({ op: 'write', qword: 0, value: val, phase: 'dword0' }, sync); // :1048 WRITE_ONCE, :1049 sync
  return { case: which, steps, final: applySteps(cdptr, steps) };
}
