// Byte streams of varints for what crosses between threads: a level's frontier (encoded states, as
// the one-thread search's VarintQueue holds them) and each chunk's results. One flat buffer a
// chunk costs one copy to move; an object per state would cost a structured clone each.
import { BYTES, ESCAPED, escapedNibbles, formOf, NIBBLES, nibbleBytes, packAs, signedBytes, unpackAs, VARINTS } from '../store.ts';

export class ByteWriter {
  buf: Uint8Array;
  len = 0;

  constructor(initial = 1 << 12) {
    this.buf = new Uint8Array(initial);
  }

  /** Room for `need` more bytes. */
  reserve(need: number): void {
    if (this.len + need > this.buf.length) this.grow(need);
  }

  private grow(need: number): void {
    let size = this.buf.length * 2;
    while (size < this.len + need) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.buf.subarray(0, this.len));
    this.buf = bigger;
  }

  /** An unsigned integer below 2^32. */
  uint(v: number): void {
    if (this.len + 5 > this.buf.length) this.grow(5);
    const buf = this.buf;
    let z = v >>> 0;
    while (z >= 0x80) {
      buf[this.len++] = (z & 0x7f) | 0x80;
      z >>>= 7;
    }
    buf[this.len++] = z;
  }

  /** An encoded state, as the VarintQueue writes it (store.ts): nibbles, raw bytes or zigzag varints, the most compact that fits. */
  ints(ints: Int32Array, n: number): void {
    const form = formOf(ints, n);
    if (form === NIBBLES || form === ESCAPED) {
      const nibbles = form === NIBBLES ? n : escapedNibbles;
      this.uint(nibbles * 4 + form);
      const size = nibbleBytes(nibbles);
      if (this.len + size > this.buf.length) this.grow(size);
      packAs(form, ints, n, this.buf, this.len);
      this.len += size;
      return;
    }
    if (form === BYTES) {
      this.uint(n * 4 + BYTES);
      if (this.len + n > this.buf.length) this.grow(n);
      const buf = this.buf;
      let at = this.len;
      for (let i = 0; i < n; i++) buf[at++] = ints[i] as number;
      this.len = at;
      return;
    }
    this.uint(n * 4 + VARINTS);
    if (this.len + 5 * n > this.buf.length) this.grow(5 * n);
    const buf = this.buf;
    let at = this.len;
    for (let i = 0; i < n; i++) {
      const v = ints[i] as number;
      let z = ((v << 1) ^ (v >> 31)) >>> 0;
      while (z >= 0x80) {
        buf[at++] = (z & 0x7f) | 0x80;
        z >>>= 7;
      }
      buf[at++] = z;
    }
    this.len = at;
  }

  bytes(from: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (this.len + n > this.buf.length) this.grow(n);
    this.buf.set(from.subarray(start, end), this.len);
    this.len += n;
  }

  /** The bytes written, in a buffer of their own (to transfer). */
  take(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

export class ByteReader {
  pos: number;

  constructor(
    public buf: Uint8Array,
    start = 0,
  ) {
    this.pos = start;
  }

  uint(): number {
    const buf = this.buf;
    let b = buf[this.pos++] as number;
    if (b < 0x80) return b;
    let z = b & 0x7f;
    let shift = 7;
    for (;;) {
      b = buf[this.pos++] as number;
      z |= (b & 0x7f) << shift;
      if (b < 0x80) return z >>> 0;
      shift += 7;
    }
  }

  /** Reads an encoded state into `out` (grown as needed). */
  ints(out: { buf: Int32Array; len: number }): void {
    const header = this.uint();
    const n = header >>> 2;
    const form = header & 3;
    if (out.buf.length < n) out.buf = new Int32Array(n * 2);
    out.len = n;
    if (form === NIBBLES || form === ESCAPED) {
      out.len = unpackAs(form, this.buf, this.pos, out.buf, n);
      this.pos += nibbleBytes(n);
      return;
    }
    if (form === BYTES) {
      out.buf.set(signedBytes(this.buf, this.pos, n));
      this.pos += n;
      return;
    }
    const dst = out.buf;
    for (let i = 0; i < n; i++) {
      const z = this.uint();
      dst[i] = (z >>> 1) ^ -(z & 1);
    }
  }
}
