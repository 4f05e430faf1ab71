// The integer vectors states are encoded to, and the codec interface. A codec built by the
// combinators in codec.ts also records its shape, which codec-gen.ts compiles into code.

export class IntWriter {
  buf: Int32Array;
  len = 0;
  constructor(capacity = 64) {
    this.buf = new Int32Array(Math.max(1, capacity));
  }
  push(v: number): void {
    if (this.len === this.buf.length) this.grow();
    this.buf[this.len++] = v;
  }
  grow(): void {
    const bigger = new Int32Array(this.buf.length * 2);
    bigger.set(this.buf);
    this.buf = bigger;
  }
  reset(): void {
    this.len = 0;
  }
  toArray(): number[] {
    return Array.from(this.buf.subarray(0, this.len));
  }
}

export class IntReader {
  pos = 0;
  constructor(
    public src: ArrayLike<number>,
    public end = src.length,
  ) {}
  next(): number {
    if (this.pos >= this.end) throw new CodecError('encoding ended early');
    return this.src[this.pos++] as number;
  }
}

export class CodecError extends Error {}

export interface Codec<T> {
  encode(value: T, out: IntWriter): void;
  decode(src: IntReader): T;
  /** The layout, when a combinator built the codec; absent for a codec written by hand. */
  readonly shape?: Shape;
}

type AnyCodec = Codec<unknown>;

/** What each combinator records of its layout (codec-gen.ts turns it into code). */
export type Shape =
  | { readonly kind: 'int'; readonly min: number; readonly max: number }
  | { readonly kind: 'bool' }
  | { readonly kind: 'literal'; readonly values: readonly string[] }
  | { readonly kind: 'array'; readonly length: number; readonly item: AnyCodec }
  | { readonly kind: 'tuple'; readonly items: readonly AnyCodec[] }
  | {
      readonly kind: 'list';
      readonly maxLength: number;
      readonly item: AnyCodec;
      /** A set kept as a list: held in the order `compare` gives, each item once (canonical-check.ts). */
      readonly set?: { readonly compare: (a: unknown, b: unknown) => number };
    }
  | { readonly kind: 'record'; readonly keys: readonly string[]; readonly fields: readonly AnyCodec[] }
  | { readonly kind: 'nullable'; readonly item: AnyCodec }
  | { readonly kind: 'tagged'; readonly key: string; readonly tags: readonly string[]; readonly variants: readonly AnyCodec[] }
  | { readonly kind: 'constant'; readonly value: unknown; readonly shared?: boolean };
