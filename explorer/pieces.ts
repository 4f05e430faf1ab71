// A search's large arrays as a checkpoint moves them: a piece at a time, never as one copy of the
// whole. A large search's frontier alone is gigabytes; a whole copy of it to write a checkpoint, or
// a whole read of it to resume, doubles the search's memory for as long as the copy is held.
import { closeSync, openSync, readSync } from 'node:fs';
import { HarnessError } from './errors.ts';

/** Bytes a single write moves at most (Node refuses 2 GiB and more in one call). */
export const PIECE = 2 ** 30;
/** Bytes a file's array is read in at a time: the buffer a read holds. */
export const READ_PIECE = 2 ** 26;

/** An array's bytes in order, a piece at a time (a store's chunks, written without a copy). */
export interface Pieces {
  readonly type: 'u8' | 'u32';
  /** Entries: bytes, or 32-bit words. */
  readonly length: number;
  /** The bytes in order; for 'u32', each piece a whole number of words. */
  pieces(): Iterable<Uint8Array>;
}

/** An array still in a checkpoint's file: plain data, so that it crosses to a search thread as it is. */
export interface FileArray {
  readonly file: string;
  readonly offset: number;
  readonly type: 'u8' | 'u32';
  readonly length: number;
  /** The most bytes one read takes (a test makes it small). */
  readonly piece: number;
}

/** Where a search's array comes from or goes to. */
export type ArraySource = Uint8Array | Uint32Array | FileArray | Pieces;

export const bytesOf = (a: Uint32Array | Uint8Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export function typeOf(a: ArraySource): 'u8' | 'u32' {
  if (a instanceof Uint8Array) return 'u8';
  if (a instanceof Uint32Array) return 'u32';
  return a.type;
}

export function byteLength(a: ArraySource): number {
  return typeOf(a) === 'u32' ? a.length * 4 : a.length;
}

/** The bytes of `a`, in pieces of at most `piece` bytes (a whole number of words for 'u32'). */
export function* piecesOf(a: ArraySource, piece = PIECE): Generator<Uint8Array> {
  if (a instanceof Uint8Array || a instanceof Uint32Array) {
    const bytes = bytesOf(a);
    const step = typeOf(a) === 'u32' ? Math.max(4, piece - (piece % 4)) : Math.max(1, piece);
    for (let at = 0; at < bytes.length; at += step) yield bytes.subarray(at, Math.min(bytes.length, at + step));
  } else if ('file' in a) yield* filePieces({ ...a, piece: Math.min(a.piece, piece) });
  else yield* a.pieces();
}

function* filePieces(a: FileArray): Generator<Uint8Array> {
  const total = byteLength(a);
  const step = a.type === 'u32' ? Math.max(4, a.piece - (a.piece % 4)) : Math.max(1, a.piece);
  const buf = new Uint8Array(Math.min(step, total));
  const fd = openSync(a.file, 'r');
  try {
    for (let at = 0; at < total; ) {
      const want = Math.min(step, total - at);
      let got = 0;
      while (got < want) {
        const n = readSync(fd, buf, got, want - got, a.offset + at + got);
        // A checkpoint cut short after it was read (its size is checked then): bad input, not a bug.
        if (n === 0) throw new HarnessError(`${a.file}: ends before byte ${a.offset + at + got}`);
        got += n;
      }
      yield buf.subarray(0, want);
      at += want;
    }
  } finally {
    closeSync(fd);
  }
}

/** `a` whole, as a typed array of its type (an array already in memory is returned as it is). */
export function wholeOf(a: ArraySource): Uint8Array | Uint32Array {
  if (a instanceof Uint8Array || a instanceof Uint32Array) return a;
  const out = a.type === 'u32' ? new Uint32Array(a.length) : new Uint8Array(a.length);
  const bytes = bytesOf(out);
  let at = 0;
  for (const p of piecesOf(a)) {
    bytes.set(p, at);
    at += p.length;
  }
  return out;
}

export function wholeU32(a: ArraySource): Uint32Array {
  const w = wholeOf(a);
  if (!(w instanceof Uint32Array)) throw new Error('an array of bytes where words were expected');
  return w;
}

/** Each 32-bit word of `a`, in order. */
export function forEachWord(a: ArraySource, f: (word: number) => void): void {
  for (const p of piecesOf(a)) {
    // Whatever the piece's place in its buffer: a DataView reads words at any offset.
    const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
    for (let at = 0; at < p.byteLength; at += 4) f(view.getUint32(at, true));
  }
}
