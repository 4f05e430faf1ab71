// Set of 64-bit fingerprints in one Uint32Array with open addressing and linear probing: 8 bytes a
// slot, no per-entry objects. A fingerprint's home slot is its high lane scaled to the table
// (`home`), so the table need not be a power of two: it grows by a quarter at a load of 3/4, which
// keeps the load between 0.6 and 0.75 (10.7 to 13.3 bytes a fingerprint) where doubling would let it
// fall to 0.375 (21.3 bytes).
//
// The array is allocated with room for four times the table, which costs nothing until it is
// written (the pages of a large allocation come from the kernel on first touch), and the table grows
// into that room in place. Memory touched for the first time is what growing costs: 14 microseconds
// a 4 KB page on this project's virtual machines, so a copy into a new array at every growth by a
// quarter took two seconds of a seven-million-state search, and in place it touches each page once.

import { wholeU32, type ArraySource } from './pieces.ts';

/** Largest load before the table grows. */
export const MAX_LOAD = 0.75;

/** The slot a fingerprint whose high lane is `hi` probes first in a table of `capacity` slots. */
export function home(hi: number, capacity: number): number {
  // Lemire's multiply-shift range reduction in doubles: below `capacity` for every 32-bit `hi`,
  // the same on every machine (IEEE arithmetic), which checkpoints rely on, and monotone in `hi`,
  // which growing in place relies on.
  return Math.floor(((hi >>> 0) * capacity) / 4294967296);
}

/** The capacity after `capacity` a table grows to: a quarter more, in whole cache lines of slots. */
export function grownCapacity(capacity: number): number {
  return Math.ceil((capacity * 1.25) / 16) * 16;
}

/** At least `initial` slots, at least 16, in whole cache lines. */
export function tableSize(initial: number): number {
  return Math.max(16, Math.ceil(initial / 16) * 16);
}

/**
 * An array for a table of `capacity` slots of `width` words, with room to grow: four times as many
 * slots (a typed array holds at most 2^32 - 1 words), or as many as the system will reserve, or none.
 * `shared`: on a SharedArrayBuffer, for the threads of a parallel search (parallel/table.ts), with
 * room for at least `minRoom` slots.
 */
export function allocate(capacity: number, width: number, shared = false, minRoom = 0): Uint32Array {
  const make = (slots: number): Uint32Array => (shared ? new Uint32Array(new SharedArrayBuffer(slots * width * 4)) : new Uint32Array(slots * width));
  for (let room = Math.min(Math.max(capacity * 4, minRoom), Math.floor((2 ** 32 - 1) / width)); room > capacity; room = Math.floor(room / 2)) {
    try {
      return make(room);
    } catch {
      // Refused (the kernel will not overcommit so much): less room.
    }
  }
  return make(capacity);
}

/**
 * Grows a table of `width`-word slots (words 0 and 1 the fingerprint's lanes, the low one 0 in an
 * empty slot) from `from` slots to `to` in the same array. The slots are taken from the top down and
 * each goes to the first empty slot from its new home above the one being read, where only moved
 * fingerprints can be: new homes are a quarter higher than old ones, so nearly all fit there. The
 * few that do not (homes among the first few slots, clusters that wrapped round) are inserted last.
 */
function growInPlace(slots: Uint32Array, width: number, from: number, to: number): void {
  const later: number[] = [];
  for (let p = from - 1; p >= 0; p--) {
    const j = p * width;
    const lo = slots[j + 1] as number;
    if (lo === 0) continue;
    const hi = slots[j] as number;
    const third = width === 3 ? (slots[j + 2] as number) : 0;
    // The whole slot is emptied: a parallel search's reader takes a slot whose third word (its
    // owner) is set for published (parallel/table.ts).
    for (let w = 0; w < width; w++) slots[j + w] = 0;
    let s = home(hi, to);
    let placed = s > p;
    while (placed && slots[s * width + 1] !== 0) if (++s === to) placed = false;
    if (placed) {
      const t = s * width;
      slots[t] = hi;
      slots[t + 1] = lo;
      if (width === 3) slots[t + 2] = third;
    } else if (width === 3) later.push(hi, lo, third);
    else later.push(hi, lo);
  }
  for (let k = 0; k < later.length; k += width) {
    let s = home(later[k] as number, to);
    while (slots[s * width + 1] !== 0) if (++s === to) s = 0;
    for (let w = 0; w < width; w++) slots[s * width + w] = later[k + w] as number;
  }
}

/** A table's array after growing to `to` slots: the same one when it has room, else a larger copy. */
export function grown(slots: Uint32Array, width: number, from: number, to: number, shared = false, minRoom = 0): Uint32Array {
  let out = slots;
  if (to * width > slots.length) {
    out = allocate(to, width, shared, minRoom);
    out.set(slots.subarray(0, from * width));
  }
  growInPlace(out, width, from, to);
  return out;
}

/**
 * Slots of the cache in front of FingerprintSet's table: 256 KB, within a core's L2. Most states a
 * breadth-first search generates again were generated a little earlier, from a neighbour of their
 * parent (the two orders of two independent steps): 60-66% of all lookups at the page-fault
 * reference models, 61% at `default`, 50% at producer/consumer. Found there, they cost no miss in a
 * table of tens of megabytes: the 7.6-million-state reference took 26.6-26.8 s against 27.8-28.0
 * without it, in runs side by side (3-4%, about the spread of single runs).
 */
const RECENT = 1 << 15;

export class FingerprintSet {
  private slots: Uint32Array;
  capacity: number;
  size = 0;

  constructor(initialCapacity = 1 << 16) {
    this.capacity = tableSize(initialCapacity);
    this.slots = allocate(this.capacity, 2);
  }

  /** Bytes of the table (the room beyond it is never touched, so never resident) and of its cache. */
  get bytes(): number {
    return this.capacity * 8 + this.recent.byteLength;
  }

  /** The table, for a checkpoint: a view of it, valid until the next `add`. */
  snapshot(): { size: number; slots: Uint32Array } {
    return { size: this.size, slots: this.slots.subarray(0, this.capacity * 2) };
  }

  /** The set a snapshot holds; it takes an array in memory as its own. */
  static from(s: { size: number; slots: ArraySource }): FingerprintSet {
    const set = new FingerprintSet(16);
    set.slots = wholeU32(s.slots);
    set.capacity = set.slots.length / 2;
    set.size = s.size;
    return set;
  }

  /** The fingerprints added or found last, by their low lane (RECENT): each one is in the table. */
  private readonly recent = new Uint32Array(RECENT * 2);

  /** Adds the fingerprint; returns false when it was already present. */
  add(hi: number, lo: number): boolean {
    const recent = this.recent;
    const r = (lo & (RECENT - 1)) << 1;
    if (recent[r + 1] === lo && recent[r] === hi) return false;
    recent[r] = hi;
    recent[r + 1] = lo;
    const slots = this.slots;
    const cap = this.capacity;
    let i = home(hi, cap);
    for (;;) {
      const j = i << 1;
      const slo = slots[j + 1] as number;
      if (slo === 0) {
        slots[j] = hi;
        slots[j + 1] = lo;
        if (++this.size > cap * MAX_LOAD) this.grow();
        return true;
      }
      if (slo === lo && slots[j] === hi) return false;
      if (++i === cap) i = 0;
    }
  }

  has(hi: number, lo: number): boolean {
    const slots = this.slots;
    const cap = this.capacity;
    let i = home(hi, cap);
    for (;;) {
      const j = i << 1;
      const slo = slots[j + 1] as number;
      if (slo === 0) return false;
      if (slo === lo && slots[j] === hi) return true;
      if (++i === cap) i = 0;
    }
  }

  private grow(): void {
    const to = grownCapacity(this.capacity);
    this.slots = grown(this.slots, 2, this.capacity, to);
    this.capacity = to;
  }
}

/**
 * The same set with each fingerprint's insertion number beside it (12 bytes a slot), for a search
 * that keeps the state graph and so must name the state a step leads back to.
 */
export class FingerprintIndex {
  private slots: Uint32Array;
  capacity: number;
  size = 0;
  /** After `add`: the insertion number of the fingerprint, new or already present. */
  found = -1;

  constructor(initialCapacity = 1 << 16) {
    this.capacity = tableSize(initialCapacity);
    this.slots = allocate(this.capacity, 3);
  }

  get bytes(): number {
    return this.capacity * 12;
  }

  snapshot(): { size: number; slots: Uint32Array } {
    return { size: this.size, slots: this.slots.subarray(0, this.capacity * 3) };
  }

  static from(s: { size: number; slots: ArraySource }): FingerprintIndex {
    const index = new FingerprintIndex(16);
    index.slots = wholeU32(s.slots);
    index.capacity = index.slots.length / 3;
    index.size = s.size;
    return index;
  }

  add(hi: number, lo: number): boolean {
    const slot = this.slot(hi, lo);
    const slots = this.slots;
    if (slots[slot + 1] !== 0) {
      this.found = slots[slot + 2] as number;
      return false;
    }
    slots[slot] = hi;
    slots[slot + 1] = lo;
    slots[slot + 2] = this.size;
    this.found = this.size;
    if (++this.size > this.capacity * MAX_LOAD) this.grow();
    return true;
  }

  has(hi: number, lo: number): boolean {
    return this.slots[this.slot(hi, lo) + 1] !== 0;
  }

  /** The slot holding the fingerprint, or the empty one where it would go (lo is never 0). */
  private slot(hi: number, lo: number): number {
    const slots = this.slots;
    const cap = this.capacity;
    let i = home(hi, cap);
    for (;;) {
      const j = i * 3;
      const slo = slots[j + 1] as number;
      if (slo === 0 || (slo === lo && slots[j] === hi)) return j;
      if (++i === cap) i = 0;
    }
  }

  private grow(): void {
    const to = grownCapacity(this.capacity);
    this.slots = grown(this.slots, 3, this.capacity, to);
    this.capacity = to;
  }
}
