// Values in the Informal Trace Format (Apalache ADR-015) as Quint reads them (`ofItf`): no JSON null;
// a pointer that may be null is Quint's Option (`{ tag: "None", value: { "#tup": [] } }` or
// `{ tag: "Some", value }`), a set is `{ "#set": [...] }`, a fixed tuple `{ "#tup": [...] }`, a map
// `{ "#map": [[k, v], ...] }`, an integer beyond 2^53 `{ "#bigint": "..." }`. The codec's layout says
// which is which; a codec written by hand, a constant and a step's choice are converted by what the
// value is. Reading back accepts the files written before, which held nulls and plain arrays.
import type { Codec } from '../codec.ts';

export type ItfValue =
  | boolean
  | string
  | number
  | ItfValue[]
  | { readonly '#tup': ItfValue[] }
  | { readonly '#set': ItfValue[] }
  | { readonly '#map': [ItfValue, ItfValue][] }
  | { readonly '#bigint': string }
  | { readonly '#unserializable': string }
  | { readonly tag: string; readonly value: ItfValue }
  | { readonly [field: string]: ItfValue };

const NONE: ItfValue = { tag: 'None', value: { '#tup': [] } };
const some = (value: ItfValue): ItfValue => ({ tag: 'Some', value });

type AnyCodec = Codec<unknown> | undefined;

/** `v` as an ITF value, laid out by `codec` where it has a layout. */
export function toItfValue(codec: AnyCodec, v: unknown): ItfValue {
  const s = codec?.shape;
  if (!s) return anyToItf(v);
  switch (s.kind) {
    case 'int':
      return integer(v as number);
    case 'bool':
    case 'literal':
      return v as ItfValue;
    case 'constant':
      return anyToItf(v);
    case 'nullable':
      return v === null ? NONE : some(toItfValue(s.item, v));
    case 'array':
      return (v as unknown[]).map((x) => toItfValue(s.item, x));
    case 'list': {
      const items = (v as unknown[]).map((x) => toItfValue(s.item, x));
      return s.set ? { '#set': items } : items;
    }
    case 'tuple':
      return { '#tup': (v as unknown[]).map((x, i) => toItfValue(s.items[i], x)) };
    case 'record':
      return Object.fromEntries(s.keys.map((k, i) => [k, toItfValue(s.fields[i], (v as Record<string, unknown>)[k])]));
    case 'tagged': {
      const k = s.tags.indexOf((v as Record<string, unknown>)[s.key] as string);
      return toItfValue(s.variants[k], v);
    }
  }
}

/** The value an ITF value holds, laid out by `codec` (a file written before strict ITF reads the same). */
export function fromItfValue(codec: AnyCodec, v: unknown): unknown {
  const s = codec?.shape;
  if (!s) return anyFromItf(v);
  switch (s.kind) {
    case 'int':
      return isObject(v) && '#bigint' in v ? Number(v['#bigint']) : v;
    case 'bool':
    case 'literal':
      return v;
    case 'constant':
      return anyFromItf(v);
    case 'nullable':
      if (v === null || isOption(v, 'None')) return null;
      return fromItfValue(s.item, isOption(v, 'Some') ? v['value'] : v);
    case 'array':
    case 'list':
      return unwrap(v, '#set').map((x) => fromItfValue(s.item, x));
    case 'tuple':
      return unwrap(v, '#tup').map((x, i) => fromItfValue(s.items[i], x));
    case 'record': {
      if (!isObject(v)) return v;
      const known = new Set(s.keys);
      // Fields the layout does not have are kept, and fields the file lacks stay missing, so that
      // replay can say which the file holds or lacks (a file written before the layout changed).
      return Object.fromEntries([
        ...s.keys.flatMap((k, i) => (k in v ? [[k, fromItfValue(s.fields[i], v[k])] as const] : [])),
        ...Object.entries(v).filter(([k]) => !known.has(k)),
      ]);
    }
    case 'tagged': {
      const k = isObject(v) ? s.tags.indexOf(v[s.key] as string) : -1;
      return k < 0 ? v : fromItfValue(s.variants[k], v);
    }
  }
}

function integer(n: number): ItfValue {
  return Number.isSafeInteger(n) ? n : { '#bigint': String(n) };
}

/** A value with no layout: null is None, a JS Set or Map is an ITF set or map. */
function anyToItf(v: unknown): ItfValue {
  if (v === null || v === undefined) return NONE;
  if (typeof v === 'number') return Number.isInteger(v) ? integer(v) : { '#unserializable': String(v) };
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return { '#bigint': v.toString() };
  if (Array.isArray(v)) return v.map(anyToItf);
  if (v instanceof Set) return { '#set': [...v].map(anyToItf) };
  if (v instanceof Map) return { '#map': [...v].map(([k, x]) => [anyToItf(k), anyToItf(x)] as [ItfValue, ItfValue]) };
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, anyToItf(x)]));
  return { '#unserializable': String(v) };
}

function anyFromItf(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(anyFromItf);
  if (!isObject(v)) return v;
  if (isOption(v, 'None')) return null;
  if ('#bigint' in v) return Number(v['#bigint']);
  if ('#set' in v) return new Set((v['#set'] as unknown[]).map(anyFromItf));
  if ('#tup' in v) return (v['#tup'] as unknown[]).map(anyFromItf);
  if ('#map' in v) return new Map((v['#map'] as [unknown, unknown][]).map(([k, x]) => [anyFromItf(k), anyFromItf(x)]));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, anyFromItf(x)]));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isOption(v: unknown, tag: 'None' | 'Some'): v is { tag: string; value: unknown } {
  return isObject(v) && v['tag'] === tag && 'value' in v && Object.keys(v).length === 2;
}

function unwrap(v: unknown, key: '#set' | '#tup'): unknown[] {
  if (isObject(v) && Array.isArray(v[key])) return v[key] as unknown[];
  if (isObject(v) && Array.isArray(v['#set'])) return v['#set'] as unknown[];
  return v as unknown[];
}
