// Whether a sequence of word writes and syncs changes an STE or a CD "hitlessly": every entry the
// SMMU could fetch on the way is, in the bits its own configuration uses, either the initial or
// the target entry, and none is invalid. This is the property arm-smmu-v3-test.c's sync recorder
// asserts (torvalds/linux 56e1a4cc2588, arm_smmu_test_writer_record_syncs, test.c:48-87), but
// judged at every point where the SMMU may fetch, not only at the syncs.
// The SMMU may fetch (and cache) an entry between any two steps; a CFGI_STE/CFGI_CD followed by
// CMD_SYNC ends the use of anything cached before it, and the command queue's insertion orders
// earlier stores before the command ("There is a dma_wmb() before publishing any commands to the
// queue", arm-smmu-v3.c:729 at be7c90de39fd). Two fetch models:
//   'program-order': an entry is read whole, at one instant, with the stores visible in program
//     order: the fetchable entries are the memory after each single-word store;
//   'unordered-until-sync': each word is read at its own instant and stores since the last sync
//     may become visible in any order ("the SMMU might read dwords of this CD in any order",
//     LinaOS 9936a12fcb18 arm-smmu-v3.c:1018): a fetch combines, word by word, any value that word
//     held since the last sync. This is why v5.11's install syncs between dwords 1-3 and dword 0.
// Leaves out: what a fetched entry then does (translation, C_BAD_CD, STE faults) and caching
// beyond the sync that invalidates it; the explored state will own those when it takes this in.
import { entriesEqual, NUM_ENTRY_QWORDS, type Entry, type Qword } from './entry-layout.ts';
import { entryValid, type EntryOps } from './entry-used.ts';
import type { EntryStep } from './entry-writer.ts';

export type FetchModel = 'program-order' | 'unordered-until-sync';

/** An entry the SMMU could fetch, and the index of the last step it may reflect. */
export interface Fetch {
  readonly entry: Entry;
  readonly step: number;
}

export type HitlessVerdict =
  | { readonly hitless: true; readonly fetches: number }
  /** A fetch sees V = 0 while a transaction may use the entry (C_BAD_CD, or an STE fault). */
  | { readonly hitless: false; readonly reason: 'invalid'; readonly fetch: Fetch; readonly fetches: number }
  /** A fetch sees a valid entry that is neither configuration: a half-written CD or STE. */
  | { readonly hitless: false; readonly reason: 'torn'; readonly fetch: Fetch; readonly fetches: number };

/**
 * test.c:33 arm_smmu_entry_differs_in_used_bits, as of 56e1a4cc: the entry masked by `used`
 * against the other entry unmasked (test.c:42), so `other` must not set bits outside `used`.
 */
export function differsInUsedBits(entry: Entry, used: Entry, other: Entry): boolean {
  for (let i = 0; i < NUM_ENTRY_QWORDS; i++) if ((entry[i]! & used[i]!) !== other[i]) return true;
  return false;
}

/**
 * The check's comparison: both sides masked by the bits the fetched entry uses. V, CFG and EPD0
 * are used whenever the entry is valid, so a match also means the same configuration; and an
 * entry whose writer leaves ignored bits set (v5.11's quiet CD keeps TTB0 and the TCR0 fields
 * under EPD0) still matches, which test.c:42's unmasked `other` would not allow.
 */
function sameInUsedBits(entry: Entry, used: Entry, other: Entry): boolean {
  for (let i = 0; i < NUM_ENTRY_QWORDS; i++) if ((entry[i]! & used[i]!) !== (other[i]! & used[i]!)) return false;
  return true;
}

function fetchesProgramOrder(init: Entry, steps: readonly EntryStep[]): Fetch[] {
  const mem = [...init];
  const out: Fetch[] = [];
  steps.forEach((s, step) => {
    if (s.op !== 'write') return;
    mem[s.qword] = s.value;
    out.push({ entry: [...mem], step });
  });
  return out;
}

function fetchesUnordered(init: Entry, steps: readonly EntryStep[]): Fetch[] {
  const mem = [...init];
  const out: Fetch[] = [];
  let seen: Qword[][] = mem.map((w) => [w]);
  let lastWrite = -1;
  const flush = (): void => {
    if (lastWrite < 0) return;
    // The SMMU may take each word at any value it held since the last sync.
    let combos: Qword[][] = [[]];
    for (const values of seen) combos = combos.flatMap((c) => values.map((v) => [...c, v]));
    for (const entry of combos) out.push({ entry, step: lastWrite });
  };
  steps.forEach((s, step) => {
    if (s.op === 'write') {
      mem[s.qword] = s.value;
      if (!seen[s.qword]!.includes(s.value)) seen[s.qword]!.push(s.value);
      lastWrite = step;
      return;
    }
    flush();
    seen = mem.map((w) => [w]);
    lastWrite = -1;
  });
  flush();
  return out;
}

export function fetchable(init: Entry, steps: readonly EntryStep[], model: FetchModel): Fetch[] {
  return model === 'program-order' ? fetchesProgramOrder(init, steps) : fetchesUnordered(init, steps);
}

/**
 * The hitless check. A fetch identical to the initial entry is the old configuration, whatever it
 * is; any other fetch with V = 0 is `invalid` (the KUnit recorder's `invalid_entry_written`); a
 * valid one must equal the initial or the target entry in the bits it uses, else it is `torn`.
 * A torn fetch is reported before an invalid one: the SMMU would translate with a half-written
 * configuration, not merely fault.
 */
export function checkHitless(
  ops: EntryOps,
  init: Entry,
  target: Entry,
  steps: readonly EntryStep[],
  model: FetchModel,
): HitlessVerdict {
  const fetches = fetchable(init, steps, model);
  let firstInvalid: Fetch | undefined;
  for (const f of fetches) {
    if (entriesEqual(f.entry, init)) continue;
    if (!entryValid(ops, f.entry)) {
      firstInvalid ??= f;
      continue;
    }
    const used = ops.get_used(f.entry);
    if (!sameInUsedBits(f.entry, used, init) && !sameInUsedBits(f.entry, used, target)) {
      return { hitless: false, reason: 'torn', fetch: f, fetches: fetches.length };
    }
  }
  return firstInvalid
    ? { hitless: false, reason: 'invalid', fetch: firstInvalid, fetches: fetches.length }
    : { hitless: true, fetches: fetches.length };
}

/** What arm-smmu-v3-test.c's recorder (test.c:48) concludes from the same steps. */
export interface KunitRecord {
  /** test.c:66 `num_syncs += 1` per sync. */
  readonly num_syncs: number;
  /** test.c:67-68: word 0 was zero at some sync. */
  readonly invalid_entry_written: boolean;
  /** Indices of the syncs where test.c:77's KUNIT_EXPECT_FALSE would fail. */
  readonly used_bits_failures: readonly number[];
  readonly final: Entry;
}

/** Replays the steps through arm_smmu_test_writer_record_syncs (test.c:48-87). */
export function kunitRecordSyncs(ops: EntryOps, init: Entry, target: Entry, steps: readonly EntryStep[]): KunitRecord {
  const entry = [...init];
  let num_syncs = 0;
  let invalid_entry_written = false;
  const used_bits_failures: number[] = [];
  steps.forEach((s, step) => {
    if (s.op === 'write') {
      entry[s.qword] = s.value;
      return;
    }
    num_syncs += 1;
    if (entry[0] === 0n) {
      invalid_entry_written = true;
    } else {
      const used = ops.get_used(entry);
      if (differsInUsedBits(entry, used, init) && differsInUsedBits(entry, used, target)) used_bits_failures.push(step);
    }
  });
  return { num_syncs, invalid_entry_written, used_bits_failures, final: entry };
}
