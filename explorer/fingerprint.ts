// 64-bit fingerprint of an encoded state, as two independent 32-bit lanes (murmur3 and an
// xxhash32-style lane). Written by hand rather than taken from a hashing package: it runs once per
// generated state on a handful of integers, where a call into WASM or a Buffer-based API costs more
// than the hash itself.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const P2 = 0x85ebca77;
const P3 = 0xc2b2ae3d;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The two lanes of the last fingerprint computed (avoids allocating a pair per state). */
export const lastFingerprint = { hi: 0, lo: 0 };

export function fingerprint(ints: Int32Array, len: number): void {
  let h1 = 0x9747b28c ^ len;
  let h2 = 0x165667b1 + len;
  for (let i = 0; i < len; i++) {
    const x = ints[i] as number;
    let k = Math.imul(x, C1);
    k = (k << 15) | (k >>> 17);
    h1 ^= Math.imul(k, C2);
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    h2 = (h2 + Math.imul(x ^ (i << 8), P3)) | 0;
    h2 = Math.imul((h2 << 17) | (h2 >>> 15), P2);
  }
  lastFingerprint.hi = fmix32(h1);
  // The low lane is never 0, so an all-zero slot can mark an empty place in the table.
  lastFingerprint.lo = (fmix32(h2) | 1) >>> 0;
}

/** TLC's estimate of the chance that two distinct states shared a fingerprint in this run. */
export function collisionProbability(distinct: number, generated: number): number {
  // Each of the (generated - distinct) lookups that found a match, and each insert, compares
  // against at most `distinct` stored fingerprints of 63 effective bits.
  return (distinct * generated) / 2 ** 63;
}
