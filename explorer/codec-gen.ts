// Compiles a codec's shape (the tree the combinators in codec.ts record) into one encode, one
// decode and one clone function with the whole layout inlined: the search encodes every successor
// and copies its parent once per successor, and calling a closure per field made those the largest
// costs of a kernel model's search (55-65%). The generated code keeps the combinators' checks and
// their error messages; a codec without a shape (written by hand) is called through its methods.
import { CodecError, IntReader, IntWriter, type Codec, type Shape } from './codec-io.ts';

export type EncodeFn<T> = (value: T, out: IntWriter) => void;
export type DecodeFn<T> = (src: IntReader) => T;
export type CloneFn<T> = (value: T) => T;
export type MarkingDecodeFn<T> = (src: IntReader, marks: Int32Array, nestedMarks?: readonly Int32Array[]) => T;

/** Error raisers the generated code calls, so each message is written once. */
const E = {
  early(): never {
    throw new CodecError('encoding ended early');
  },
  range(v: unknown, min: number, max: number): never {
    throw new CodecError(`value ${String(v)} outside the declared range ${min}..${max}`);
  },
  decodedRange(v: number, min: number, max: number): never {
    throw new CodecError(`decoded ${v} outside the declared range ${min}..${max}`);
  },
  bool(v: number): never {
    throw new CodecError(`decoded ${v} where a boolean (0 or 1) was expected`);
  },
  literal(v: unknown, values: readonly string[]): never {
    throw new CodecError(`'${String(v)}' is not one of ${values.join(', ')}`);
  },
  literalIndex(): never {
    throw new CodecError('literal index out of range');
  },
  arrayLength(n: number, length: number): never {
    throw new CodecError(`array of length ${n}, expected ${length}`);
  },
  listLength(n: number, max: number): never {
    throw new CodecError(`list of length ${n} exceeds ${max}`);
  },
  decodedListLength(n: number, max: number): never {
    throw new CodecError(`decoded list length ${n} outside 0..${max}`);
  },
  tag(key: string, tag: unknown): never {
    throw new CodecError(`unknown ${key} '${String(tag)}'`);
  },
  tagIndex(key: string): never {
    throw new CodecError(`${key} index out of range`);
  },
  /** A copy of a value whose codec has no shape: through its encoding. */
  viaInts<T>(codec: Codec<T>, v: T): T {
    const w = new IntWriter();
    codec.encode(v, w);
    return codec.decode(new IntReader(w.buf, w.len));
  },
};

/**
 * A record or tuple whose inlined code is longer than this becomes a function of its own. Small
 * functions, because V8 optimizes a function whole and again whenever it deoptimizes: a step that
 * first puts an object where a field was always null deoptimizes the function that reads it. With
 * one function per kernel state (at 3000) `default`'s decode was compiled a dozen times at 125-250 ms
 * each, on background threads that took most of a second core; at 300 the search took 10-15% less
 * CPU, and 15-20% less time on two threads.
 */
const INLINE_LIMIT = 300;

class Emitter {
  readonly lines: string[] = [];
  constructor(
    readonly consts: unknown[],
    private readonly counter: { n: number },
  ) {}
  tmp(): string {
    return `t${this.counter.n++}`;
  }
  konst(v: unknown): string {
    this.consts.push(v);
    return `K[${this.consts.length - 1}]`;
  }
  emit(line: string): void {
    this.lines.push(line);
  }
  sub(): Emitter {
    return new Emitter(this.consts, this.counter);
  }
  get size(): number {
    return this.lines.reduce((n, l) => n + l.length, 0);
  }
}

const prop = (obj: string, key: string): string => `${obj}[${JSON.stringify(key)}]`;

/** A constant's value in a decoded state: its own copy of an object, unless the layout shares it. */
const fresh = (g: Emitter, value: unknown, shared: boolean): string =>
  typeof value === 'object' && value !== null && !shared ? `structuredClone(${g.konst(value)})` : g.konst(value);

// ---- one function per layout -------------------------------------------------------------------
// Every search compiles its model afresh, and so builds new codec objects; generating new functions
// for them made V8 compile and optimize the same code again per search, and gave each search's states
// new object shapes, so the model's own code (steps, invariants) saw more and more shapes and slowed
// down (a second search of sva-small in one process took 2-3 times the first). Functions are therefore
// kept per layout: codecs of the same layout share them, and their states share object shapes.

const identities = new WeakMap<object, number>();
let nextIdentity = 0;
const identity = (o: object): number => {
  let id = identities.get(o);
  if (id === undefined) identities.set(o, (id = nextIdentity++));
  return id;
};

const layoutKeys = new WeakMap<Codec<unknown>, string>();

/** A string equal for two codecs exactly when the code generated for them is the same. */
export function layoutKey(codec: Codec<unknown>): string {
  const known = layoutKeys.get(codec);
  if (known !== undefined) return known;
  const s = codec.shape;
  const key = s ? shapeKey(s) : `o${identity(codec)}`;
  layoutKeys.set(codec, key);
  return key;
}

function shapeKey(s: Shape): string {
  switch (s.kind) {
    case 'int':
      return `i${s.min},${s.max}`;
    case 'bool':
      return 'b';
    case 'literal':
      return `l${JSON.stringify(s.values)}`;
    case 'array':
      return `a${s.length}(${layoutKey(s.item)})`;
    case 'list':
      return `L${s.maxLength}(${layoutKey(s.item)})`;
    case 'nullable':
      return `n(${layoutKey(s.item)})`;
    case 'tagged':
      return `t${JSON.stringify([s.key, s.tags])}(${s.variants.map(layoutKey).join(',')})`;
    case 'constant':
      // A primitive by its value; an object by its identity (a shared one is that very object in
      // every decoded state, a copied one is copied from it).
      return typeof s.value === 'object' && s.value !== null ? `C${s.shared === true ? 's' : ''}${identity(s.value)}` : `c${typeof s.value}:${String(s.value)}`;
    case 'record':
      return `r${JSON.stringify(s.keys)}(${s.fields.map(layoutKey).join(',')})`;
    case 'tuple':
      return `T(${s.items.map(layoutKey).join(',')})`;
  }
}

/** The function cached for `codec`, or for another codec of its layout; else `make`'s, cached for both. */
export function perLayout<F>(byCodec: WeakMap<Codec<unknown>, F>, byLayout: Map<string, F>, codec: Codec<unknown>, make: () => F): F {
  const known = byCodec.get(codec);
  if (known !== undefined) return known;
  const key = layoutKey(codec);
  const shared = byLayout.get(key) ?? make();
  byLayout.set(key, shared);
  byCodec.set(codec, shared);
  return shared;
}

// ---- encode -------------------------------------------------------------------------------------

function push(g: Emitter, x: string): void {
  g.emit(`if (n === b.length) { out.len = n; out.grow(); b = out.buf; } b[n++] = ${x};`);
}

function callEncode(g: Emitter, fn: string, x: string): void {
  g.emit(`out.len = n; ${fn}(${x}, out); n = out.len; b = out.buf;`);
}

function encodeNode(g: Emitter, codec: Codec<unknown>, x: string, inline = false): void {
  const s = codec.shape;
  if (!s) return callEncode(g, `${g.konst(codec)}.encode`, x);
  switch (s.kind) {
    case 'int':
      g.emit(`if (!(${x} >= ${s.min} && ${x} <= ${s.max}) || !Number.isInteger(${x})) E.range(${x}, ${s.min}, ${s.max});`);
      return push(g, x);
    case 'bool':
      return push(g, `(${x} ? 1 : 0)`);
    case 'literal': {
      const i = g.tmp();
      g.emit(`let ${i}; switch (${x}) {`);
      s.values.forEach((v, k) => g.emit(`case ${JSON.stringify(v)}: ${i} = ${k}; break;`));
      g.emit(`default: E.literal(${x}, ${g.konst(s.values)}); }`);
      return push(g, i);
    }
    case 'array': {
      g.emit(`if (${x}.length !== ${s.length}) E.arrayLength(${x}.length, ${s.length});`);
      const i = g.tmp();
      const y = g.tmp();
      g.emit(`for (let ${i} = 0; ${i} < ${s.length}; ${i}++) { const ${y} = ${x}[${i}];`);
      encodeNode(g, s.item, y);
      return g.emit('}');
    }
    case 'list': {
      g.emit(`if (${x}.length > ${s.maxLength}) E.listLength(${x}.length, ${s.maxLength});`);
      push(g, `${x}.length`);
      const i = g.tmp();
      const y = g.tmp();
      g.emit(`for (let ${i} = 0; ${i} < ${x}.length; ${i}++) { const ${y} = ${x}[${i}];`);
      encodeNode(g, s.item, y);
      return g.emit('}');
    }
    case 'nullable': {
      g.emit(`if (${x} === null) {`);
      push(g, '0');
      g.emit('} else {');
      push(g, '1');
      encodeNode(g, s.item, x);
      return g.emit('}');
    }
    case 'tagged': {
      g.emit(`switch (${prop(x, s.key)}) {`);
      s.tags.forEach((tag, k) => {
        g.emit(`case ${JSON.stringify(tag)}: {`);
        push(g, String(k));
        encodeNode(g, s.variants[k]!, x);
        g.emit('break; }');
      });
      return g.emit(`default: E.tag(${JSON.stringify(s.key)}, ${prop(x, s.key)}); }`);
    }
    case 'constant':
      return;
    case 'record':
    case 'tuple': {
      if (s.kind === 'tuple') g.emit(`if (${x}.length !== ${s.items.length}) E.arrayLength(${x}.length, ${s.items.length});`);
      const body = g.sub();
      const items = s.kind === 'record' ? s.keys.map((k, i) => [prop(x, k), s.fields[i]!] as const) : s.items.map((c, i) => [`${x}[${i}]`, c] as const);
      for (const [get, c] of items) {
        const y = body.tmp();
        body.emit(`const ${y} = ${get};`);
        encodeNode(body, c, y);
      }
      if (!inline && body.size > INLINE_LIMIT) return callEncode(g, g.konst(compileEncode(codec)), x);
      g.emit('{');
      body.lines.forEach((l) => g.emit(l));
      return g.emit('}');
    }
  }
}

/** One encode function for the whole layout of `codec`. */
export function compileEncode<T>(codec: Codec<T>): EncodeFn<T> {
  return perLayout(encoders, encodersByLayout, codec as Codec<unknown>, () => generateEncode(codec as Codec<unknown>)) as EncodeFn<T>;
}

function generateEncode(codec: Codec<unknown>): EncodeFn<unknown> {
  const consts: unknown[] = [];
  const g = new Emitter(consts, { n: 0 });
  encodeNode(g, codec as Codec<unknown>, 'v', true);
  const src = `return function encode(v, out) { let b = out.buf, n = out.len;\n${g.lines.join('\n')}\nout.len = n; };`;
  return new Function('K', 'E', src)(consts, E) as EncodeFn<unknown>;
}

const encoders = new WeakMap<Codec<unknown>, EncodeFn<unknown>>();
const encodersByLayout = new Map<string, EncodeFn<unknown>>();
// ---- decode and clone ---------------------------------------------------------------------------
// A decoded state and a cloned one must be alike (the search clones the decoded parent for each
// successor), so both are generated by one walk of the layout that builds the value; they differ
// only in where the walk gets each fact (a leaf, a length, a tag, null or not) from.

type LeafShape = Extract<Shape, { kind: 'int' | 'bool' | 'literal' }>;
type TaggedShape = Extract<Shape, { kind: 'tagged' }>;

interface Source {
  /** Statements that start the generated function, and the root value's expression. */
  readonly prologue: string;
  readonly root: string;
  readonly epilogue: string;
  leaf(g: Emitter, s: LeafShape, x: string): string;
  length(g: Emitter, s: Extract<Shape, { kind: 'array' | 'list' }>, x: string): string;
  /** The value at `get` as a name later code can use (nothing to name when reading integers). */
  bind(g: Emitter, get: string): string;
  present(g: Emitter, x: string): string;
  /** The expression a tagged union switches on, its case label for variant k, its default. */
  tag(g: Emitter, s: TaggedShape, x: string): string;
  tagCase(s: TaggedShape, k: number): string;
  tagDefault(s: TaggedShape, x: string): string;
  opaque(g: Emitter, codec: Codec<unknown>, x: string): string;
  /** Calls the out-of-line function compiled for a large record. */
  call(g: Emitter, codec: Codec<unknown>, x: string): string;
}

/** Reads the next integer into a fresh temporary and returns its name. */
function read(g: Emitter): string {
  const t = g.tmp();
  g.emit(`if (p >= e) E.early(); const ${t} = a[p++];`);
  return t;
}

const fromInts: Source = {
  prologue: 'const a = src.src, e = src.end; let p = src.pos;',
  root: '',
  epilogue: 'src.pos = p;',
  leaf(g, s) {
    const t = read(g);
    if (s.kind === 'int') {
      g.emit(`if (${t} < ${s.min} || ${t} > ${s.max}) E.decodedRange(${t}, ${s.min}, ${s.max});`);
      return t;
    }
    if (s.kind === 'bool') {
      g.emit(`if (${t} !== 0 && ${t} !== 1) E.bool(${t});`);
      return `(${t} === 1)`;
    }
    const r = g.tmp();
    g.emit(`const ${r} = ${g.konst(s.values)}[${t}]; if (${r} === undefined) E.literalIndex();`);
    return r;
  },
  length(g, s) {
    if (s.kind === 'array') return String(s.length);
    const n = read(g);
    g.emit(`if (${n} < 0 || ${n} > ${s.maxLength}) E.decodedListLength(${n}, ${s.maxLength});`);
    return n;
  },
  bind: () => '',
  present: (g) => `${read(g)} !== 0`,
  tag: (g) => read(g),
  tagCase: (_s, k) => String(k),
  tagDefault: (s) => `E.tagIndex(${JSON.stringify(s.key)})`,
  opaque(g, codec) {
    const t = g.tmp();
    g.emit(`src.pos = p; const ${t} = ${g.konst(codec)}.decode(src); p = src.pos;`);
    return t;
  },
  call(g, codec) {
    const t = g.tmp();
    g.emit(`src.pos = p; const ${t} = ${g.konst(compileDecode(codec))}(src); p = src.pos;`);
    return t;
  },
};

const fromValue: Source = {
  prologue: '',
  root: 'v',
  epilogue: '',
  leaf: (_g, _s, x) => x,
  length: (_g, _s, x) => `${x}.length`,
  bind(g, get) {
    const y = g.tmp();
    g.emit(`const ${y} = ${get};`);
    return y;
  },
  present: (_g, x) => `${x} !== null`,
  tag: (_g, s, x) => prop(x, s.key),
  tagCase: (s, k) => JSON.stringify(s.tags[k]),
  tagDefault: (s, x) => `E.tag(${JSON.stringify(s.key)}, ${prop(x, s.key)})`,
  opaque: (g, codec, x) => `E.viaInts(${g.konst(codec)}, ${x})`,
  call(g, codec, x) {
    const t = g.tmp();
    g.emit(`const ${t} = ${g.konst(compileClone(codec))}(${x});`);
    return t;
  },
};

/** Arrays of at most this many leaves are built as one literal (of other items, at most two). */
const UNROLL_LIMIT = 8;

const isLeaf = (c: Codec<unknown>): boolean => c.shape?.kind === 'int' || c.shape?.kind === 'bool' || c.shape?.kind === 'literal';

/** Emits the statements that build one value of `codec` from `src`; returns its expression. */
function buildNode(g: Emitter, src: Source, codec: Codec<unknown>, x: string, inline = false, mark: Marking = 'none'): string {
  const s = codec.shape;
  if (!s) return src.opaque(g, codec, x);
  switch (s.kind) {
    case 'int':
    case 'bool':
    case 'literal':
      return src.leaf(g, s, x);
    case 'array':
    case 'list': {
      const r = g.tmp();
      // A short array (of leaves, or of one or two of anything) as one literal: no loop, and an
      // array of its final size at once.
      if (s.kind === 'array' && s.length <= (isLeaf(s.item) ? UNROLL_LIMIT : 2)) {
        const items = Array.from({ length: s.length }, (_, k) => buildNode(g, src, s.item, src.bind(g, `${x}[${k}]`)));
        g.emit(`const ${r} = [${items.join(', ')}];`);
        return r;
      }
      const n = src.length(g, s, x);
      const i = g.tmp();
      g.emit(`const ${r} = []; for (let ${i} = 0; ${i} < ${n}; ${i}++) {`);
      const item = buildNode(g, src, s.item, src.bind(g, `${x}[${i}]`));
      g.emit(`${r}.push(${item}); }`);
      return r;
    }
    case 'nullable': {
      const r = g.tmp();
      g.emit(`let ${r} = null; if (${src.present(g, x)}) {`);
      g.emit(`${r} = ${buildNode(g, src, s.item, x)}; }`);
      return r;
    }
    case 'tagged': {
      const r = g.tmp();
      g.emit(`let ${r}; switch (${src.tag(g, s, x)}) {`);
      s.tags.forEach((tag, k) => {
        g.emit(`case ${src.tagCase(s, k)}: {`);
        const v = buildNode(g, src, s.variants[k]!, x);
        g.emit(`${r} = ${v}; ${prop(r, s.key)} = ${JSON.stringify(tag)}; break; }`);
      });
      g.emit(`default: ${src.tagDefault(s, x)}; }`);
      return r;
    }
    case 'constant':
      return fresh(g, s.value, s.shared === true);
    case 'record':
    case 'tuple': {
      const body = g.sub();
      const r = body.tmp();
      const items = s.kind === 'record' ? s.keys.map((k, i) => [k, prop(x, k), s.fields[i]!] as const) : s.items.map((c, i) => ['', `${x}[${i}]`, c] as const);
      const nested = mark === 'nested' ? nestedFields(codec) : [];
      const parts = items.map(([key, get, c], i) => {
        if (mark !== 'none') body.emit(`M[${i}] = p;`);
        const v = nested[i] ? nestedMarkingCall(body, c, i) : buildNode(body, src, c, src.bind(body, get));
        return s.kind === 'record' ? `${JSON.stringify(key)}: ${v}` : v;
      });
      if (mark !== 'none') body.emit(`M[${items.length}] = p;`);
      // One object literal per record: every record of a layout built here shares one hidden class.
      body.emit(s.kind === 'record' ? `const ${r} = { ${parts.join(', ')} };` : `const ${r} = [${parts.join(', ')}];`);
      if (!inline && body.size > INLINE_LIMIT) return src.call(g, codec, x);
      body.lines.forEach((l) => g.emit(l));
      return r;
    }
  }
}

function compileBuild<F>(name: string, codec: Codec<unknown>, src: Source, params: string, cache: Cache<F>, mark: Marking = 'none'): F {
  return perLayout(cache.byCodec, cache.byLayout, codec, () => generateBuild<F>(name, codec, src, params, mark));
}

/**
 * Where a marking decode (of the search's own encodings) notes where fields start: nowhere, at the
 * root record's fields, or also at the fields of its `nestedFields` (each its own marks, `S[i]`).
 */
type Marking = 'none' | 'marks' | 'nested';

/**
 * The top-level fields of a record codec that copy-on-touch drafts one level further down
 * (copy-on-touch.ts): records whose fields all have shapes, so that a successor encodes their
 * untouched fields by copying the parent's integers.
 */
export function nestedFields(codec: Codec<unknown>): boolean[] {
  const s = codec.shape;
  if (s?.kind !== 'record') return [];
  return s.fields.map((f) => f.shape?.kind === 'record' && f.shape.fields.every((x) => x.shape !== undefined));
}

/** Decodes nested field `i` by its own marking decode, which notes where its fields start in S[i]. */
function nestedMarkingCall(g: Emitter, codec: Codec<unknown>, i: number): string {
  const t = g.tmp();
  g.emit(`src.pos = p; const ${t} = ${g.konst(compileMarkingDecode(codec))}(src, S[${i}]); p = src.pos;`);
  return t;
}

interface Cache<F> {
  readonly byCodec: WeakMap<Codec<unknown>, F>;
  readonly byLayout: Map<string, F>;
}

const cache = <F>(): Cache<F> => ({ byCodec: new WeakMap(), byLayout: new Map() });

function generateBuild<F>(name: string, codec: Codec<unknown>, src: Source, params: string, mark: Marking): F {
  const consts: unknown[] = [];
  const g = new Emitter(consts, { n: 0 });
  const r = buildNode(g, src, codec, src.root, true, mark);
  const code = `return function ${name}(${params}) { ${src.prologue}\n${g.lines.join('\n')}\n${src.epilogue} return ${r}; };`;
  return new Function('K', 'E', code)(consts, E) as F;
}

const decoders = cache<DecodeFn<unknown>>();
const markingDecoders = cache<MarkingDecodeFn<unknown>>();
const nestingDecoders = cache<MarkingDecodeFn<unknown>>();
const cloners = cache<CloneFn<unknown>>();

/** One decode function for the whole layout of `codec`. */
export function compileDecode<T>(codec: Codec<T>): DecodeFn<T> {
  return compileBuild('decode', codec as Codec<unknown>, fromInts, 'src', decoders) as DecodeFn<T>;
}

/**
 * The search's own encodings, which its encoder checked: read without checking again each integer's
 * range and the end of the encoding, a record large enough to be a function of its own by a trusted
 * decode of its own.
 */
const fromTrustedInts: Source = {
  ...fromInts,
  prologue: 'const a = src.src; let p = src.pos;',
  call(g, codec) {
    const t = g.tmp();
    g.emit(`src.pos = p; const ${t} = ${g.konst(compileTrustedDecode(codec))}(src); p = src.pos;`);
    return t;
  },
  leaf(g, s) {
    const t = g.tmp();
    g.emit(`const ${t} = a[p++];`);
    if (s.kind === 'int') return t;
    if (s.kind === 'bool') return `(${t} === 1)`;
    return `${g.konst(s.values)}[${t}]`;
  },
  length(g, s) {
    if (s.kind === 'array') return String(s.length);
    const n = g.tmp();
    g.emit(`const ${n} = a[p++];`);
    return n;
  },
  present(g) {
    const t = g.tmp();
    g.emit(`const ${t} = a[p++];`);
    return `${t} !== 0`;
  },
  tag(g) {
    const t = g.tmp();
    g.emit(`const ${t} = a[p++];`);
    return t;
  },
};

const trustedDecoders = cache<DecodeFn<unknown>>();

/** The unchecked decode of a part of the search's own encodings (fromTrustedInts). */
function compileTrustedDecode<T>(codec: Codec<T>): DecodeFn<T> {
  return compileBuild('decode', codec as Codec<unknown>, fromTrustedInts, 'src', trustedDecoders) as DecodeFn<T>;
}

/**
 * One decode function for a record's layout that also notes in `marks` where each of its fields'
 * integers start, and where the last one's end.
 */
export function compileMarkingDecode<T>(codec: Codec<T>, nested = false): MarkingDecodeFn<T> {
  if (codec.shape?.kind !== 'record') throw new CodecError('a marking decode needs a record at the root');
  if (nested) return compileBuild('decode', codec as Codec<unknown>, fromTrustedInts, 'src, M, S', nestingDecoders, 'nested') as MarkingDecodeFn<T>;
  return compileBuild('decode', codec as Codec<unknown>, fromTrustedInts, 'src, M', markingDecoders, 'marks') as MarkingDecodeFn<T>;
}

/**
 * One function that copies a value of `codec`'s layout, equal to decoding its encoding (the same
 * object shapes, constants fresh) but without the integers in between.
 */
export function compileClone<T>(codec: Codec<T>): CloneFn<T> {
  return compileBuild('clone', codec as Codec<unknown>, fromValue, 'v', cloners) as CloneFn<T>;
}
