// The fingerprint table every thread of a parallel search inserts into: open addressing with linear
// probing on a SharedArrayBuffer, three Int32 words a slot (the fingerprint's two lanes and an owner).
//
// A slot is claimed by a compare-exchange of its low lane from 0 (the low lane is never 0); the
// claimer then writes the high lane and publishes the slot by storing its owner, which is never 0.
// A thread that finds the low lane it looks for waits for the owner before it reads the high lane.
//
// The owner is what makes a level's result the one-thread search's: it is the id of the state's
// parent plus 2 (1 for an initial state), and a thread that reaches a state already inserted in the
// current level from a parent of lower id lowers it. When the level is over, the owner of each new
// state is the parent the breadth-first order meets first.
//
// A search that keeps the state graph then replaces the owner by the state's own id, stored as
// -(id + 1): negative, so never lowered again (an owner is positive), and read back to name the
// state a step leads to (coordinator.ts).
//
// A thread that lowers a slot's owner marks the slot contested, in a bitmap beside the table: at
// the level's end only a claim on a contested slot may have lost, and the threads resolving their
// chunks look up the owner of those alone (resolve.ts), not of every claim (a cache miss each).
//
// The buffer has room for four times the table (and at least MIN_ROOM slots), untouched (so not
// resident) until the table grows into it in place between two levels, as the one-thread set does
// (fpset.ts): a copy into a new buffer at every growth by a quarter touched fresh pages worth five
// times the final table, 2.6 s of a 22-second two-thread search of the 7.6-million-state
// reference, with the other thread idle. A worker thread grows it after a round while the
// coordinator takes the round in (expand.ts, growAfter).

import { allocate, grown, grownCapacity, home, MAX_LOAD, tableSize } from '../fpset.ts';
import { forEachWord, type ArraySource, type Pieces } from '../pieces.ts';

const WORDS = 3;
/**
 * A table's buffer has room for at least this many slots (192 MB of address space, not resident
 * until used): the 7.6-million-state reference then never copies its table into a larger buffer,
 * the one growth the worker threads cannot do in place.
 */
const MIN_ROOM = 1 << 24;
/** Slots a checkpoint's copy of the table takes at a time. */
const SNAPSHOT_BLOCK = 1 << 16;

/** Owner word of an initial state; a state reached from the state of id p has owner p + 2. */
export const INITIAL_OWNER = 1;

export class SharedTable {
  readonly words: Int32Array;
  readonly capacity: number;
  /** After `insert` or `has`: the slot of the fingerprint. */
  slot = 0;

  private readonly contestedBits: Int32Array;

  /**
   * The table of `capacity` slots at the start of `buffer` (which may have room beyond it), and the
   * bitmap of its contested slots.
   */
  constructor(
    readonly buffer: SharedArrayBuffer,
    capacity: number,
    readonly contestedBuffer: SharedArrayBuffer,
  ) {
    this.words = new Int32Array(buffer);
    this.capacity = capacity;
    this.contestedBits = new Int32Array(contestedBuffer);
  }

  static create(capacity: number): SharedTable {
    const cap = tableSize(Math.max(1 << 10, capacity));
    const buffer = allocate(cap, WORDS, true, MIN_ROOM).buffer as SharedArrayBuffer;
    return new SharedTable(buffer, cap, bitmapFor(buffer));
  }

  /** Slots the buffer has room for. */
  get room(): number {
    return this.words.length / WORDS;
  }

  /** This table after another thread grew it in place to `capacity` slots. */
  withCapacity(capacity: number): SharedTable {
    return new SharedTable(this.buffer, capacity, this.contestedBuffer);
  }

  /**
   * The table grown to `capacity` slots, in the same buffer where it has room (this one is then no
   * longer valid). Only while no other thread touches it.
   */
  grow(capacity: number): SharedTable {
    const to = tableSize(capacity);
    const buffer = grown(new Uint32Array(this.buffer), WORDS, this.capacity, to, true, MIN_ROOM).buffer as SharedArrayBuffer;
    return new SharedTable(buffer, to, buffer === this.buffer ? this.contestedBuffer : bitmapFor(buffer));
  }

  /** Inserts with this owner; returns false (and sets `slot`) when the fingerprint was present. */
  insert(hi: number, lo: number, owner: number): boolean {
    const w = this.words;
    const cap = this.capacity;
    const lo32 = lo | 0;
    let i = home(hi, cap);
    for (let probes = 0; probes < cap; probes++) {
      const j = i * WORDS;
      let l = w[j + 1] as number;
      if (l === 0) {
        l = Atomics.compareExchange(w, j + 1, 0, lo32);
        if (l === 0) {
          w[j] = hi | 0;
          Atomics.store(w, j + 2, owner | 0);
          this.slot = i;
          return true;
        }
      }
      if (l === lo32 && this.highAt(j) === (hi | 0)) {
        this.slot = i;
        return false;
      }
      if (++i === cap) i = 0;
    }
    throw new Error('the shared fingerprint table is full');
  }

  has(hi: number, lo: number): boolean {
    const w = this.words;
    const cap = this.capacity;
    const lo32 = lo | 0;
    let i = home(hi, cap);
    for (let probes = 0; probes < cap; probes++) {
      const j = i * WORDS;
      const l = Atomics.load(w, j + 1);
      if (l === 0) return false;
      if (l === lo32 && this.highAt(j) === (hi | 0)) return true;
      if (++i === cap) i = 0;
    }
    return false;
  }

  /** The high lane of a claimed slot, once its claimer has published it. */
  private highAt(j: number): number {
    while (Atomics.load(this.words, j + 2) === 0);
    return this.words[j] as number;
  }

  owner(slot: number): number {
    return Atomics.load(this.words, slot * WORDS + 2) >>> 0;
  }

  /** Makes `owner` the slot's owner if it is lower than the present one; returns whether it did. */
  lower(slot: number, owner: number): boolean {
    const at = slot * WORDS + 2;
    let cur = Atomics.load(this.words, at);
    // A state's id (setId) is final.
    while (owner < cur) {
      const was = Atomics.compareExchange(this.words, at, cur, owner | 0);
      if (was === cur) {
        Atomics.or(this.contestedBits, slot >>> 5, 1 << (slot & 31));
        return true;
      }
      cur = was;
    }
    return false;
  }

  /** Whether a thread lowered the slot's owner since `clearContested`. */
  contested(slot: number): boolean {
    return ((this.contestedBits[slot >>> 5] as number) & (1 << (slot & 31))) !== 0;
  }

  /** Forgets the contested slots (before a round). Only while no other thread touches the table. */
  clearContested(): void {
    this.contestedBits.fill(0, 0, Math.ceil(this.capacity / 32));
  }

  /** Replaces the slot's owner by the id of its state. Only between rounds. */
  setId(slot: number, id: number): void {
    this.words[slot * WORDS + 2] = -(id + 1);
  }

  /** The id setId gave the slot's state, or -1. */
  idAt(slot: number): number {
    const w = this.words[slot * WORDS + 2] as number;
    return w < 0 ? -w - 1 : -1;
  }

  /**
   * The table as the one-thread search's set holds it, for a checkpoint (fpset.ts): each fingerprint
   * at the same slot (the same hashing and probing), with its state's id beside it where `withIds`
   * (FingerprintIndex, for a search that keeps the graph: every stored state has its id by then).
   */
  snapshot(withIds: boolean, size: number): { size: number; slots: Pieces } {
    const width = withIds ? 3 : 2;
    return { size, slots: { type: 'u32', length: this.capacity * width, pieces: () => this.slotBlocks(width) } };
  }

  /** The slots in the one-thread set's layout, a block at a time: the table is gigabytes in a large search. */
  private *slotBlocks(width: number): Generator<Uint8Array> {
    const capacity = this.capacity;
    const w = this.words;
    const block = new Uint32Array(Math.min(capacity, SNAPSHOT_BLOCK) * width);
    for (let first = 0; first < capacity; first += SNAPSHOT_BLOCK) {
      const n = Math.min(SNAPSHOT_BLOCK, capacity - first);
      block.fill(0);
      for (let k = 0, j = first * WORDS; k < n * width; k += width, j += WORDS) {
        if (w[j + 1] === 0) continue;
        block[k] = w[j]!;
        block[k + 1] = w[j + 1]!;
        if (width === 3) block[k + 2] = this.idAt(j / WORDS);
      }
      yield new Uint8Array(block.buffer, 0, n * width * 4);
    }
  }

  /** The table a checkpoint's set (`snapshot`) holds: its states all of earlier levels. */
  static fromSnapshot(s: { readonly slots: ArraySource }, withIds: boolean): SharedTable {
    const width = withIds ? 3 : 2;
    const table = SharedTable.create(s.slots.length / width);
    // A slot's words, gathered as they come a piece at a time.
    const slot = [0, 0, 0];
    let k = 0;
    forEachWord(s.slots, (w) => {
      slot[k++] = w;
      if (k < width) return;
      k = 0;
      if (slot[1] === 0) return;
      table.insert(slot[0]!, slot[1]!, INITIAL_OWNER);
      if (withIds) table.setId(table.slot, slot[2]!);
    });
    return table;
  }

  /**
   * A table of `capacity` slots holding these entries but those whose owner is at least `dropFrom`
   * (the states a level inserted, when that level is to be expanded again). Only while no other
   * thread touches either table.
   */
  rehash(capacity: number, dropFrom: number): SharedTable {
    const next = SharedTable.create(capacity);
    const src = this.words;
    const dst = next.words;
    const cap = next.capacity;
    for (let j = 0; j < this.capacity * WORDS; j += WORDS) {
      const lo = src[j + 1] as number;
      // An id (negative) is of an earlier level: kept.
      if (lo === 0 || (src[j + 2] as number) >= dropFrom) continue;
      const hi = src[j] as number;
      let i = home(hi, cap);
      while (dst[i * WORDS + 1] !== 0) if (++i === cap) i = 0;
      dst[i * WORDS] = hi;
      dst[i * WORDS + 1] = lo;
      dst[i * WORDS + 2] = src[j + 2] as number;
    }
    return next;
  }
}

/** A bitmap of a slot per bit for every slot a table's buffer has room for. */
function bitmapFor(buffer: SharedArrayBuffer): SharedArrayBuffer {
  return new SharedArrayBuffer(Math.ceil(buffer.byteLength / (WORDS * 4) / 32) * 4);
}

/**
 * The capacity a table of `capacity` slots grows to before a round of `count` states when `stored`
 * are stored: room for what the round may store at half again `growth` new states a state (levels
 * grow and shrink gradually; the highest growth of the first levels would double the table for
 * nothing late in a search), by a quarter at a time.
 */
export function capacityAhead(stored: number, count: number, growth: number, capacity: number): number {
  let c = capacity;
  while (stored + count * growth * 1.5 > c * MAX_LOAD) c = grownCapacity(c);
  return c;
}
