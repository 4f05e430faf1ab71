// Canonical encoding of a state as a vector of small integers, and back. The encoding is what the
// explorer fingerprints and what it keeps for the frontier, so it must be lossless (decode after
// encode gives an equal state) and canonical (equal states give equal vectors). Combinators build a
// codec from the shape of the state, so a model states its layout once.

export class IntWriter {
  buf: Int32Array;
  len = 0;
  constructor(capacity = 64) {
    this.buf = new Int32Array(Math.max(1, capacity));
  }
  push(v: number): void {
    if (this.len === this.buf.length) {
      const bigger = new Int32Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.len++] = v;
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
}

export function encodeToArray<T>(codec: Codec<T>, value: T): number[] {
  const w = new IntWriter();
  codec.encode(value, w);
  return w.toArray();
}

export function decodeFromArray<T>(codec: Codec<T>, ints: ArrayLike<number>): T {
  const r = new IntReader(ints);
  const value = codec.decode(r);
  if (r.pos !== r.end) throw new CodecError(`${r.end - r.pos} integers left after decoding`);
  return value;
}

/** An integer in [min, max]; the range is checked on encode so a lossy layout is caught early. */
export function int(min = 0, max = 0x7fffffff): Codec<number> {
  // The encoding is an Int32Array: a wider range would wrap silently.
  if (!(Number.isInteger(min) && Number.isInteger(max) && min >= -0x80000000 && max <= 0x7fffffff && min <= max)) {
    throw new CodecError(`int(${min}, ${max}): the range must lie within 32-bit signed integers`);
  }
  return {
    encode(v, out) {
      if (!(v >= min && v <= max) || !Number.isInteger(v)) {
        throw new CodecError(`value ${String(v)} outside the declared range ${min}..${max}`);
      }
      out.push(v);
    },
    decode(src) {
      const v = src.next();
      if (v < min || v > max) throw new CodecError(`decoded ${v} outside the declared range ${min}..${max}`);
      return v;
    },
  };
}

/** An integer id with a brand (Pasid, DeviceId, ...). */
export function brandedInt<T extends number>(min = 0, max = 0x7fffffff): Codec<T> {
  return int(min, max) as unknown as Codec<T>;
}

export const bool: Codec<boolean> = {
  encode: (v, out) => out.push(v ? 1 : 0),
  decode(src) {
    const v = src.next();
    if (v !== 0 && v !== 1) throw new CodecError(`decoded ${v} where a boolean (0 or 1) was expected`);
    return v === 1;
  },
};

/** One of a fixed list of string literals, encoded as its index. */
export function literal<const T extends string>(values: readonly T[]): Codec<T> {
  const index = new Map<string, number>(values.map((v, i) => [v, i]));
  return {
    encode(v, out) {
      const i = index.get(v);
      if (i === undefined) throw new CodecError(`'${v}' is not one of ${values.join(', ')}`);
      out.push(i);
    },
    decode(src) {
      const v = values[src.next()];
      if (v === undefined) throw new CodecError('literal index out of range');
      return v;
    },
  };
}

/** A fixed-length array (one slot per device, per worker, ...). */
export function array<T>(length: number, item: Codec<T>): Codec<T[]> {
  return {
    encode(v, out) {
      if (v.length !== length) throw new CodecError(`array of length ${v.length}, expected ${length}`);
      for (let i = 0; i < length; i++) item.encode(v[i] as T, out);
    },
    decode(src) {
      const v: T[] = [];
      for (let i = 0; i < length; i++) v.push(item.decode(src));
      return v;
    },
  };
}

/** A list of at most `maxLength` items, in order (a FIFO keeps its order; a set must be sorted). */
export function list<T>(maxLength: number, item: Codec<T>): Codec<T[]> {
  return {
    encode(v, out) {
      if (v.length > maxLength) throw new CodecError(`list of length ${v.length} exceeds ${maxLength}`);
      out.push(v.length);
      for (const x of v) item.encode(x, out);
    },
    decode(src) {
      const n = src.next();
      if (n < 0 || n > maxLength) throw new CodecError(`decoded list length ${n} outside 0..${maxLength}`);
      const v: T[] = [];
      for (let i = 0; i < n; i++) v.push(item.decode(src));
      return v;
    },
  };
}

type CodecFields<T> = { readonly [K in keyof T]: Codec<T[K]> };

/** A record whose fields are encoded in the order the layout lists them. */
export function record<T extends object>(fields: CodecFields<T>): Codec<T> {
  const keys = Object.keys(fields);
  const codecs = keys.map((k) => fields[k as keyof T] as Codec<unknown>);
  // Generated code builds every decoded record with one object literal, so all records of a layout
  // share one hidden class and the search's hot loop stays monomorphic (a generic loop adding keys
  // one by one was 40% of the search time).
  const props = keys.map((k, i) => `${JSON.stringify(k)}: c[${i}].decode(src)`).join(', ');
  const writes = keys.map((k, i) => `c[${i}].encode(v[${JSON.stringify(k)}], out);`).join(' ');
  const make = new Function('c', `return { decode(src) { return { ${props} }; }, encode(v, out) { ${writes} } };`) as (
    c: readonly Codec<unknown>[],
  ) => Codec<T>;
  return make(codecs);
}

/** A value or null (an optional pointer: a group held by a worker, a bond that may not exist). */
export function nullable<T>(item: Codec<T>): Codec<T | null> {
  return {
    encode(v, out) {
      if (v === null) {
        out.push(0);
      } else {
        out.push(1);
        item.encode(v, out);
      }
    },
    decode: (src) => (src.next() === 0 ? null : item.decode(src)),
  };
}

type Variants<K extends string, T extends Record<K, string>> = {
  readonly [V in T[K]]: Codec<Extract<T, Record<K, V>>>;
};

/** A discriminated union on field `key`: the tag's index, then the variant's own layout. */
export function tagged<K extends string, T extends Record<K, string>>(
  key: K,
  variants: Variants<K, T>,
): Codec<T> {
  const tags = Object.keys(variants) as T[K][];
  const index = new Map<string, number>(tags.map((t, i) => [t, i]));
  return {
    encode(v, out) {
      const tag = v[key];
      const i = index.get(tag);
      if (i === undefined) throw new CodecError(`unknown ${key} '${tag}'`);
      out.push(i);
      (variants[tag] as Codec<T>).encode(v, out);
    },
    decode(src) {
      const tag = tags[src.next()];
      if (tag === undefined) throw new CodecError(`${key} index out of range`);
      const v = (variants[tag] as Codec<T>).decode(src);
      v[key] = tag;
      return v;
    },
  };
}

/** A codec for a value that never changes (the tag of a union member, a constant). */
export function constant<T>(value: T): Codec<T> {
  // Each decoded state owns its copy: the explorer mutates decoded states in place.
  const fresh = typeof value === 'object' && value !== null ? () => structuredClone(value) : () => value;
  return { encode: () => undefined, decode: fresh };
}
