// The compact stores the search keeps its states in: what goes in comes out, in order.
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FingerprintIndex, FingerprintSet, grownCapacity, home, MAX_LOAD } from '../../explorer/fpset.ts';
import { fingerprint, lastFingerprint } from '../../explorer/fingerprint.ts';
import { piecesOf } from '../../explorer/pieces.ts';
import { U32Vec, VarintQueue } from '../../explorer/store.ts';
import { ByteReader, ByteWriter } from '../../explorer/parallel/bytes.ts';

describe('FingerprintSet', () => {
  it('behaves as a set of 64-bit pairs across growth', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 0xffffffff }), fc.integer({ min: 1, max: 0xffffffff })), { maxLength: 3000 }), (pairs) => {
        const set = new FingerprintSet(16);
        const model = new Set<string>();
        for (const [hi, lo] of pairs) {
          expect(set.add(hi, lo)).toBe(!model.has(`${hi}:${lo}`));
          model.add(`${hi}:${lo}`);
        }
        expect(set.size).toBe(model.size);
        for (const [hi, lo] of pairs) expect(set.has(hi, lo)).toBe(true);
        expect(set.has(7, 0x12345)).toBe(model.has(`7:${0x12345}`));
      }),
      { numRuns: 50 },
    );
  });

  it('is still a set where fingerprints share their low lane or its last 15 bits (the cache of recent ones)', () => {
    const lane = fc.integer({ min: 0, max: 7 });
    fc.assert(
      fc.property(fc.array(fc.tuple(lane, lane), { maxLength: 500 }), (pairs) => {
        const set = new FingerprintSet(16);
        const model = new Set<string>();
        for (const [h, l] of pairs) {
          // Low lanes 1 + k * 2^15 all fall on one slot of the cache; high lanes 0-7 share theirs.
          const hi = h;
          const lo = 1 + l * 0x8000;
          expect(set.add(hi, lo)).toBe(!model.has(`${hi}:${lo}`));
          model.add(`${hi}:${lo}`);
        }
        expect(set.size).toBe(model.size);
      }),
      { numRuns: 200 },
    );
  });

  it('grows in place without losing a fingerprint whose cluster wraps round or starts at the first slots', () => {
    const edge = fc.oneof(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 0xffffffff - 200_000, max: 0xffffffff }), fc.nat({ max: 0xffffffff }));
    fc.assert(
      fc.property(fc.array(fc.tuple(edge, fc.integer({ min: 1, max: 0xffffffff })), { minLength: 100, maxLength: 2000 }), (pairs) => {
        const set = new FingerprintSet(16);
        const index = new FingerprintIndex(16);
        const ids = new Map<string, number>();
        for (const [hi, lo] of pairs) {
          set.add(hi, lo);
          index.add(hi, lo);
          if (!ids.has(`${hi}:${lo}`)) ids.set(`${hi}:${lo}`, ids.size);
        }
        for (const [hi, lo] of pairs) {
          expect(set.has(hi, lo)).toBe(true);
          expect(index.add(hi, lo)).toBe(false);
          expect(index.found).toBe(ids.get(`${hi}:${lo}`));
        }
        expect([set.size, index.size]).toEqual([ids.size, ids.size]);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps its load between 0.6 and 0.75 once it has grown, on a table of any size', () => {
    const set = new FingerprintSet(16);
    let grown = 0;
    let least = 1;
    let most = 0;
    for (let i = 1; i <= 200_000; i++) {
      const cap = set.capacity;
      set.add(Math.imul(i, 0x9e3779b1) >>> 0, i);
      if (set.capacity !== cap) grown++;
      if (set.capacity >= 1024) least = Math.min(least, set.size / set.capacity);
      most = Math.max(most, set.size / set.capacity);
    }
    expect(least).toBeGreaterThanOrEqual(0.59);
    expect(most).toBeLessThanOrEqual(MAX_LOAD);
    expect(grown).toBeGreaterThan(20);
    expect(set.capacity % 16).toBe(0);
    expect(set.capacity & (set.capacity - 1)).not.toBe(0);
  });

  it('comes back from a snapshot of a table that is not a power of two, finding what it held', () => {
    const set = new FingerprintSet(1000);
    const index = new FingerprintIndex(1000);
    for (let i = 1; i <= 5000; i++) {
      set.add((Math.imul(i, 0x85ebca6b) >>> 0), i);
      index.add((Math.imul(i, 0x85ebca6b) >>> 0), i);
    }
    const again = FingerprintSet.from(set.snapshot());
    const againIndex = FingerprintIndex.from(index.snapshot());
    expect(again.capacity).toBe(set.capacity);
    for (let i = 1; i <= 5000; i++) {
      expect(again.add((Math.imul(i, 0x85ebca6b) >>> 0), i)).toBe(false);
      expect(againIndex.add((Math.imul(i, 0x85ebca6b) >>> 0), i)).toBe(false);
      expect(againIndex.found).toBe(i - 1);
    }
    expect(again.add(1, 5001)).toBe(true);
  });

  it('sends every high lane to a slot of the table, the extremes included', () => {
    for (const cap of [16, 1000, grownCapacity(1 << 20), 2 ** 30 + 16])
      for (const hi of [0, 1, 0x7fffffff, -1, 0xffffffff, -0x80000000]) {
        const h = home(hi, cap);
        expect(Number.isInteger(h) && h >= 0 && h < cap).toBe(true);
      }
  });
});

describe('fingerprint', () => {
  it('gives distinct fingerprints to distinct short vectors (no collision among 100k)', () => {
    const seen = new Set<string>();
    const v = new Int32Array(4);
    for (let i = 0; i < 100_000; i++) {
      v[0] = i % 10;
      v[1] = (i / 10) % 10 | 0;
      v[2] = (i / 100) % 100 | 0;
      v[3] = (i / 10_000) | 0;
      fingerprint(v, 4);
      seen.add(`${lastFingerprint.hi}:${lastFingerprint.lo}`);
    }
    expect(seen.size).toBe(100_000);
  });

  it('depends on the length: a vector and its zero-padded copy differ', () => {
    fingerprint(new Int32Array([1, 2, 0]), 2);
    const a = { ...lastFingerprint };
    fingerprint(new Int32Array([1, 2, 0]), 3);
    expect(lastFingerprint).not.toEqual(a);
  });
});

/** A vector of nibbles (stored two to a byte), of mostly nibbles, of signed bytes (stored raw) or of any 32-bit integers (stored as varints). */
const vector = (size: { minLength?: number; maxLength: number }) =>
  fc.oneof(
    fc.array(fc.integer({ min: -8, max: 7 }), size),
    // Mostly nibbles, a few bytes: escaped nibbles (or raw bytes, where escapes would not be shorter).
    fc.array(fc.oneof({ weight: 9, arbitrary: fc.integer({ min: -8, max: 7 }) }, { weight: 1, arbitrary: fc.integer({ min: -128, max: 127 }) }), size),
    fc.array(fc.integer({ min: -128, max: 127 }), size),
    fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), size),
  );

describe('VarintQueue', () => {
  it('returns the vectors pushed, in order, including negatives and large values', () => {
    fc.assert(
      fc.property(fc.array(vector({ maxLength: 40 }), { maxLength: 200 }), (vectors) => {
        const q = new VarintQueue();
        const out = { buf: new Int32Array(1), len: 0 };
        for (const v of vectors) q.push(Int32Array.from(v), v.length);
        expect(q.count).toBe(vectors.length);
        for (const v of vectors) {
          q.shift(out);
          expect(Array.from(out.buf.subarray(0, out.len))).toEqual(v);
        }
        expect(q.heldBytes).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  it('crosses chunk boundaries, with vectors of varints and of raw bytes', () => {
    const q = new VarintQueue();
    const v = Int32Array.from({ length: 1000 }, (_, i) => i * 7919);
    const bytes = Int32Array.from({ length: 999 }, (_, i) => ((i * 31) & 0xff) - 128);
    for (let i = 0; i < 6000; i++) q.push(i % 3 === 0 ? bytes : v, i % 3 === 0 ? bytes.length : v.length);
    const out = { buf: new Int32Array(1), len: 0 };
    for (let i = 0; i < 6000; i++) {
      q.shift(out);
      if (i % 3 === 0) expect([out.len, out.buf[998]]).toEqual([999, ((998 * 31) & 0xff) - 128]);
      else expect([out.len, out.buf[999]]).toEqual([1000, 999 * 7919]);
    }
  });

  it('reuses the chunks it has read for the ones it writes, without losing a vector', () => {
    // 64 KB chunks; read as it is written, as a search's frontier is, through some 200 of them.
    const q = new VarintQueue(1 << 18);
    const vector = (k: number): Int32Array => Int32Array.from({ length: 40 + (k % 60) }, (_, i) => (k % 3 === 0 ? ((k + i) & 0x7f) - 64 : k * 1000 + i));
    const out = { buf: new Int32Array(1), len: 0 };
    let next = 0;
    let expected = 0;
    for (; next < 300; next++) q.push(vector(next), vector(next).length);
    for (let round = 0; round < 60_000; round++) {
      q.shift(out);
      expect(Array.from(out.buf.subarray(0, out.len))).toEqual(Array.from(vector(expected++)));
      q.push(vector(next), vector(next).length);
      next++;
    }
    expect(q.peakSpilledBytes).toBe(0);
    expect(q.count).toBe(300);
  });

  it('stores a vector of nibbles in half a byte a value, of mostly nibbles with the rest escaped, of signed bytes in a byte a value', () => {
    const q = new VarintQueue();
    q.push(Int32Array.from([0, 7, -8, -1, 3]), 5);
    expect(q.heldBytes).toBe(1 + 3);
    q.push(Int32Array.from([0, 127, -1, -128]), 4);
    expect(q.heldBytes).toBe(4 + 5);
    q.push(Int32Array.from([128]), 1);
    expect(q.heldBytes).toBe(4 + 5 + 3);
    // Eight nibbles and a byte escaped: 11 nibbles in 6 bytes, after a header of one.
    q.push(Int32Array.from([1, 2, 3, -7, 7, 0, 0, 5, 100]), 9);
    expect(q.heldBytes).toBe(4 + 5 + 3 + 7);
    const out = { buf: new Int32Array(1), len: 0 };
    q.shift(out);
    expect(Array.from(out.buf.subarray(0, out.len))).toEqual([0, 7, -8, -1, 3]);
    q.shift(out);
    expect(Array.from(out.buf.subarray(0, out.len))).toEqual([0, 127, -1, -128]);
    q.shift(out);
    q.shift(out);
    expect(Array.from(out.buf.subarray(0, out.len))).toEqual([1, 2, 3, -7, 7, 0, 0, 5, 100]);
  });
});

describe('VarintQueue: encoded runs (the parallel search)', () => {
  it("writes each vector as the threads' byte streams do, and reads theirs", () => {
    fc.assert(
      fc.property(fc.array(vector({ maxLength: 70 }), { maxLength: 40 }), (vectors) => {
        const w = new ByteWriter(16);
        const q = new VarintQueue();
        for (const v of vectors) {
          w.ints(Int32Array.from(v), v.length);
          q.push(Int32Array.from(v), v.length);
        }
        const bytes = w.take();
        expect(Array.from(q.shiftEncoded(vectors.length + 1, Infinity).bytes)).toEqual(Array.from(bytes));
        const r = new ByteReader(bytes);
        const out = { buf: new Int32Array(1), len: 0 };
        for (const v of vectors) {
          r.ints(out);
          expect(Array.from(out.buf.subarray(0, out.len))).toEqual(v);
        }
        expect(r.pos).toBe(bytes.length);
      }),
      { numRuns: 100 },
    );
  });

  it('takes back as bytes the vectors pushed, and vectors the bytes pushed, in order, through a spilled middle', () => {
    let spilled = false;
    fc.assert(
      fc.property(
        // Mostly vectors long enough to spill, and some empty ones.
        fc.array(fc.oneof(fc.constant([]), vector({ minLength: 20, maxLength: 300 })), { minLength: 100, maxLength: 300 }),
        fc.integer({ min: 1, max: 1 << 13 }),
        (vectors, maxBytes) => {
          const q = new VarintQueue(1 << 13);
          for (const v of vectors) q.push(Int32Array.from(v), v.length);
          // Taken in runs of at most maxBytes (at least one vector), then pushed back as bytes.
          const runs: { bytes: Uint8Array; ends: Float64Array }[] = [];
          while (q.count > 0) runs.push(q.shiftEncoded(7, maxBytes));
          expect(runs.every((r) => r.ends.length >= 1 && r.ends.length <= 7 && (r.ends.length === 1 || r.bytes.length <= maxBytes))).toBe(true);
          expect(runs.reduce((n, r) => n + r.ends.length, 0)).toBe(vectors.length);
          for (const r of runs) q.pushEncoded(r.bytes, 0, r.bytes.length, r.ends.length);
          spilled ||= q.peakSpilledBytes > 0;
          const out = { buf: new Int32Array(1), len: 0 };
          for (const v of vectors) {
            q.shift(out);
            expect(Array.from(out.buf.subarray(0, out.len))).toEqual(v);
          }
          expect(q.count).toBe(0);
          q.close();
        },
      ),
      { numRuns: 40 },
    );
    expect(spilled).toBe(true);
  });
});

describe('U32Vec', () => {
  it('keeps what is pushed, across chunks', () => {
    const u = new U32Vec();
    for (let i = 0; i < 1_100_000; i++) u.push((i * 3) >>> 0);
    expect([u.length, u.get(0), u.get(1_048_575), u.get(1_048_576), u.get(1_099_999)]).toEqual([1_100_000, 0, 3_145_725, 3_145_728, 3_299_997]);
    expect(u.fileBytes).toBe(0);
  });

  it('on disk, keeps all but its last chunk in a file and reads any entry back, in order or not', () => {
    const n = 2_500_000; // nine full chunks of 2^18, then part of a tenth
    const u = new U32Vec(true);
    for (let i = 0; i < n; i++) u.push(Math.imul(i, 2654435761) >>> 0);
    expect(u.fileBytes).toBe(9 * 2 ** 18 * 4);
    expect(u.bytes).toBe((n - 9 * 2 ** 18) * 4);
    for (const i of [0, 262_143, 262_144, 2_000_000, 17, n - 1, 3]) expect(u.get(i)).toBe(Math.imul(i, 2654435761) >>> 0);
    let wrong = 0;
    for (let i = 0; i < n; i++) if (u.get(i) !== Math.imul(i, 2654435761) >>> 0) wrong++;
    expect(wrong).toBe(0);
    const snap = U32Vec.from(u.snapshot(), true);
    expect([snap.length, snap.get(1_234_567), snap.fileBytes]).toEqual([n, Math.imul(1_234_567, 2654435761) >>> 0, 9 * 2 ** 18 * 4]);
    const files = () => readdirSync(tmpdir()).filter((f) => f.startsWith('sva-check-trace-')).length;
    const before = files();
    u.close();
    snap.close();
    expect(files()).toBe(before - 2);
  });
});

describe('VarintQueue: memory budget', () => {
  /** A queue filled from another's snapshot a piece at a time, as a resumed search's frontier is (checkpoint.ts restoreFrontier). */
  const restored = (snap: ReturnType<VarintQueue['snapshot']>, memoryBudget = Infinity): VarintQueue => {
    const q = new VarintQueue(memoryBudget);
    let first = true;
    for (const piece of piecesOf(snap.bytes)) {
      q.pushEncoded(piece, 0, piece.length, first ? snap.count : 0);
      first = false;
    }
    return q;
  };

  it('with a memory budget, spills its middle to a file and reads it back in order, interleaved pushes and shifts included', () => {
    let spilled = false;
    let respilled = false;
    fc.assert(
      // One shift for three pushes: the backlog grows well past the budget.
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }).map((k) => k === 0), vector({ minLength: 100, maxLength: 600 })), { minLength: 100, maxLength: 400 }), (ops) => {
        const q = new VarintQueue(1 << 14);
        const model: number[][] = [];
        const out = { buf: new Int32Array(1), len: 0 };
        for (const [shift, v] of ops) {
          if (shift && model.length > 0) {
            q.shift(out);
            expect(Array.from(out.buf.subarray(0, out.len))).toEqual(model.shift());
          } else {
            q.push(Int32Array.from(v), v.length);
            model.push(v);
          }
          // The budget holds but for the two ends: the chunk being read and the one being written.
          expect(q.heldBytes - q.spilledBytes).toBeLessThanOrEqual((1 << 14) + 2 * (1 << 12));
        }
        spilled ||= q.peakSpilledBytes > 0;
        const snap = q.snapshot();
        const copy = restored(snap);
        // Restored under the same budget (a resumed search's): spilled again as it is read in.
        const spilledCopy = restored(snap, 1 << 14);
        expect(spilledCopy.heldBytes - spilledCopy.spilledBytes).toBeLessThanOrEqual((1 << 14) + 2 * (1 << 12));
        respilled ||= spilledCopy.spilledBytes > 0;
        for (const v of model) {
          q.shift(out);
          expect(Array.from(out.buf.subarray(0, out.len))).toEqual(v);
          copy.shift(out);
          expect(Array.from(out.buf.subarray(0, out.len))).toEqual(v);
          spilledCopy.shift(out);
          expect(Array.from(out.buf.subarray(0, out.len))).toEqual(v);
        }
        q.close();
        spilledCopy.close();
      }),
      { numRuns: 30 },
    );
    expect(spilled).toBe(true);
    expect(respilled).toBe(true);
  });

  it('spills once the chunks in memory exceed the budget, and deletes its file when closed', () => {
    const q = new VarintQueue(1 << 14);
    const v = Int32Array.from({ length: 1000 }, (_, i) => i * 7919);
    for (let i = 0; i < 200; i++) q.push(v, v.length);
    expect(q.spilledBytes).toBeGreaterThan(0);
    expect(q.peakSpilledBytes).toBe(q.spilledBytes);
    const out = { buf: new Int32Array(1), len: 0 };
    for (let i = 0; i < 200; i++) q.shift(out);
    expect(out.buf[999]).toBe(999 * 7919);
    expect(q.spilledBytes).toBe(0);
    q.close();
  });
});
