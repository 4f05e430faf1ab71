// The successors of one decoded parent, each copying only the top-level fields its step touches.
// A kernel model's state is a record of slices (the SMMU, the mms, the queue, ...) and a step reads
// and writes a few of them; copying the whole parent per successor and encoding the whole successor
// were the largest costs of its search. A draft copies a field the first time the step gets it; the
// successor shares every other field with the parent, and its encoding copies their integers from the
// parent's. Sharing is safe because nothing mutates a state after its step: properties, constraints
// and the encoder only read (a model's `canonicalize` returns a new state where it differs, and
// --check-symmetry checks that it leaves its argument alone). A codec whose root is not a record
// gets whole copies. The successor's fingerprint is the parent's with the touched fields' hashes
// swapped (fingerprint.ts), so a successor already seen, most of them, is never encoded whole.
import { compileClone, compileEncode, compileMarkingDecode, nestedFields, perLayout, type CloneFn } from './codec-gen.ts';
import { IntWriter, type Codec, type IntReader } from './codec-io.ts';
import { searchFunctions } from './codec.ts';
import { fieldLanes, finishFingerprint, fingerprint, hashField, hashFields } from './fingerprint.ts';

export interface Successors<S> {
  /** Decodes the parent; its encoding must stay where `src` reads it while its successors are made. */
  parent(src: IntReader): S;
  /** A copy of the parent for one step to mutate. */
  draft(): S;
  /** The successor the step left in `draft`, as a plain state. */
  done(draft: S): S;
  /** Encodes `next`, the state `done` made of `draft`. */
  encode(draft: S, next: S, out: IntWriter): void;
  /** Sets lastFingerprint to the fingerprint of the state `done` made of `draft`. */
  fingerprint(draft: S): void;
  /** Encodes a whole state into `out` (reset first) and sets lastFingerprint to its fingerprint. */
  encodeWhole(s: S, out: IntWriter): void;
  /** The bits of the top-level fields the step got or set on `draft` (all bits: it may have changed any). */
  touched(draft: S): number;
}

/**
 * Encodes a whole state into `out`, from its start, and sets lastFingerprint: field by field for a
 * record (the fingerprint sums its fields' hashes), as one field otherwise.
 */
export function wholeEncoder<S>(codec: Codec<S>): (s: S, out: IntWriter) => void {
  const shape = codec.shape;
  if (shape?.kind !== 'record') {
    const { encode } = searchFunctions(codec);
    return (s, out) => {
      out.reset();
      encode(s, out);
      fingerprint(out.buf, out.len);
    };
  }
  const { keys } = shape;
  const encodes = shape.fields.map((f) => compileEncode(f as Codec<unknown>));
  const marks = new Int32Array(keys.length + 1);
  const a = new Int32Array(keys.length);
  const b = new Int32Array(keys.length);
  return (s, out) => {
    out.reset();
    for (let i = 0; i < keys.length; i++) {
      marks[i] = out.len;
      encodes[i]!((s as Record<string, unknown>)[keys[i]!], out);
    }
    marks[keys.length] = out.len;
    hashFields(out.buf, marks, keys.length, a, b);
    finishFingerprint(fieldLanes.a, fieldLanes.b);
  };
}

/** Successors by whole copies: for a codec that is not a record at its root, or on request. */
function wholeCopies<S>(codec: Codec<S>, clone: CloneFn<S>): Successors<S> {
  const { encode, decode } = searchFunctions(codec);
  const encodeWhole = wholeEncoder(codec);
  const scratch = new IntWriter(256);
  let parent: S;
  return {
    parent: (src) => (parent = decode(src)),
    draft: () => clone(parent),
    done: (d) => d,
    encode: (_d, next, out) => encode(next, out),
    fingerprint: (d) => encodeWhole(d, scratch),
    encodeWhole,
    touched: () => -1,
  };
}

/** The generated draft class and the functions that finish and encode a draft. */
interface Generated {
  readonly Draft: new (parent: unknown) => unknown;
  readonly done: (d: unknown) => unknown;
  readonly encode: (d: unknown, src: ArrayLike<number>, marks: Int32Array, nested: readonly Int32Array[], out: IntWriter) => void;
  readonly touched: (d: unknown) => number;
  /** Sets lastFingerprint from the parent's field hashes `pa`/`pb` (sums `sa`/`sb`) and the touched fields' own. */
  readonly hash: (d: unknown, pa: Int32Array, pb: Int32Array, sa: number, sb: number, scratch: IntWriter, src: ArrayLike<number>, nested: readonly Int32Array[]) => void;
}

const generated = new WeakMap<Codec<unknown>, Generated>();
const generatedByLayout = new Map<string, Generated>();

/** Copies the parent's integers from..to into `out` (the generated code's `n` and `b`). */
const copyInts = (from: string, to: string): string => `{ const f = ${from}, t = ${to};
  while (n + t - f > b.length) { out.len = n; out.grow(); b = out.buf; }
  for (let j = f; j < t; j++) b[n++] = src[j]; }`;

/**
 * The code of a draft class over a record's fields: `$0`, `$1`, ... are U until the step gets or sets
 * the field, and a get makes the field's draft (`get(i)`: a copy of the parent's, or a nested draft).
 */
function draftClass(name: string, keys: readonly string[], get: (i: number) => string): string {
  const k = (i: number): string => JSON.stringify(keys[i]);
  const slots = keys.map((_, i) => `this.$${i} = U;`).join(' ');
  const accessors = keys.map((_, i) => `get [${k(i)}]() { const v = this.$${i}; return v !== U ? v : (this.$${i} = ${get(i)}); } set [${k(i)}](v) { this.$${i} = v; }`).join('\n');
  return `class ${name} { constructor(p) { this.$p = p; ${slots} }\n${accessors} }`;
}

/**
 * The draft of a state: a record whose fields are copied when the step first gets them, and, for a
 * field that is itself a record of shaped fields (codec-gen.ts nestedFields: the SMMU's state, the
 * fault queue, the ASID allocator), a draft of that record in turn, so that a step that gets the
 * SMMU's command queue copies and encodes the queue alone, not the stream table, the context
 * descriptors and the TLB beside it.
 */
function generate(keys: readonly string[], fields: readonly Codec<unknown>[], nested: readonly boolean[]): Generated {
  const untouched = {};
  const k = (i: number): string => JSON.stringify(keys[i]);
  const sub = fields.map((f, i) => (nested[i] ? (f.shape as Extract<Codec<unknown>['shape'], { kind: 'record' }>) : null));
  // C[i]: field i's clone, or for a nested field, its fields' clones. N[i]: field i's encode, or for a
  // nested field, its whole encode (a step that set it whole) then its fields' encodes.
  const clones = fields.map((f, i) => (sub[i] ? sub[i].fields.map((x) => compileClone(x)) : compileClone(f)));
  const encodes = fields.map((f, i) => (sub[i] ? [compileEncode(f), ...sub[i].fields.map((x) => compileEncode(x))] : compileEncode(f)));
  const classes = sub.map((r, i) => (r ? draftClass(`D${i}`, r.keys, (j) => `C[${i}][${j}](this.$p[${JSON.stringify(r.keys[j])}])`) : '')).join('\n');
  const root = draftClass('Draft', keys, (i) => (sub[i] ? `new D${i}(this.$p[${k(i)}])` : `C[${i}](this.$p[${k(i)}])`));
  // A nested draft whose step got none of its fields is its parent's record.
  const nestedDone = sub
    .map((r, i) =>
      r
        ? `function done${i}(x) { if (${r.keys.map((_, j) => `x.$${j} === U`).join(' && ')}) return x.$p; const q = x.$p; return { ${r.keys.map((key, j) => `${JSON.stringify(key)}: x.$${j} !== U ? x.$${j} : q[${JSON.stringify(key)}]`).join(', ')} }; }
function encode${i}(x, src, m, out) { let b = out.buf, n = out.len;
${r.keys.map((_, j) => `if (x.$${j} === U) ${copyInts(`m[${j}]`, `m[${j + 1}]`)} else { out.len = n; N[${i}][${j + 1}](x.$${j}, out); n = out.len; b = out.buf; }`).join('\n')}
out.len = n; }`
        : '',
    )
    .join('\n');
  const fieldsOf = keys.map((_, i) => `${k(i)}: d.$${i} === U ? p[${k(i)}] : ${sub[i] ? `d.$${i} instanceof D${i} ? done${i}(d.$${i}) : d.$${i}` : `d.$${i}`}`).join(', ');
  // Field i's encoding into `out` from the draft's value v (not U).
  const encodeField = (i: number, v: string): string =>
    sub[i] ? `if (${v} instanceof D${i}) encode${i}(${v}, src, S[${i}], out); else N[${i}][0](${v}, out);` : `N[${i}](${v}, out);`;
  const encodeFields = keys
    .map((_, i) => `if (d.$${i} === U) ${copyInts(`m[${i}]`, `m[${i + 1}]`)} else { out.len = n; ${encodeField(i, `d.$${i}`)} n = out.len; b = out.buf; }`)
    .join('\n');
  // Each lane's difference is truncated before the sum: an untruncated int32 intermediate past 2^31
  // deoptimizes TurboFan's speculative addition, and the whole function is compiled again (twice a
  // search at `default`, each compile 20-60 ms in every thread). The sum mod 2^32 is the same.
  const hashFields = keys
    .map(
      (_, i) => `if (d.$${i} !== U) { const out = s; s.len = 0; ${encodeField(i, `d.$${i}`)} H(${i}, s.buf, 0, s.len);
  a = (((a - pa[${i}]) | 0) + L.a) | 0; b = (((b - pb[${i}]) | 0) + L.b) | 0; }`,
    )
    .join('\n');
  const touchedBits = keys.length > 31 ? 'return -1;' : `let m = 0; ${keys.map((_, i) => `if (d.$${i} !== U) m |= ${(1 << i) | 0};`).join(' ')} return m;`;
  const code = `
${classes}
${root}
${nestedDone}
function done(d) { const p = d.$p; return { ${fieldsOf} }; }
function encode(d, src, m, S, out) { let b = out.buf, n = out.len;
${encodeFields}
out.len = n; }
function touched(d) { ${touchedBits} }
function hash(d, pa, pb, a, b, s, src, S) {
${hashFields}
F(a, b); }
return { Draft, done, encode, touched, hash };`;
  return new Function('U', 'C', 'N', 'H', 'L', 'F', code)(untouched, clones, encodes, hashField, fieldLanes, finishFingerprint) as Generated;
}

/** The successors of `codec`'s states; `wholeState` asks for whole copies (the reference a test compares with). */
export function successors<S>(codec: Codec<S>, wholeState = false): Successors<S> {
  const shape = codec.shape;
  if (wholeState || shape?.kind !== 'record' || !shape.fields.every((f) => f.shape)) return wholeCopies(codec, compileClone(codec));
  const { keys, fields } = shape;
  const nested = nestedFields(codec as Codec<unknown>);
  const g = perLayout(generated, generatedByLayout, codec as Codec<unknown>, () => generate(keys, fields as readonly Codec<unknown>[], nested));
  const decode = compileMarkingDecode(codec, true);
  // Where each field's integers start in the parent's encoding, and where the last one ends; and
  // the same within each nested field.
  const marks = new Int32Array(keys.length + 1);
  const nestedMarks = fields.map((f, i) => new Int32Array(nested[i] ? (f.shape as { keys: readonly string[] }).keys.length + 1 : 0));
  // The parent's fields' hashes and their sums: a successor's fingerprint swaps the touched ones.
  const pa = new Int32Array(keys.length);
  const pb = new Int32Array(keys.length);
  let sa = 0;
  let sb = 0;
  const scratch = new IntWriter(256);
  let src: ArrayLike<number> = marks;
  let parent: S;
  return {
    parent(r) {
      src = r.src;
      parent = decode(r, marks, nestedMarks);
      hashFields(src, marks, keys.length, pa, pb);
      sa = fieldLanes.a;
      sb = fieldLanes.b;
      return parent;
    },
    draft: () => new g.Draft(parent) as S,
    done: (d) => g.done(d) as S,
    encode: (d, _next, out) => g.encode(d, src, marks, nestedMarks, out),
    fingerprint: (d) => g.hash(d, pa, pb, sa, sb, scratch, src, nestedMarks),
    encodeWhole: wholeEncoder(codec),
    touched: (d) => g.touched(d),
  };
}
