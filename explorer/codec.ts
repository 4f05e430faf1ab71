// Canonical encoding of a state as a vector of small integers, and back. The encoding is what the
// explorer fingerprints and what it keeps for the frontier, so it must be lossless (decode after
// encode gives an equal state) and canonical (equal states give equal vectors). Combinators build a
// codec from the shape of the state, so a model states its layout once; the code that runs is
// generated from that shape (codec-gen.ts).
import { compileClone, compileDecode, compileEncode, type CloneFn, type DecodeFn, type EncodeFn } from './codec-gen.ts';
import { CodecError, IntReader, IntWriter, type Codec, type Shape } from './codec-io.ts';

export { CodecError, IntReader, IntWriter, type Codec, type Shape };

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

/** A function copying values of `codec`'s layout: the same result as decoding their encoding. */
export function cloner<T>(codec: Codec<T>): CloneFn<T> {
  return compileClone(codec);
}

/**
 * The codec's encode and decode as the search calls them once per state: the generated functions
 * themselves (a codec's own methods add a call and a check per use), or a hand-written codec's.
 */
export function searchFunctions<T>(codec: Codec<T>): { encode: EncodeFn<T>; decode: DecodeFn<T> } {
  if (!codec.shape) return { encode: (v, out) => codec.encode(v, out), decode: (src) => codec.decode(src) };
  return { encode: compileEncode(codec), decode: compileDecode(codec) };
}

/** A codec of this shape; its code is generated on first use, for the whole layout below it. */
function shaped<T>(shape: Shape): Codec<T> {
  let enc: EncodeFn<T> | undefined;
  let dec: DecodeFn<T> | undefined;
  const codec: Codec<T> = {
    shape,
    encode: (v, out) => (enc ??= compileEncode(codec))(v, out),
    decode: (src) => (dec ??= compileDecode(codec))(src),
  };
  return codec;
}

/** An integer in [min, max]; the range is checked on encode so a lossy layout is caught early. */
export function int(min = 0, max = 0x7fffffff): Codec<number> {
  // The encoding is an Int32Array: a wider range would wrap silently.
  if (!(Number.isInteger(min) && Number.isInteger(max) && min >= -0x80000000 && max <= 0x7fffffff && min <= max)) {
    throw new CodecError(`int(${min}, ${max}): the range must lie within 32-bit signed integers`);
  }
  return shaped({ kind: 'int', min, max });
}

/** An integer id with a brand (Pasid, DeviceId, ...). */
export function brandedInt<T extends number>(min = 0, max = 0x7fffffff): Codec<T> {
  return int(min, max) as unknown as Codec<T>;
}

export const bool: Codec<boolean> = shaped({ kind: 'bool' });

/** One of a fixed list of string literals, encoded as its index. */
export function literal<const T extends string>(values: readonly T[]): Codec<T> {
  return shaped({ kind: 'literal', values: [...values] });
}

/** A fixed-length array (one slot per device, per worker, ...). */
export function array<T>(length: number, item: Codec<T>): Codec<T[]> {
  return shaped({ kind: 'array', length, item: item as Codec<unknown> });
}

/** A fixed-length array whose slots have layouts of their own (one per master, ...). */
export function tuple<T>(items: readonly Codec<T>[]): Codec<T[]> {
  return shaped({ kind: 'tuple', items: items as readonly Codec<unknown>[] });
}

/** A list of at most `maxLength` items, in order (a FIFO keeps its order; a set must be sorted). */
export function list<T>(maxLength: number, item: Codec<T>): Codec<T[]> {
  return shaped({ kind: 'list', maxLength, item: item as Codec<unknown> });
}

/**
 * A set of at most `maxSize` items, kept as a list in the order `compare` gives (by default: by the
 * items' encodings, so ints ascending), each item once. The encoding is the list's, so it is
 * canonical only if the model keeps that order: `simulate` and `explore --check-symmetry` check it
 * on every state (canonical-check.ts). A set kept in arrival order would make equal sets distinct
 * states.
 */
export function set<T>(maxSize: number, item: Codec<T>, compare?: (a: T, b: T) => number): Codec<T[]> {
  const byEncoding = (a: unknown, b: unknown): number => compareInts(encodeToArray(item as Codec<unknown>, a), encodeToArray(item as Codec<unknown>, b));
  return shaped({ kind: 'list', maxLength: maxSize, item: item as Codec<unknown>, set: { compare: (compare as ((a: unknown, b: unknown) => number) | undefined) ?? byEncoding } });
}

/** Lexicographic order of two encodings. */
export function compareInts(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** A set of labels (warning kinds, events), kept sorted as strings (`.sort()`). */
export function labelSet<const T extends string>(values: readonly T[]): Codec<T[]> {
  return set(values.length, literal(values), (a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

type CodecFields<T> = { readonly [K in keyof T]: Codec<T[K]> };

/** A record whose fields are encoded in the order the layout lists them. */
export function record<T extends object>(fields: CodecFields<T>): Codec<T> {
  const keys = Object.keys(fields);
  return shaped({ kind: 'record', keys, fields: keys.map((k) => fields[k as keyof T] as Codec<unknown>) });
}

/**
 * A record codec with more fields after its own (a variant's state added to its model's): the
 * base's encoding is unchanged, the new fields are encoded after it. The base must be a record
 * built by `record` and must not have those fields already.
 */
export function extendRecord<T extends object>(base: Codec<T>, extra: Readonly<Record<string, Codec<unknown>>>): Codec<T> {
  const shape = base.shape;
  if (shape?.kind !== 'record') throw new CodecError('only a record codec can be extended with fields');
  const clash = Object.keys(extra).filter((k) => shape.keys.includes(k));
  if (clash.length > 0) throw new CodecError(`the state already has the field${clash.length > 1 ? 's' : ''} ${clash.join(', ')}`);
  const keys = [...shape.keys, ...Object.keys(extra)];
  return shaped({ kind: 'record', keys, fields: [...shape.fields, ...Object.values(extra)] });
}

/** A value or null (an optional pointer: a group held by a worker, a bond that may not exist). */
export function nullable<T>(item: Codec<T>): Codec<T | null> {
  return shaped({ kind: 'nullable', item: item as Codec<unknown> });
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
  return shaped({ kind: 'tagged', key, tags, variants: tags.map((t) => variants[t] as Codec<unknown>) });
}

/** A codec for a value that never changes (the tag of a union member, a constant). */
export function constant<T>(value: T): Codec<T> {
  // Each decoded state owns its copy (structuredClone for objects): the explorer mutates decoded
  // states in place.
  return shaped({ kind: 'constant', value });
}

/** A value that never changes and that no step writes, shared by every decoded state (no copy). */
export function sharedConstant<T>(value: T): Codec<T> {
  return shaped({ kind: 'constant', value, shared: true });
}
