// Labelled mutations of v5.11-v5.13 arm_smmu_write_ctx_desc's word writes
// (model/arm-smmu-v3/ctx-desc-qwords.ts); no kernel version has them. They show that the hitless
// check (model/arm-smmu-v3/entry-hitless.ts) can fail. The `-words` ones are the word-level forms of
// the explored variants cd-asid-update-two-writes and cd-install-v-first (spec/variants/sva/, verdict
// cd-hitless), checked on the driver's bit layout outside the explored state;
// `cd-install-no-first-sync` shows what the unordered fetch model adds. Each keeps the kernel's
// values and moves one store or sync.
import { CTXDESC_CD_0_V, GENMASK, not64, type Entry } from '../model/arm-smmu-v3/entry-layout.ts';
import { writeCtxDescSteps, type CtxDesc } from '../model/arm-smmu-v3/ctx-desc-qwords.ts';
import type { EntryStep } from '../model/arm-smmu-v3/entry-writer.ts';

export interface CdWriteMutation {
  readonly id: 'cd-asid-update-two-writes-words' | 'cd-install-v-first-words' | 'cd-install-no-first-sync';
  readonly form?: string;
  readonly mutates: string;
  readonly steps: readonly EntryStep[];
}

const sync: EntryStep = { op: 'sync', cmd: 'CFGI_CD' };

/** The low byte of the ASID field, CTXDESC_CD_0_ASID = GENMASK(63, 48) (arm-smmu-v3.h:309). */
const ASID_LOW_BYTE = GENMASK(55, 48);

function dword0Of(steps: readonly EntryStep[]): bigint {
  const w = steps.find((s) => s.op === 'write' && s.qword === 0);
  if (!w || w.op !== 'write') throw new Error('no dword 0 write in the baseline steps');
  return w.value;
}

function requireCase(cdptr: Entry, cd: CtxDesc, expected: 'install' | 'update-asid'): readonly EntryStep[] {
  const base = writeCtxDescSteps(cdptr, cd, { stall_force: false });
  if (base.case !== expected) throw new Error(`the baseline takes case ${base.case} here, not ${expected}`);
  return base.steps;
}

/**
 * Case (3) with the ASID field stored in two halves, low byte first (two byte stores instead of
 * the one 64-bit WRITE_ONCE at LinaOS arm-smmu-v3.c:1048): between them the CD carries an ASID
 * that is neither the old nor the new one.
 */
export function asidUpdateInHalves(cdptr: Entry, cd: CtxDesc): CdWriteMutation {
  const next = dword0Of(requireCase(cdptr, cd, 'update-asid'));
  const half = (cdptr[0]! & not64(ASID_LOW_BYTE)) | (next & ASID_LOW_BYTE);
  return {
    id: 'cd-asid-update-two-writes-words',
    form: 'asid-halves',
    mutates: 'dword 0 written as two stores, the ASID low byte before its high byte',
    steps: [
      { op: 'write', qword: 0, value: half, phase: 'dword0' },
      { op: 'write', qword: 0, value: next, phase: 'dword0' },
      sync,
    ],
  };
}

/** Case (3) done as remove-then-install: dword 0 with V cleared, sync, then the new dword 0. */
export function asidUpdateVClearedFirst(cdptr: Entry, cd: CtxDesc): CdWriteMutation {
  const next = dword0Of(requireCase(cdptr, cd, 'update-asid'));
  return {
    id: 'cd-asid-update-two-writes-words',
    form: 'v-cleared-first',
    mutates: 'dword 0 first written with V = 0 (old ASID), synced, then with the new ASID and V = 1',
    steps: [
      { op: 'write', qword: 0, value: cdptr[0]! & not64(CTXDESC_CD_0_V), phase: 'dword0' },
      sync,
      { op: 'write', qword: 0, value: next, phase: 'dword0' },
      sync,
    ],
  };
}

/** Case (1)/(2) with its two halves swapped: dword 0 (V = 1) and its sync before TTB0 and MAIR. */
export function installVFirst(cdptr: Entry, cd: CtxDesc): CdWriteMutation {
  const base = requireCase(cdptr, cd, 'install');
  const dwords13 = base.filter((s) => s.op === 'write' && s.qword !== 0);
  return {
    id: 'cd-install-v-first-words',
    mutates: 'dword 0 with V written and synced before dwords 1-3',
    steps: [{ op: 'write', qword: 0, value: dword0Of(base), phase: 'dword0' }, sync, ...dwords13, sync],
  };
}

/** Case (1)/(2) without the sync between dwords 1-3 and dword 0 (LinaOS arm-smmu-v3.c:1022). */
export function installWithoutFirstSync(cdptr: Entry, cd: CtxDesc): CdWriteMutation {
  const base = requireCase(cdptr, cd, 'install');
  return {
    id: 'cd-install-no-first-sync',
    mutates: 'the arm_smmu_sync_cd between dwords 1-3 and dword 0 left out',
    steps: [...base.filter((s) => s.op === 'write'), sync],
  };
}
