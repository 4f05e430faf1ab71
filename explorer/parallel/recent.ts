// The fingerprints one thread of a parallel search met last, in 256 KB beside the shared table
// (fpset.ts has the same cache for one thread): most states the search generates again were
// generated a little earlier, from a neighbour of their parent. Each entry holds the slot the
// fingerprint has and the owner this thread inserted it with or tried to lower it to; the slot's
// owner is at most that, since an owner only falls. A state met again from a parent with an owner
// no lower would not lower it (SharedTable.lower), so the thread skips the shared table, and the
// cache miss it costs in a table of tens of megabytes.
import type { SharedTable } from './table.ts';

const ENTRIES = 1 << 14;
const WORDS = 4;

export class RecentSlots {
  private readonly words = new Int32Array(ENTRIES * WORDS);
  private table: SharedTable | null = null;

  /** The slot of a fingerprint met last in `table` with an owner at most `owner`, or -1 (a table grown since moves every slot). */
  find(table: SharedTable, hi: number, lo: number, owner: number): number {
    if (table !== this.table) {
      this.words.fill(0);
      this.table = table;
      return -1;
    }
    const w = this.words;
    const r = (lo & (ENTRIES - 1)) * WORDS;
    return w[r + 1] === (lo | 0) && w[r] === (hi | 0) && (w[r + 2] as number) <= owner ? (w[r + 3] as number) : -1;
  }

  /** The fingerprint has `slot`, and an owner at most `owner`. */
  remember(hi: number, lo: number, owner: number, slot: number): void {
    const w = this.words;
    const r = (lo & (ENTRIES - 1)) * WORDS;
    w[r] = hi | 0;
    w[r + 1] = lo | 0;
    w[r + 2] = owner | 0;
    w[r + 3] = slot | 0;
  }
}
