import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  array,
  bool,
  cloner,
  CodecError,
  constant,
  decodeFromArray,
  encodeToArray,
  int,
  IntWriter,
  list,
  literal,
  nullable,
  record,
  sharedConstant,
  tagged,
  tuple,
  type Codec,
} from '../../explorer/codec.ts';
import { compileDecode, compileEncode, layoutKey } from '../../explorer/codec-gen.ts';

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

// A codec layout as data, so fast-check can generate layouts and values that fit them together.
type Fields = readonly (readonly [string, Shape])[];
type Shape =
  | { readonly t: 'int'; readonly min: number; readonly max: number }
  | { readonly t: 'bool' }
  | { readonly t: 'literal'; readonly values: readonly string[] }
  | { readonly t: 'array'; readonly length: number; readonly item: Shape }
  | { readonly t: 'list'; readonly max: number; readonly item: Shape }
  | { readonly t: 'nullable'; readonly item: Shape }
  | { readonly t: 'record'; readonly fields: Fields }
  | { readonly t: 'tagged'; readonly variants: readonly (readonly [string, Fields])[] };

const intRange = fc
  .tuple(fc.integer({ min: INT32_MIN, max: INT32_MAX }), fc.integer({ min: INT32_MIN, max: INT32_MAX }))
  .map(([a, b]) => ({ min: Math.min(a, b), max: Math.max(a, b) }));
const names = fc.constantFrom('a', 'b', 'c', 'd', 'e');
const fieldsOf = (shape: fc.Arbitrary<Shape>): fc.Arbitrary<Fields> =>
  fc.uniqueArray(fc.tuple(names, shape), { maxLength: 3, selector: ([k]) => k });

const { shape } = fc.letrec<{ shape: Shape }>((tie) => {
  const inner = tie('shape');
  return {
    shape: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      intRange.map(({ min, max }) => ({ t: 'int' as const, min, max })),
      fc.constant({ t: 'bool' as const }),
      fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 4 }).map((values) => ({ t: 'literal' as const, values })),
      fc.record({ t: fc.constant('array' as const), length: fc.nat(3), item: inner }),
      fc.record({ t: fc.constant('list' as const), max: fc.nat(3), item: inner }),
      fc.record({ t: fc.constant('nullable' as const), item: inner }),
      fieldsOf(inner).map((fields) => ({ t: 'record' as const, fields })),
      fc
        .uniqueArray(fc.tuple(fc.string({ minLength: 1 }), fieldsOf(inner)), { minLength: 1, maxLength: 3, selector: ([tag]) => tag })
        .map((variants) => ({ t: 'tagged' as const, variants })),
    ),
  };
});

function codecOf(s: Shape): Codec<unknown> {
  switch (s.t) {
    case 'int':
      return int(s.min, s.max) as Codec<unknown>;
    case 'bool':
      return bool as Codec<unknown>;
    case 'literal':
      return literal(s.values) as Codec<unknown>;
    case 'array':
      return array(s.length, codecOf(s.item)) as Codec<unknown>;
    case 'list':
      return list(s.max, codecOf(s.item)) as Codec<unknown>;
    case 'nullable':
      return nullable(codecOf(s.item)) as Codec<unknown>;
    case 'record':
      return recordOf(s.fields);
    case 'tagged':
      return tagged<'kind', { kind: string }>(
        'kind',
        Object.fromEntries(
          s.variants.map(([tag, fields]) => [tag, recordOf([['kind', { t: 'literal', values: [tag] }], ...fields]) as Codec<{ kind: string }>]),
        ),
      ) as Codec<unknown>;
  }
}

function recordOf(fields: Fields): Codec<unknown> {
  return record(Object.fromEntries(fields.map(([k, f]) => [k, codecOf(f)]))) as Codec<unknown>;
}

function valueOf(s: Shape): fc.Arbitrary<unknown> {
  switch (s.t) {
    case 'int':
      return fc.integer({ min: s.min, max: s.max });
    case 'bool':
      return fc.boolean();
    case 'literal':
      return fc.constantFrom(...s.values);
    case 'array':
      return fc.array(valueOf(s.item), { minLength: s.length, maxLength: s.length });
    case 'list':
      return fc.array(valueOf(s.item), { maxLength: s.max });
    case 'nullable':
      return fc.option(valueOf(s.item), { nil: null });
    case 'record':
      return recordValue(s.fields);
    case 'tagged':
      return fc.oneof(...s.variants.map(([tag, fields]) => recordValue([['kind', { t: 'literal', values: [tag] }], ...fields])));
  }
}

function recordValue(fields: Fields): fc.Arbitrary<unknown> {
  return fc.record(Object.fromEntries(fields.map(([k, f]) => [k, valueOf(f)])), { noNullPrototype: true });
}

/** Whether some object (array, record) of `a` is also reachable in `b`. */
function sharesObject(a: unknown, b: unknown): boolean {
  const seen = new Set<unknown>();
  const collect = (x: unknown): void => {
    if (typeof x !== 'object' || x === null) return;
    seen.add(x);
    Object.values(x).forEach(collect);
  };
  collect(b);
  const found = (x: unknown): boolean => typeof x === 'object' && x !== null && (seen.has(x) || Object.values(x).some(found));
  return found(a);
}

const shapeAndValue = shape.chain((s) => fc.tuple(fc.constant(s), valueOf(s)));

describe('codec combinators', () => {
  it('round-trip generated values of generated layouts', () => {
    fc.assert(
      fc.property(shapeAndValue, ([s, v]) => {
        const codec = codecOf(s);
        const ints = encodeToArray(codec, v);
        expect(decodeFromArray(codec, ints)).toStrictEqual(v);
        expect(encodeToArray(codec, decodeFromArray(codec, ints))).toEqual(ints);
        // The search copies states with cloner: the copy must be what decoding gives, and own
        // every object in it (the step mutates it in place).
        const copy = cloner(codec)(v);
        expect(copy).toStrictEqual(decodeFromArray(codec, ints));
        expect(sharesObject(copy, v)).toBe(false);
      }),
    );
  });

  it('throw CodecError on every truncated encoding and on trailing integers', () => {
    fc.assert(
      fc.property(shapeAndValue, fc.nat(), fc.integer(), ([s, v], cut, extra) => {
        const codec = codecOf(s);
        const ints = encodeToArray(codec, v);
        expect(() => decodeFromArray(codec, [...ints, extra])).toThrow(CodecError);
        if (ints.length === 0) return;
        expect(() => decodeFromArray(codec, ints.slice(0, cut % ints.length))).toThrow(CodecError);
      }),
    );
  });

  it('int: encodes exactly the integers of its range', () => {
    fc.assert(
      fc.property(intRange, fc.integer({ min: INT32_MIN, max: INT32_MAX }), ({ min, max }, v) => {
        const codec = int(min, max);
        if (v >= min && v <= max) expect(decodeFromArray(codec, encodeToArray(codec, v))).toBe(v);
        else expect(() => encodeToArray(codec, v)).toThrow(CodecError);
        expect(() => encodeToArray(codec, v + 0.5)).toThrow(CodecError);
      }),
    );
    expect(() => encodeToArray(int(0, 3), Number.NaN)).toThrow(CodecError);
    expect(() => encodeToArray(int(), -1)).toThrow(CodecError);
  });

  it('array and list: reject lengths outside their layout', () => {
    fc.assert(
      fc.property(fc.nat(5), fc.array(fc.boolean(), { maxLength: 8 }), (n, v) => {
        if (v.length !== n) expect(() => encodeToArray(array(n, bool), v)).toThrow(CodecError);
        if (v.length > n) expect(() => encodeToArray(list(n, bool), v)).toThrow(CodecError);
        else expect(decodeFromArray(list(n, bool), encodeToArray(list(n, bool), v))).toEqual(v);
      }),
    );
  });

  it('literal and tagged: reject unknown values and out-of-range indices', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 4 }), fc.string(), (values, v) => {
        fc.pre(!values.includes(v));
        const codec = literal(values);
        expect(() => encodeToArray(codec, v)).toThrow(CodecError);
        expect(() => decodeFromArray(codec, [values.length])).toThrow(CodecError);
        expect(() => decodeFromArray(codec, [-1])).toThrow(CodecError);
      }),
    );
    type U = { kind: 'a'; x: number } | { kind: 'b' };
    const u = tagged<'kind', U>('kind', {
      a: record({ kind: constant('a' as const), x: int(0, 9) }),
      b: record({ kind: constant('b' as const) }),
    });
    expect(decodeFromArray(u, encodeToArray(u, { kind: 'a', x: 7 }))).toEqual({ kind: 'a', x: 7 });
    expect(encodeToArray(u, { kind: 'b' })).toEqual([1]);
    expect(() => encodeToArray(u, { kind: 'c' } as unknown as U)).toThrow(CodecError);
    expect(() => decodeFromArray(u, [2])).toThrow(CodecError);
  });

  it('nullable: tells null from a value', () => {
    const codec = nullable(int(0, 5));
    expect(encodeToArray(codec, null)).toEqual([0]);
    expect(encodeToArray(codec, 0)).toEqual([1, 0]);
    expect(decodeFromArray(codec, [1, 0])).toBe(0);
    expect(() => decodeFromArray(codec, [1])).toThrow(CodecError);
  });

  it('int() rejects a range beyond 32-bit integers instead of wrapping', () => {
    expect(() => int(0, 2 ** 32)).toThrow(CodecError);
    expect(() => int(-(2 ** 31) - 1, 0)).toThrow(CodecError);
  });

  it('decode checks ranges: a list length, an int, a boolean outside what the layout allows', () => {
    expect(() => decodeFromArray(list(3, bool), [-1])).toThrow(CodecError);
    expect(() => decodeFromArray(list(1, int(0, 3)), [2, 1, 1])).toThrow(CodecError);
    expect(() => decodeFromArray(int(0, 3), [9])).toThrow(CodecError);
    expect(() => decodeFromArray(bool, [2])).toThrow(CodecError);
  });

  it('constant() gives each decoded state its own copy of an object value; sharedConstant() one for all', () => {
    const codec = record({ slot: constant({ owner: 0 }), features: sharedConstant({ ats: true }) });
    const [a, b] = [decodeFromArray(codec, []), decodeFromArray(codec, [])];
    expect(a.slot).not.toBe(b.slot);
    expect(cloner(codec)(a).slot).not.toBe(a.slot);
    expect(a.features).toBe(b.features);
    expect(cloner(codec)(a).features).toBe(a.features);
  });

  it('an IntWriter made with capacity 0 still keeps what is pushed', () => {
    const w = new IntWriter(0);
    w.push(5);
    w.push(6);
    expect(w.toArray()).toEqual([5, 6]);
  });

  it('a layout too large to inline, a tuple and a hand-written codec inside a generated one', () => {
    // 80 fields make the inner record's code longer than the inlining limit: it is called instead.
    const wide = record(Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`f${i}`, int(0, i + 1)])));
    const twice: Codec<number> = {
      encode: (v, out) => {
        out.push(v);
        out.push(v);
      },
      decode: (src) => {
        const v = src.next();
        if (src.next() !== v) throw new CodecError('halves differ');
        return v;
      },
    };
    const codec = record({ rows: list(3, wide), pair: tuple<number | boolean>([int(0, 9), bool]), hand: twice });
    const row = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`f${i}`, (i * 7) % (i + 2)]));
    const v = { rows: [row, row], pair: [4, true], hand: 6 };
    const ints = encodeToArray(codec, v);
    expect(ints.length).toBe(1 + 2 * 80 + 2 + 2);
    expect(ints.slice(-4)).toEqual([4, 1, 6, 6]);
    expect(decodeFromArray(codec, ints)).toStrictEqual(v);
    expect(() => encodeToArray(codec, { ...v, pair: [4] })).toThrow(CodecError);
    expect(() => decodeFromArray(codec, [...ints.slice(0, -1), 7])).toThrow('halves differ');
    expect(() => encodeToArray(codec, { ...v, rows: [{ ...row, f3: 9 }] })).toThrow('value 9 outside the declared range 0..4');
  });
});

describe('generated functions per layout', () => {
  const layout = (max: number) => record({ pc: literal(['idle', 'busy']), n: int(0, max), xs: list(2, int(0, 3)), c: constant('k') });

  it('two codecs of one layout share their functions; another range or constant gets its own', () => {
    expect(compileEncode(layout(3))).toBe(compileEncode(layout(3)));
    expect(compileDecode(layout(3))).toBe(compileDecode(layout(3)));
    expect(cloner(layout(3))).toBe(cloner(layout(3)));
    expect(compileEncode(layout(4))).not.toBe(compileEncode(layout(3)));
    expect(layoutKey(record({ c: constant({ a: 1 }) }))).not.toBe(layoutKey(record({ c: constant({ a: 1 }) })));
    expect(layoutKey(record({ c: constant(1) }))).not.toBe(layoutKey(record({ c: constant('1') })));
  });

  it('the shared functions still check each codec’s own values', () => {
    const w = new IntWriter();
    expect(() => compileEncode(layout(3))({ pc: 'idle', n: 4, xs: [], c: 'k' }, w)).toThrow(CodecError);
    expect(decodeFromArray(layout(4), encodeToArray(layout(4), { pc: 'busy', n: 4, xs: [3], c: 'k' }))).toEqual({ pc: 'busy', n: 4, xs: [3], c: 'k' });
  });
});
