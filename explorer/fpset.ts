// Set of 64-bit fingerprints in one Uint32Array with open addressing and linear probing:
// 8 bytes a slot, no per-entry objects, grown by doubling at a load of 3/4.

/** The smallest power of two, at least 16, that holds `initial` slots. */
function tableSize(initial: number): number {
  let cap = 1 << 4;
  while (cap < initial) cap *= 2;
  return cap;
}

export class FingerprintSet {
  private slots: Uint32Array;
  private mask: number;
  size = 0;

  constructor(initialCapacity = 1 << 16) {
    const cap = tableSize(initialCapacity);
    this.slots = new Uint32Array(cap * 2);
    this.mask = cap - 1;
  }

  get capacity(): number {
    return this.mask + 1;
  }

  get bytes(): number {
    return this.slots.byteLength;
  }

  /** The table, copied out (for a checkpoint). */
  snapshot(): { size: number; slots: Uint32Array } {
    return { size: this.size, slots: this.slots.slice() };
  }

  static from(s: { size: number; slots: Uint32Array }): FingerprintSet {
    const set = new FingerprintSet(s.slots.length / 2);
    set.slots = s.slots;
    set.size = s.size;
    return set;
  }

  /** Adds the fingerprint; returns false when it was already present. */
  add(hi: number, lo: number): boolean {
    const slots = this.slots;
    const mask = this.mask;
    let i = hi & mask;
    for (;;) {
      const j = i << 1;
      const slo = slots[j + 1] as number;
      if (slo === 0) {
        slots[j] = hi;
        slots[j + 1] = lo;
        if (++this.size * 4 > this.capacity * 3) this.grow();
        return true;
      }
      if (slo === lo && slots[j] === hi) return false;
      i = (i + 1) & mask;
    }
  }

  has(hi: number, lo: number): boolean {
    const slots = this.slots;
    let i = hi & this.mask;
    for (;;) {
      const j = i << 1;
      const slo = slots[j + 1] as number;
      if (slo === 0) return false;
      if (slo === lo && slots[j] === hi) return true;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const old = this.slots;
    const cap = this.capacity * 2;
    this.slots = new Uint32Array(cap * 2);
    this.mask = cap - 1;
    const slots = this.slots;
    const mask = this.mask;
    for (let j = 0; j < old.length; j += 2) {
      const lo = old[j + 1] as number;
      if (lo === 0) continue;
      const hi = old[j] as number;
      let i = hi & mask;
      while ((slots[(i << 1) + 1] as number) !== 0) i = (i + 1) & mask;
      slots[i << 1] = hi;
      slots[(i << 1) + 1] = lo;
    }
  }
}

/**
 * The same set with each fingerprint's insertion number beside it (12 bytes a slot), for a search
 * that keeps the state graph and so must name the state a step leads back to.
 */
export class FingerprintIndex {
  private slots: Uint32Array;
  private mask: number;
  size = 0;
  /** After `add`: the insertion number of the fingerprint, new or already present. */
  found = -1;

  constructor(initialCapacity = 1 << 16) {
    const cap = tableSize(initialCapacity);
    this.slots = new Uint32Array(cap * 3);
    this.mask = cap - 1;
  }

  get capacity(): number {
    return this.mask + 1;
  }

  get bytes(): number {
    return this.slots.byteLength;
  }

  snapshot(): { size: number; slots: Uint32Array } {
    return { size: this.size, slots: this.slots.slice() };
  }

  static from(s: { size: number; slots: Uint32Array }): FingerprintIndex {
    const index = new FingerprintIndex(s.slots.length / 3);
    index.slots = s.slots;
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
    if (++this.size * 4 > this.capacity * 3) this.grow();
    return true;
  }

  has(hi: number, lo: number): boolean {
    return this.slots[this.slot(hi, lo) + 1] !== 0;
  }

  /** The slot holding the fingerprint, or the empty one where it would go (lo is never 0). */
  private slot(hi: number, lo: number): number {
    const slots = this.slots;
    let i = hi & this.mask;
    for (;;) {
      const j = i * 3;
      const slo = slots[j + 1] as number;
      if (slo === 0 || (slo === lo && slots[j] === hi)) return j;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const old = this.slots;
    const cap = this.capacity * 2;
    this.slots = new Uint32Array(cap * 3);
    this.mask = cap - 1;
    for (let j = 0; j < old.length; j += 3) {
      if (old[j + 1] === 0) continue;
      const at = this.slot(old[j] as number, old[j + 1] as number);
      this.slots[at] = old[j] as number;
      this.slots[at + 1] = old[j + 1] as number;
      this.slots[at + 2] = old[j + 2] as number;
    }
  }
}
