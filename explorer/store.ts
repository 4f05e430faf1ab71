// Compact storage for the search: per-state parent links and moves (Uint32 vectors chunked so growth
// never copies, on disk but for the last chunk in a large search) and the frontier as a FIFO of
// encoded states (nibbles, bytes or varints), read back in insertion order.
import { closeSync, ftruncateSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesOf, forEachWord, type ArraySource, type Pieces } from './pieces.ts';

const CHUNK_BITS = 18;
const CHUNK = 1 << CHUNK_BITS;

/**
 * A growable Uint32 vector in fixed chunks, so growth never copies. With a file (`onDisk`), each
 * chunk that fills goes there and its memory takes the next entries: the search's parent links and
 * moves, read back only to rebuild a trace and to count the levels, live on disk as TLC's trace file
 * does, all but the last 262,144 in memory.
 */
export class U32Vec {
  private readonly list: (Uint32Array | null)[] = [];
  /** The chunk being filled, and how many of its slots are used (CHUNK: full, or none yet). */
  private tail = new Uint32Array(0);
  private used = CHUNK;
  private readonly file: TempFile | null;
  length = 0;
  /** A chunk read back from the file for a scan, and where the last read from the file was. */
  private cached: { c: number; chunk: Uint32Array } | null = null;
  private lastRead = -2;

  constructor(onDisk = false) {
    this.file = onDisk ? new TempFile('sva-check-trace-') : null;
  }

  push(v: number): void {
    if (this.used === CHUNK) this.nextChunk();
    this.tail[this.used++] = v;
    this.length++;
  }

  private nextChunk(): void {
    const full = this.list.length - 1;
    if (this.file !== null && full >= 0) {
      writeSync(this.file.fd(), this.tail, 0, this.tail.byteLength, full * CHUNK * 4);
      this.list[full] = null;
    } else this.tail = new Uint32Array(CHUNK);
    this.list.push(this.tail);
    this.used = 0;
  }

  get(i: number): number {
    const chunk = this.list[i >>> CHUNK_BITS];
    if (chunk !== null && chunk !== undefined) return chunk[i & (CHUNK - 1)] as number;
    return this.fromFile(i);
  }

  /** An entry in the file: a scan (the entry after the last one read) reads its whole chunk once. */
  private fromFile(i: number): number {
    const c = i >>> CHUNK_BITS;
    const sequential = i === this.lastRead + 1;
    this.lastRead = i;
    if (this.cached?.c !== c && sequential) this.cached = { c, chunk: this.readChunk(c, this.cached?.chunk ?? new Uint32Array(CHUNK)) };
    if (this.cached?.c === c) return this.cached.chunk[i & (CHUNK - 1)] as number;
    const one = new Uint32Array(1);
    readSync(this.file!.fd(), one, 0, 4, i * 4);
    return one[0] as number;
  }

  /** Bytes of the entries held in memory, counted by entry as the other stores are (a chunk is 1 MB at most). */
  get bytes(): number {
    return this.length * 4 - this.fileBytes;
  }

  /** Bytes in the file. */
  get fileBytes(): number {
    return this.list.filter((c) => c === null).length * CHUNK * 4;
  }

  /** Chunk `c` of the file, read into `into`. */
  private readChunk(c: number, into: Uint32Array): Uint32Array {
    readSync(this.file!.fd(), into, 0, into.byteLength, c * CHUNK * 4);
    return into;
  }

  /** The entries in order, for a checkpoint: the file's chunks read back one at a time, then the tail. */
  snapshot(): Pieces {
    return { type: 'u32', length: this.length, pieces: () => this.chunksInOrder(this.length) };
  }

  private *chunksInOrder(length: number): Generator<Uint8Array> {
    const buf = new Uint32Array(CHUNK);
    for (let c = 0; c * CHUNK < length; c++) {
      const n = Math.min(CHUNK, length - c * CHUNK);
      const chunk = this.list[c] ?? this.readChunk(c, buf);
      yield bytesOf(chunk.subarray(0, n));
    }
  }

  /** Deletes its file, if it has one (the search's traces are built). */
  close(): void {
    this.file?.close();
  }

  static from(entries: ArraySource, onDisk = false): U32Vec {
    const v = new U32Vec(onDisk);
    forEachWord(entries, (w) => v.push(w));
    return v;
  }
}

const QCHUNK = 1 << 22;
/**
 * Chunks the reader is done with, kept for the writer: a breadth-first frontier is read at one end
 * as it is written at the other, so a few chunks serve the whole search instead of a fresh one per
 * chunk written (where touching fresh memory costs a page fault per 4 KB, as in a virtual machine
 * that hands freed pages back to its host, that was a tenth of a kernel search's time).
 */
const SPARE_CHUNKS = 4;

/**
 * FIFO of integer vectors in fixed-size chunks. A vector is a header, the varint 4 * length + its
 * form, then its values in that form: where every value is a nibble (-8..7), as in nearly every
 * state of the reference models, two to a byte (NIBBLES); where every value is a signed byte and
 * nearly all are nibbles, as in the kernel models' states (99% of their values), nibbles with the
 * rest escaped (ESCAPED, its length counted in nibbles); where every value is a signed byte
 * (-128..127), raw bytes (BYTES, read back by an Int8Array view's `set`); otherwise zigzag varints
 * (VARINTS). Each vector is in fixed-size chunks. With a memory budget, the full chunks between the one being read and the one
 * being written go to a file once the chunks in memory exceed it, and come back one at a time as
 * the reader reaches them: the frontier of a breadth-first search, which outgrows the visited set
 * by far (a whole encoded state per entry against 8 bytes of fingerprint), then lives on disk but
 * for its two ends.
 */
export class VarintQueue {
  private readonly chunkSize: number;
  private chunks: Uint8Array[];
  private readonly spare: Uint8Array[] = [];
  private writeChunk = 0;
  private writePos = 0;
  private readChunk = 0;
  private readPos = 0;
  private readonly spill: Spill | null;
  /** Where a vector of nibbles that crosses a chunk's end is packed. */
  private scratch = new Uint8Array(256);
  /** Vectors pushed and not yet shifted. */
  count = 0;
  /** Largest number of bytes and of vectors held at once (on disk or not). */
  peakBytes = 0;
  peakCount = 0;
  /** Largest number of bytes held on disk at once, and in memory at once. */
  peakSpilledBytes = 0;
  peakMemoryBytes = 0;

  /** `memoryBudget`: bytes of chunks kept in memory before the middle ones go to a file. */
  constructor(memoryBudget = Infinity) {
    this.chunkSize = Number.isFinite(memoryBudget) ? Math.max(1 << 12, Math.min(QCHUNK, 2 ** Math.floor(Math.log2(memoryBudget / 4)))) : QCHUNK;
    this.chunks = [new Uint8Array(this.chunkSize)];
    this.spill = Number.isFinite(memoryBudget) ? new Spill(this.chunkSize, memoryBudget) : null;
  }

  private writeByte(b: number): void {
    if (this.writePos === this.chunkSize) {
      this.chunks.push(this.spare.pop() ?? new Uint8Array(this.chunkSize));
      this.writeChunk++;
      this.writePos = 0;
      if (this.spill !== null) this.spill.afterNewChunk(this.chunks, this.readChunk, this.writeChunk);
    }
    (this.chunks[this.writeChunk] as Uint8Array)[this.writePos++] = b;
  }

  private writeVarint(v: number): void {
    this.writeUint(zigzag(v));
  }

  private readByte(): number {
    if (this.readPos === this.chunkSize) this.nextReadChunk();
    return (this.chunks[this.readChunk] as Uint8Array)[this.readPos++] as number;
  }

  private readVarint(): number {
    return unzigzag(this.readUint());
  }

  push(ints: Int32Array, len: number): void {
    const form = formOf(ints, len);
    if (form === NIBBLES || form === ESCAPED) this.pushNibbles(ints, len, form);
    else if (form === BYTES) this.pushBytes(ints, len);
    // A varint takes at most 5 bytes: where the vector surely fits, write it into the chunk directly.
    else if (this.chunkSize - this.writePos >= 5 * (len + 1)) this.writePos = writeVarints(this.chunks[this.writeChunk] as Uint8Array, this.writePos, ints, len);
    else {
      this.writeUint(4 * len + VARINTS);
      for (let i = 0; i < len; i++) this.writeVarint(ints[i] as number);
    }
    this.count++;
    this.notePeaks();
  }

  private pushNibbles(ints: Int32Array, len: number, form: number): void {
    const nibbles = form === NIBBLES ? len : escapedNibbles;
    this.writeUint(4 * nibbles + form);
    const size = nibbleBytes(nibbles);
    if (this.chunkSize - this.writePos >= size) {
      packAs(form, ints, len, this.chunks[this.writeChunk] as Uint8Array, this.writePos);
      this.writePos += size;
      return;
    }
    // Across a chunk's end: packed aside, then a byte at a time.
    if (this.scratch.length < size) this.scratch = new Uint8Array(size * 2);
    packAs(form, ints, len, this.scratch, 0);
    for (let i = 0; i < size; i++) this.writeByte(this.scratch[i] as number);
  }

  private pushBytes(ints: Int32Array, len: number): void {
    this.writeUint(4 * len + BYTES);
    let at = 0;
    while (at < len) {
      if (this.writePos === this.chunkSize) this.writeByte(ints[at++] as number);
      const n = Math.min(len - at, this.chunkSize - this.writePos);
      // A loop: `set` from an Int32Array converts each element on a slow path, several times slower.
      const chunk = this.chunks[this.writeChunk] as Uint8Array;
      let pos = this.writePos;
      for (let end = at + n; at < end; at++) chunk[pos++] = ints[at] as number;
      this.writePos = pos;
    }
  }

  private writeUint(v: number): void {
    let z = v >>> 0;
    while (z >= 0x80) {
      this.writeByte((z & 0x7f) | 0x80);
      z >>>= 7;
    }
    this.writeByte(z);
  }

  private notePeaks(): void {
    if (this.count > this.peakCount) this.peakCount = this.count;
    const held = this.heldBytes;
    if (held > this.peakBytes) this.peakBytes = held;
    const spilled = this.spilledBytes;
    if (spilled > this.peakSpilledBytes) this.peakSpilledBytes = spilled;
    if (held - spilled > this.peakMemoryBytes) this.peakMemoryBytes = held - spilled;
  }

  /** Reads the next vector into `out` (grown as needed); returns it and its length. */
  shift(out: { buf: Int32Array; len: number }): void {
    const header = this.readUint();
    const len = header >>> 2;
    const form = header & 3;
    if (out.buf.length < len) out.buf = new Int32Array(len * 2);
    out.len = len;
    if (form === NIBBLES || form === ESCAPED) out.len = this.readNibbles(out.buf, len, form);
    else if (form === BYTES) this.readBytes(out.buf, len);
    else if (this.chunkSize - this.readPos >= 5 * len) this.readPos = readVarints(this.chunks[this.readChunk] as Uint8Array, this.readPos, out.buf, len);
    else for (let i = 0; i < len; i++) out.buf[i] = this.readVarint();
    this.count--;
    if (this.count === 0) this.spill?.clear();
  }

  private readUint(): number {
    let z = 0;
    let shift = 0;
    for (;;) {
      const b = this.readByte();
      z |= (b & 0x7f) << shift;
      if (b < 0x80) return z >>> 0;
      shift += 7;
    }
  }

  /** Reads `nibbles` nibbles of the form into `out`; returns the values read. */
  private readNibbles(out: Int32Array, nibbles: number, form: number): number {
    const size = nibbleBytes(nibbles);
    if (size > 0 && this.readPos === this.chunkSize) this.nextReadChunk();
    if (this.chunkSize - this.readPos >= size) {
      const at = this.readPos;
      this.readPos += size;
      return unpackAs(form, this.chunks[this.readChunk] as Uint8Array, at, out, nibbles);
    }
    if (this.scratch.length < size) this.scratch = new Uint8Array(size * 2);
    for (let i = 0; i < size; i++) this.scratch[i] = this.readByte();
    return unpackAs(form, this.scratch, 0, out, nibbles);
  }

  private readBytes(out: Int32Array, len: number): void {
    let at = 0;
    while (at < len) {
      if (this.readPos === this.chunkSize) this.nextReadChunk();
      const n = Math.min(len - at, this.chunkSize - this.readPos);
      out.set(signedBytes(this.chunks[this.readChunk] as Uint8Array, this.readPos, n), at);
      this.readPos += n;
      at += n;
    }
  }

  /**
   * Appends `count` vectors already encoded as this queue encodes them (the parallel search's level
   * buffers, parallel/bytes.ts), bytes `start` to `end` of `src`: copied a chunk at a time.
   */
  pushEncoded(src: Uint8Array, start: number, end: number, count: number): void {
    let at = start;
    while (at < end) {
      if (this.writePos === this.chunkSize) this.writeByte(src[at++] as number);
      const n = Math.min(end - at, this.chunkSize - this.writePos);
      (this.chunks[this.writeChunk] as Uint8Array).set(src.subarray(at, at + n), this.writePos);
      this.writePos += n;
      at += n;
    }
    this.count += count;
    this.notePeaks();
  }

  /**
   * Takes vectors as their encoded bytes, at least one and at most `maxCount`, while they fit in
   * `maxBytes`: the bytes, in a buffer `alloc` makes of their size, and where each vector ends in them.
   */
  shiftEncoded(maxCount: number, maxBytes: number, alloc: (size: number) => Uint8Array = (size) => new Uint8Array(size)): { bytes: Uint8Array; ends: Float64Array } {
    const most = Math.min(maxCount, this.count);
    const ends = new Float64Array(most);
    const end = this.chunkSize;
    // A cursor ahead of the reader, measuring one vector after the other: its header, then its
    // length in bytes, or one terminal byte (below 0x80) a value.
    let chunk = this.readChunk;
    let pos = this.readPos;
    let buf = this.chunks[chunk] as Uint8Array;
    let len = 0;
    let n = 0;
    while (n < most) {
      const startChunk = chunk;
      const startPos = pos;
      let size = 0;
      let z = 0;
      let shift = 0;
      for (;;) {
        if (pos === end) {
          buf = this.chunkAhead(++chunk);
          pos = 0;
        }
        const b = buf[pos++] as number;
        size++;
        z |= (b & 0x7f) << shift;
        shift += 7;
        if (b < 0x80) break;
      }
      const form = z & 3;
      const raw = form !== VARINTS;
      for (let left = form === NIBBLES || form === ESCAPED ? nibbleBytes(z >>> 2) : z >>> 2; left > 0; ) {
        if (pos === end) {
          buf = this.chunkAhead(++chunk);
          pos = 0;
        }
        const from = pos;
        if (raw) {
          const n = Math.min(left, end - pos);
          pos += n;
          left -= n;
        } else while (pos < end && left > 0) if ((buf[pos++] as number) < 0x80) left--;
        size += pos - from;
      }
      if (n > 0 && len + size > maxBytes) {
        chunk = startChunk;
        pos = startPos;
        break;
      }
      len += size;
      ends[n++] = len;
    }
    // The reader takes the bytes up to the cursor, a chunk's run at a time.
    const out = alloc(len);
    let at = 0;
    while (this.readChunk < chunk || this.readPos < pos) {
      if (this.readPos === end) this.nextReadChunk();
      const to = this.readChunk === chunk ? pos : end;
      out.set((this.chunks[this.readChunk] as Uint8Array).subarray(this.readPos, to), at);
      at += to - this.readPos;
      this.readPos = to;
    }
    this.count -= n;
    if (this.count === 0) this.spill?.clear();
    return { bytes: out, ends: ends.subarray(0, n) };
  }

  /** Chunk `c`, past the one being read, brought back from disk if it is there. */
  private chunkAhead(c: number): Uint8Array {
    if (this.chunks[c] === SPILLED) this.chunks[c] = this.spill!.load(c);
    return this.chunks[c] as Uint8Array;
  }

  private nextReadChunk(): void {
    // A consumed chunk leaves the queue at once, so the queue holds only the unread part.
    const done = this.chunks[this.readChunk] as Uint8Array;
    if (done.length === this.chunkSize && this.spare.length < SPARE_CHUNKS) this.spare.push(done);
    this.chunks[this.readChunk] = EMPTY;
    this.readChunk++;
    this.readPos = 0;
    if (this.chunks[this.readChunk] === SPILLED) this.chunks[this.readChunk] = this.spill!.load(this.readChunk);
  }

  get heldBytes(): number {
    return (this.writeChunk - this.readChunk) * this.chunkSize + this.writePos - this.readPos;
  }

  /** Bytes of unread chunks that are on disk now. */
  get spilledBytes(): number {
    return this.spill === null ? 0 : this.spill.onDisk * this.chunkSize;
  }

  /** Deletes the file the queue spilled to (the search is over). */
  close(): void {
    this.spill?.close();
  }

  /** The unread bytes, for a checkpoint (a chunk at a time, those on disk read back), with the counts. */
  snapshot(): { bytes: Pieces; count: number; peakBytes: number; peakCount: number } {
    const { readChunk, readPos, writeChunk, writePos, chunkSize, chunks, spill } = this;
    const bytes: Pieces = {
      type: 'u8',
      length: this.heldBytes,
      *pieces() {
        for (let c = readChunk; c <= writeChunk; c++) {
          const chunk = chunks[c] === SPILLED ? spill!.read(c) : (chunks[c] as Uint8Array);
          yield chunk.subarray(c === readChunk ? readPos : 0, c === writeChunk ? writePos : chunkSize);
        }
      },
    };
    return { bytes, count: this.count, peakBytes: this.peakBytes, peakCount: this.peakCount };
  }
}

/** A 32-bit integer as an unsigned one, small in magnitude to small (so its varint is short). */
const zigzag = (v: number): number => ((v << 1) ^ (v >> 31)) >>> 0;

/** The integer `zigzag` made `z` of (`z` as the varint's bits accumulate it, sign and all). */
const unzigzag = (z: number): number => {
  const u = z >>> 0;
  return (u >>> 1) ^ -(u & 1);
};

/** The forms of an encoded vector (VarintQueue), the low two bits of its header. */
export const VARINTS = 0;
export const BYTES = 1;
export const NIBBLES = 2;
export const ESCAPED = 3;

/** The nibble that says the next two hold a signed byte, in an ESCAPED vector. */
const ESCAPE = 8;

/** After `formOf` said ESCAPED: the nibbles the vector takes. */
export let escapedNibbles = 0;

/** The most compact form `ints[0..len)` fits. */
export function formOf(ints: Int32Array, len: number): number {
  // Values outside -8..7, and outside -7..7 (the escape takes -8's nibble).
  let wide = 0;
  let escaped = 0;
  for (let i = 0; i < len; i++) {
    const v = ints[i] as number;
    if (v >= -7 && v <= 7) continue;
    escaped++;
    if (v === -8) continue;
    if ((v + 128) >>> 8 !== 0) return VARINTS;
    wide++;
  }
  if (wide === 0) return NIBBLES;
  escapedNibbles = len + 2 * escaped;
  return escapedNibbles < 2 * len ? ESCAPED : BYTES;
}

/** Packs `ints[0..len)` at `out[at..)` in the form (NIBBLES or ESCAPED). */
export function packAs(form: number, ints: Int32Array, len: number, out: Uint8Array, at: number): void {
  if (form === NIBBLES) packNibbles(ints, len, out, at);
  else packEscaped(ints, len, out, at);
}

/** Unpacks `nibbles` nibbles of the form (NIBBLES or ESCAPED) at `bytes[from..)` into `out`; returns the values. */
export function unpackAs(form: number, bytes: Uint8Array, from: number, out: Int32Array, nibbles: number): number {
  if (form === NIBBLES) {
    unpackNibbles(bytes, from, out, nibbles);
    return nibbles;
  }
  return unpackEscaped(bytes, from, out, nibbles);
}

/** Packs `ints[0..len)`, each a signed byte, as nibbles: -7..7 in one, any other as ESCAPE and its two halves. */
function packEscaped(ints: Int32Array, len: number, out: Uint8Array, at: number): void {
  let k = 0;
  for (let i = 0; i < len; i++) {
    const v = ints[i] as number;
    if (v >= -7 && v <= 7) k = putNibble(out, at, k, v & 15);
    else {
      k = putNibble(out, at, k, ESCAPE);
      k = putNibble(out, at, k, v & 15);
      k = putNibble(out, at, k, (v >> 4) & 15);
    }
  }
}

/** Writes nibble `k` of a run at `out[at..)`; returns k + 1. An even nibble starts its byte. */
function putNibble(out: Uint8Array, at: number, k: number, n: number): number {
  const j = at + (k >> 1);
  out[j] = (k & 1) === 0 ? n : (out[j] as number) | (n << 4);
  return k + 1;
}

function unpackEscaped(bytes: Uint8Array, from: number, out: Int32Array, nibbles: number): number {
  let i = 0;
  for (let k = 0; k < nibbles; ) {
    const n = ((bytes[from + (k >> 1)] as number) >> ((k & 1) << 2)) & 15;
    k++;
    if (n !== ESCAPE) out[i++] = (n << 28) >> 28;
    else {
      const lo = ((bytes[from + (k >> 1)] as number) >> ((k & 1) << 2)) & 15;
      const hi = ((bytes[from + ((k + 1) >> 1)] as number) >> (((k + 1) & 1) << 2)) & 15;
      k += 2;
      out[i++] = ((lo | (hi << 4)) << 24) >> 24;
    }
  }
  return i;
}

/** Bytes that `len` nibbles take. */
export function nibbleBytes(len: number): number {
  return (len + 1) >>> 1;
}

/** Packs `ints[0..len)`, each -8..7, two to a byte (the first in the low half) into `out`. */
export function packNibbles(ints: Int32Array, len: number, out: Uint8Array, at = 0): void {
  let i = 0;
  for (; i + 1 < len; i += 2) out[at++] = ((ints[i] as number) & 15) | (((ints[i + 1] as number) & 15) << 4);
  if (i < len) out[at] = (ints[i] as number) & 15;
}

/** Unpacks `len` nibbles packed at `bytes[from..)` into `out`, sign and all. */
export function unpackNibbles(bytes: Uint8Array, from: number, out: Int32Array, len: number): void {
  let at = from;
  let i = 0;
  for (; i + 1 < len; i += 2) {
    const b = bytes[at++] as number;
    out[i] = (b << 28) >> 28;
    out[i + 1] = (b << 24) >> 28;
  }
  if (i < len) out[i] = ((bytes[at] as number) << 28) >> 28;
}

/** The signed bytes `bytes[from..from + n)`. */
export function signedBytes(bytes: Uint8Array, from: number, n: number): Int8Array {
  return new Int8Array(bytes.buffer, bytes.byteOffset + from, n);
}

/** Writes the header 4 * `len` + VARINTS, then `ints[0..len)`, as varints at `pos` of a chunk with room for them; returns the end. */
function writeVarints(chunk: Uint8Array, pos: number, ints: Int32Array, len: number): number {
  let p = pos;
  for (let i = -1; i < len; i++) {
    let z = i < 0 ? 4 * len + VARINTS : zigzag(ints[i] as number);
    while (z >= 0x80) {
      chunk[p++] = (z & 0x7f) | 0x80;
      z >>>= 7;
    }
    chunk[p++] = z;
  }
  return p;
}

/** Reads `len` zigzag varints at `pos` of a chunk that holds them all into `out`; returns the end. */
function readVarints(chunk: Uint8Array, pos: number, out: Int32Array, len: number): number {
  let p = pos;
  for (let i = 0; i < len; i++) {
    let z = 0;
    let shift = 0;
    for (;;) {
      const b = chunk[p++] as number;
      z |= (b & 0x7f) << shift;
      if (b < 0x80) break;
      shift += 7;
    }
    out[i] = unzigzag(z);
  }
  return p;
}

/** A chunk whose bytes are in the spill file. */
const SPILLED = new Uint8Array(0);

/** The file a queue's middle chunks go to: chunk c at offset c * chunkSize (a sparse file). */
class Spill {
  private readonly file = new TempFile('sva-check-frontier-');
  /** Chunks on disk now. */
  onDisk = 0;

  constructor(
    private readonly chunkSize: number,
    private readonly budget: number,
  ) {}

  /** After the writer opened a chunk: above the budget, every full chunk between the ends goes to disk. */
  afterNewChunk(chunks: Uint8Array[], readChunk: number, writeChunk: number): void {
    const inMemory = (writeChunk - readChunk + 1 - this.onDisk) * this.chunkSize;
    if (inMemory <= this.budget) return;
    for (let c = readChunk + 1; c < writeChunk; c++) {
      if (chunks[c] === SPILLED) continue;
      writeSync(this.file.fd(), chunks[c] as Uint8Array, 0, this.chunkSize, c * this.chunkSize);
      chunks[c] = SPILLED;
      this.onDisk++;
    }
  }

  /** Chunk `c` back from disk, for the reader. */
  load(c: number): Uint8Array {
    this.onDisk--;
    return this.read(c);
  }

  read(c: number): Uint8Array {
    const chunk = new Uint8Array(this.chunkSize);
    readSync(this.file.fd(), chunk, 0, this.chunkSize, c * this.chunkSize);
    return chunk;
  }

  /** The queue is empty: the file's space is given back (chunk offsets keep growing; the file stays sparse). */
  clear(): void {
    this.file.truncate();
  }

  close(): void {
    this.file.close();
  }
}

/** A file in a folder of its own under the system's temporary one, made at the first write, deleted by `close` or when the process ends. */
class TempFile {
  private dir: string | null = null;
  private handle = -1;
  private onExit: (() => void) | null = null;

  constructor(private readonly prefix: string) {}

  fd(): number {
    if (this.handle >= 0) return this.handle;
    this.dir = mkdtempSync(join(tmpdir(), this.prefix));
    this.handle = openSync(join(this.dir, 'data'), 'w+');
    // A search that ends with the process (an error, Ctrl-C) leaves no file behind either.
    this.onExit = () => this.close();
    process.once('exit', this.onExit);
    return this.handle;
  }

  truncate(): void {
    if (this.handle >= 0) ftruncateSync(this.handle, 0);
  }

  close(): void {
    if (this.handle < 0) return;
    closeSync(this.handle);
    rmSync(this.dir!, { recursive: true, force: true });
    if (this.onExit) process.off('exit', this.onExit);
    this.handle = -1;
    this.dir = null;
    this.onExit = null;
  }
}

const EMPTY = new Uint8Array(0);
