// The fingerprint of a successor's representative under symmetry reduction, remembered by the
// fingerprint of the successor itself. Most successors a breadth-first search generates are states
// it generated a moment before by another interleaving (two independent steps taken in either
// order), and the successor's own fingerprint comes cheaply from its parent's (copy-on-touch.ts)
// where its representative takes a canonicalization: a third of a kernel search with symmetry.
// The map is a pure function of the state, so what it remembers is right whatever the search has
// stored; it is a fixed table of recent entries, one per slot (direct-mapped), so it forgets and
// costs a fixed few megabytes a thread. A false match needs two states with the same 64-bit
// fingerprint, as the visited set itself does.
import { lastFingerprint } from './fingerprint.ts';

/** Entries of the table: 2^18, 4 MB. */
const ENTRIES_LOG2 = 18;
/** Words an entry: the successor's fingerprint (hi, lo), then its representative's. */
const WORDS = 4;

export class RepresentativeCache {
  private readonly slots: Int32Array;
  private readonly mask: number;
  hits = 0;
  lookups = 0;

  constructor(entriesLog2 = ENTRIES_LOG2) {
    this.mask = (1 << entriesLog2) - 1;
    this.slots = new Int32Array((this.mask + 1) * WORDS);
  }

  /** Where the state whose fingerprint is (hi, lo) was remembered: sets lastFingerprint to its representative's. */
  find(hi: number, lo: number): boolean {
    this.lookups++;
    const at = (lo & this.mask) * WORDS;
    const s = this.slots;
    // An empty slot's low lane is 0, which no fingerprint's is (it is odd: fingerprint.ts).
    if (s[at + 1] !== (lo | 0) || s[at] !== (hi | 0)) return false;
    lastFingerprint.hi = (s[at + 2] as number) >>> 0;
    lastFingerprint.lo = (s[at + 3] as number) >>> 0;
    this.hits++;
    return true;
  }

  remember(hi: number, lo: number, repHi: number, repLo: number): void {
    const at = (lo & this.mask) * WORDS;
    const s = this.slots;
    s[at] = hi;
    s[at + 1] = lo;
    s[at + 2] = repHi;
    s[at + 3] = repLo;
  }
}
