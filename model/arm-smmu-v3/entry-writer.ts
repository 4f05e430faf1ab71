// arm_smmu_write_entry (drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1097-1144 at torvalds/linux
// be7c90de39fd, the writer the KUnit suite tests since v6.9) as the list of its observable steps:
// each WRITE_ONCE of one 64-bit word, and each call of the writer's sync op (CFGI_STE or CFGI_CD,
// then CMD_SYNC). A checker replays the list to see every entry the SMMU could fetch in between.
// The plan is the kernel's: the used bits of the current and the target entry give
// `unused_update` (current used bits kept, every other bit already the target's) and the words
// whose used bits still differ after it. One such "critical" word: unused bits, sync, the critical
// word, sync, the whole target, sync if anything changed. Two or more: word 0 with V = 0, sync,
// words 1..7, sync, word 0, sync. None: nothing to write (WARN if anything would change).
// Leaves out: the prefetch after an STE write (arm_smmu_write_ste, :1511; a hint, no ordering),
// the used_ssids count of arm_smmu_write_cd_entry (:1302-1307), locking (callers hold the group mutex).
import { NUM_ENTRY_QWORDS, not64, type Entry, type Qword } from './entry-layout.ts';
import type { EntryOps } from './entry-used.ts';

/** Why a word is written, by the part of arm_smmu_write_entry that writes it. */
export type WritePhase =
  /** :1122 entry_set(unused_update): bits the current configuration ignores. */
  | 'unused-bits'
  /** :1123 the one critical word, which switches the configuration in a single store. */
  | 'critical'
  /** :1124 the rest of the target, now unused by it. */
  | 'cleanup'
  /** :1132 word 0 with V = 0 ("a breaking update, zero the V bit"). */
  | 'break-v'
  /** :1133 words 1..7 while V = 0. */
  | 'fill'
  /** :1134 word 0 with its final value. */
  | 'set-word0'
  /** :1141 the no-change path writing anyway: a WARN_ON_ONCE in the kernel. */
  | 'no-change'
  /** arm_smmu_write_ctx_desc of v5.11-v5.13 (ctx-desc-qwords.ts): TTB0, 0, MAIR of an install. */
  | 'dwords-1-3'
  /** arm_smmu_write_ctx_desc: its one WRITE_ONCE(cdptr[0], val). */
  | 'dword0';

/** The writer's sync op: arm_smmu_ste_writer_sync_entry (:1476) or arm_smmu_cd_writer_sync_entry (:1275). */
export type SyncCmd = 'CFGI_STE' | 'CFGI_CD';

/** One step the SMMU can observe between: a single-copy-atomic 64-bit store, or a sync. */
export type EntryStep =
  | { readonly op: 'write'; readonly qword: number; readonly value: Qword; readonly phase: WritePhase }
  | { readonly op: 'sync'; readonly cmd: SyncCmd };

/** Which branch of arm_smmu_write_entry ran (hweight8 of arm_smmu_entry_qword_diff's mask). */
export type WriteEntryPath =
  | { readonly path: 'critical-qword'; readonly critical: number }
  | { readonly path: 'disruptive'; readonly qwords: readonly number[] }
  | { readonly path: 'no-change' };

/** A WARN_ON_ONCE of the writer, recorded instead of printed. */
export type EntryWarning =
  /** :1036 the make function set a bit its own get_used does not list. */
  | 'target-sets-unused-bits'
  /** :1141 no used bit differs, yet some word had to be written. */
  | 'no-change-wrote';

export interface EntryWrite {
  readonly decision: WriteEntryPath;
  readonly steps: readonly EntryStep[];
  readonly final: Entry;
  readonly warnings: readonly EntryWarning[];
}

export function syncCmdOf(ops: EntryOps): SyncCmd {
  return ops.kind === 'ste' ? 'CFGI_STE' : 'CFGI_CD';
}

/** :1018 arm_smmu_entry_qword_diff: the mask of words to change disruptively, and unused_update. */
export function arm_smmu_entry_qword_diff(
  ops: EntryOps,
  entry: Entry,
  target: Entry,
): { used_qword_diff: number; unused_update: Qword[]; warnings: EntryWarning[] } {
  const cur_used = ops.get_used(entry);
  const target_used = ops.get_used(target);
  const unused_update: Qword[] = [];
  const warnings: EntryWarning[] = [];
  let used_qword_diff = 0;
  for (let i = 0; i < NUM_ENTRY_QWORDS; i++) {
    if (target[i]! & not64(target_used[i]!)) warnings.push('target-sets-unused-bits');
    unused_update[i] = (entry[i]! & cur_used[i]!) | (target[i]! & not64(cur_used[i]!));
    if ((unused_update[i]! & target_used[i]!) !== target[i]) used_qword_diff |= 1 << i;
  }
  return { used_qword_diff, unused_update, warnings: [...new Set(warnings)] };
}

/** The entry being written plus the steps so far: entry_set's view of memory. */
class Recorder {
  readonly entry: Qword[];
  readonly steps: EntryStep[] = [];
  constructor(
    initial: Entry,
    private readonly cmd: SyncCmd,
  ) {
    this.entry = [...initial];
  }

  /** :1051 entry_set: WRITE_ONCE each differing word of [start, start+len), then sync if any did. */
  entry_set(target: Entry, start: number, len: number, phase: WritePhase): boolean {
    let changed = false;
    for (let i = start; len !== 0; len--, i++) {
      if (this.entry[i] !== target[i]) {
        this.entry[i] = target[i]!;
        this.steps.push({ op: 'write', qword: i, value: target[i]!, phase });
        changed = true;
      }
    }
    if (changed) this.steps.push({ op: 'sync', cmd: this.cmd });
    return changed;
  }
}

/** :1097 arm_smmu_write_entry, returning its steps instead of performing them. */
export function arm_smmu_write_entry(ops: EntryOps, entry: Entry, target: Entry): EntryWrite {
  const { used_qword_diff, unused_update, warnings } = arm_smmu_entry_qword_diff(ops, entry, target);
  const rec = new Recorder(entry, syncCmdOf(ops));
  const diffWords = [...Array(NUM_ENTRY_QWORDS).keys()].filter((i) => used_qword_diff & (1 << i));
  let decision: WriteEntryPath;
  if (diffWords.length === 1) {
    const critical = diffWords[0]!;
    // :1116 "Skip writing unused bits in the critical qword since we'll be writing it in the next step"
    unused_update[critical] = entry[critical]!;
    rec.entry_set(unused_update, 0, NUM_ENTRY_QWORDS, 'unused-bits');
    rec.entry_set(target, critical, 1, 'critical');
    rec.entry_set(target, 0, NUM_ENTRY_QWORDS, 'cleanup');
    decision = { path: 'critical-qword', critical };
  } else if (used_qword_diff) {
    unused_update[0] = 0n;
    rec.entry_set(unused_update, 0, 1, 'break-v');
    rec.entry_set(target, 1, NUM_ENTRY_QWORDS - 1, 'fill');
    rec.entry_set(target, 0, 1, 'set-word0');
    decision = { path: 'disruptive', qwords: diffWords };
  } else {
    if (rec.entry_set(target, 0, NUM_ENTRY_QWORDS, 'no-change')) warnings.push('no-change-wrote');
    decision = { path: 'no-change' };
  }
  return { decision, steps: rec.steps, final: rec.entry, warnings };
}

/** The entry in memory after `steps` (syncs change nothing in memory). */
export function applySteps(initial: Entry, steps: readonly EntryStep[]): Qword[] {
  const e = [...initial];
  for (const s of steps) if (s.op === 'write') e[s.qword] = s.value;
  return e;
}

export function syncCount(steps: readonly EntryStep[]): number {
  return steps.filter((s) => s.op === 'sync').length;
}
