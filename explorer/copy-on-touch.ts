// The successors of one decoded parent, each copying only the top-level fields its step touches.
// A kernel model's state is a record of slices (the SMMU, the mms, the queue, ...) and a step reads
// and writes a few of them; copying the whole parent per successor and encoding the whole successor
// were the largest costs of its search. A draft copies a field the first time the step gets it; the
// successor shares every other field with the parent, and its encoding copies their integers from the
// parent's. Sharing is safe because nothing mutates a state after its step: properties, constraints
// and the encoder only read (a model's `canonicalize` returns a new state where it differs, and
// --check-symmetry checks that it leaves its argument alone). A codec whose root is not a record
// gets whole copies.
import { compileClone, compileEncode, compileMarkingDecode, perLayout, type CloneFn, type EncodeFn } from './codec-gen.ts';
import type { Codec, IntReader, IntWriter } from './codec-io.ts';
import { searchFunctions } from './codec.ts';

export interface Successors<S> {
  /** Decodes the parent; its encoding must stay where `src` reads it while its successors are made. */
  parent(src: IntReader): S;
  /** A copy of the parent for one step to mutate. */
  draft(): S;
  /** The successor the step left in `draft`, as a plain state. */
  done(draft: S): S;
  /** Encodes `next`, the state `done` made of `draft`. */
  encode(draft: S, next: S, out: IntWriter): void;
  /** The bits of the top-level fields the step got or set on `draft` (all bits: it may have changed any). */
  touched(draft: S): number;
}

/** Successors by whole copies: for a codec that is not a record at its root, or on request. */
function wholeCopies<S>(codec: Codec<S>, clone: CloneFn<S>): Successors<S> {
  const { encode, decode } = searchFunctions(codec);
  let parent: S;
  return {
    parent: (src) => (parent = decode(src)),
    draft: () => clone(parent),
    done: (d) => d,
    encode: (_d, next, out) => encode(next, out),
    touched: () => -1,
  };
}

/** The generated draft class and the functions that finish and encode a draft. */
interface Generated {
  readonly Draft: new (parent: unknown) => unknown;
  readonly done: (d: unknown) => unknown;
  readonly encode: (d: unknown, src: ArrayLike<number>, marks: Int32Array, out: IntWriter) => void;
  readonly touched: (d: unknown) => number;
}

const generated = new WeakMap<Codec<unknown>, Generated>();
const generatedByLayout = new Map<string, Generated>();

function generate(keys: readonly string[], fields: readonly Codec<unknown>[]): Generated {
  const clones: CloneFn<unknown>[] = fields.map((f) => compileClone(f));
  const encodes: EncodeFn<unknown>[] = fields.map((f) => compileEncode(f));
  const untouched = {};
  const k = (i: number): string => JSON.stringify(keys[i]);
  const slots = keys.map((_, i) => `this.$${i} = U;`).join(' ');
  const accessors = keys
    .map((_, i) => `get [${k(i)}]() { const v = this.$${i}; return v !== U ? v : (this.$${i} = C[${i}](this.$p[${k(i)}])); } set [${k(i)}](v) { this.$${i} = v; }`)
    .join('\n');
  const fieldsOf = keys.map((_, i) => `${k(i)}: d.$${i} !== U ? d.$${i} : p[${k(i)}]`).join(', ');
  const encodeFields = keys
    .map(
      (_, i) => `if (d.$${i} === U) { const from = m[${i}], to = m[${i + 1}];
  while (n + to - from > b.length) { out.len = n; out.grow(); b = out.buf; }
  for (let j = from; j < to; j++) b[n++] = src[j];
} else { out.len = n; N[${i}](d.$${i}, out); n = out.len; b = out.buf; }`,
    )
    .join('\n');
  const touchedBits = keys.length > 31 ? 'return -1;' : `let m = 0; ${keys.map((_, i) => `if (d.$${i} !== U) m |= ${(1 << i) | 0};`).join(' ')} return m;`;
  const code = `
class Draft { constructor(p) { this.$p = p; ${slots} }
${accessors} }
function done(d) { const p = d.$p; return { ${fieldsOf} }; }
function encode(d, src, m, out) { let b = out.buf, n = out.len;
${encodeFields}
out.len = n; }
function touched(d) { ${touchedBits} }
return { Draft, done, encode, touched };`;
  return new Function('U', 'C', 'N', code)(untouched, clones, encodes) as Generated;
}

/** The successors of `codec`'s states; `wholeState` asks for whole copies (the reference a test compares with). */
export function successors<S>(codec: Codec<S>, wholeState = false): Successors<S> {
  const shape = codec.shape;
  if (wholeState || shape?.kind !== 'record' || !shape.fields.every((f) => f.shape)) return wholeCopies(codec, compileClone(codec));
  const { keys, fields } = shape;
  const g = perLayout(generated, generatedByLayout, codec as Codec<unknown>, () => generate(keys, fields as readonly Codec<unknown>[]));
  const decode = compileMarkingDecode(codec);
  // Where each field's integers start in the parent's encoding, and where the last one ends.
  const marks = new Int32Array(keys.length + 1);
  let src: ArrayLike<number> = marks;
  let parent: S;
  return {
    parent(r) {
      src = r.src;
      return (parent = decode(r, marks));
    },
    draft: () => new g.Draft(parent) as S,
    done: (d) => g.done(d) as S,
    encode: (d, _next, out) => g.encode(d, src, marks, out),
    touched: (d) => g.touched(d),
  };
}
