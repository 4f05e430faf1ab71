// 64-bit fingerprint of an encoded state, as two independent 32-bit lanes (murmur3 and an
// xxhash32-style lane). Written by hand rather than taken from a hashing package: it runs once per
// generated state on a handful of integers, where a call into WASM or a Buffer-based API costs more
// than the hash itself.
//
// A state whose codec is a record is hashed field by field and its fingerprint is the lane-wise sum
// of its fields' hashes (incremental hashing, Nguyen and Ruys, "Incremental Hashing for SPIN",
// SPIN 2008): a successor shares most fields with its parent, so the search hashes only the fields
// its step touched and adds the difference to the parent's sum (copy-on-touch.ts). Each field's hash
// is seeded by its index and finished on its own, so the terms of the sum are independent and
// uniform, and two states that differ in any field differ in the sum with the probability of a
// 64-bit hash.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const P2 = 0x85ebca77;
const P3 = 0xc2b2ae3d;

/** murmur3's 32-bit finalizer. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The two lanes of the last fingerprint computed (avoids allocating a pair per state). */
export const lastFingerprint = { hi: 0, lo: 0 };

/** The two lanes of the last field hashed by `hashField`. */
export const fieldLanes = { a: 0, b: 0 };

/** Hashes field `field`'s integers, `ints[from..to)`, into `fieldLanes`. */
export function hashField(field: number, ints: ArrayLike<number>, from: number, to: number): void {
  const len = to - from;
  let h1 = 0x9747b28c ^ len ^ Math.imul(field + 1, P2);
  let h2 = (0x165667b1 + len + Math.imul(field + 1, C1)) | 0;
  for (let i = from; i < to; i++) {
    const x = ints[i] as number;
    let k = Math.imul(x, C1);
    k = (k << 15) | (k >>> 17);
    h1 ^= Math.imul(k, C2);
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    h2 = (h2 + Math.imul(x ^ ((i - from) << 8), P3)) | 0;
    h2 = Math.imul((h2 << 17) | (h2 >>> 15), P2);
  }
  fieldLanes.a = fmix32(h1) | 0;
  fieldLanes.b = fmix32(h2) | 0;
}

/** Sets `lastFingerprint` from the lane-wise sums of a state's field hashes. */
export function finishFingerprint(a: number, b: number): void {
  lastFingerprint.hi = fmix32(a);
  // The low lane is never 0, so an all-zero slot can mark an empty place in the table.
  lastFingerprint.lo = (fmix32(b ^ 0x27d4eb2f) | 1) >>> 0;
}

/** The fingerprint of an encoding taken as one field (a state whose codec is not a record). */
export function fingerprint(ints: ArrayLike<number>, len: number): void {
  hashField(0, ints, 0, len);
  finishFingerprint(fieldLanes.a, fieldLanes.b);
}

/**
 * Hashes a record's encoding, field `f` being `ints[marks[f]..marks[f + 1])`, for `fields` fields:
 * each field's lanes into `a[f]` and `b[f]`, and their lane-wise sums into `fieldLanes`.
 */
export function hashFields(ints: ArrayLike<number>, marks: ArrayLike<number>, fields: number, a: Int32Array, b: Int32Array): void {
  let sa = 0;
  let sb = 0;
  for (let f = 0; f < fields; f++) {
    hashField(f, ints, marks[f] as number, marks[f + 1] as number);
    a[f] = fieldLanes.a;
    b[f] = fieldLanes.b;
    sa = (sa + fieldLanes.a) | 0;
    sb = (sb + fieldLanes.b) | 0;
  }
  fieldLanes.a = sa;
  fieldLanes.b = sb;
}

/** TLC's estimate of the chance that two distinct states shared a fingerprint in this run. */
export function collisionProbability(distinct: number, generated: number): number {
  // Each of the (generated - distinct) lookups that found a match, and each insert, compares
  // against at most `distinct` stored fingerprints of 63 effective bits.
  return (distinct * generated) / 2 ** 63;
}
