// Compiles a codec's shape (the tree the combinators in codec.ts record) into one encode, one
// decode and one clone function with the whole layout inlined: the search encodes every successor
// and copies its parent once per successor, and calling a closure per field made those the largest
// costs of a kernel model's search (55-65%). The generated code keeps the combinators' checks and
// their error messages; a codec without a shape (written by hand) is called through its methods.
import { CodecError, IntReader, IntWriter, type Codec, type Shape } from './codec-io.ts';

export type EncodeFn<T> = (value: T, out: IntWriter) => void;
export type DecodeFn<T> = (src: IntReader) => T;
export type CloneFn<T> = (value: T) => T;
export type MarkingDecodeFn<T> = (src: IntReader, marks: Int32Array) => T;

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

/** A record or tuple whose inlined code is longer than this becomes a function of its own. */
const INLINE_LIMIT = 3000;

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
  const known = encoders.get(codec);
  if (known) return known as EncodeFn<T>;
  const consts: unknown[] = [];
  const g = new Emitter(consts, { n: 0 });
  encodeNode(g, codec as Codec<unknown>, 'v', true);
  const src = `return function encode(v, out) { let b = out.buf, n = out.len;\n${g.lines.join('\n')}\nout.len = n; };`;
  const fn = new Function('K', 'E', src)(consts, E) as EncodeFn<T>;
  encoders.set(codec, fn as EncodeFn<unknown>);
  return fn;
}

const encoders = new WeakMap<Codec<unknown>, EncodeFn<unknown>>();
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

/** Emits the statements that build one value of `codec` from `src`; returns its expression. */
function buildNode(g: Emitter, src: Source, codec: Codec<unknown>, x: string, inline = false, mark = false): string {
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
      const parts = items.map(([key, get, c], i) => {
        if (mark) body.emit(`M[${i}] = p;`);
        const v = buildNode(body, src, c, src.bind(body, get));
        return s.kind === 'record' ? `${JSON.stringify(key)}: ${v}` : v;
      });
      if (mark) body.emit(`M[${items.length}] = p;`);
      // One object literal per record: every record of a layout built here shares one hidden class.
      body.emit(s.kind === 'record' ? `const ${r} = { ${parts.join(', ')} };` : `const ${r} = [${parts.join(', ')}];`);
      if (!inline && body.size > INLINE_LIMIT) return src.call(g, codec, x);
      body.lines.forEach((l) => g.emit(l));
      return r;
    }
  }
}

function compileBuild<F>(name: string, codec: Codec<unknown>, src: Source, params: string, cache: WeakMap<Codec<unknown>, F>, mark = false): F {
  const known = cache.get(codec);
  if (known) return known;
  const consts: unknown[] = [];
  const g = new Emitter(consts, { n: 0 });
  const r = buildNode(g, src, codec, src.root, true, mark);
  const code = `return function ${name}(${params}) { ${src.prologue}\n${g.lines.join('\n')}\n${src.epilogue} return ${r}; };`;
  const fn = new Function('K', 'E', code)(consts, E) as F;
  cache.set(codec, fn);
  return fn;
}

const decoders = new WeakMap<Codec<unknown>, DecodeFn<unknown>>();
const markingDecoders = new WeakMap<Codec<unknown>, MarkingDecodeFn<unknown>>();
const cloners = new WeakMap<Codec<unknown>, CloneFn<unknown>>();

/** One decode function for the whole layout of `codec`. */
export function compileDecode<T>(codec: Codec<T>): DecodeFn<T> {
  return compileBuild('decode', codec as Codec<unknown>, fromInts, 'src', decoders) as DecodeFn<T>;
}

/**
 * One decode function for a record's layout that also notes in `marks` where each of its fields'
 * integers start, and where the last one's end.
 */
export function compileMarkingDecode<T>(codec: Codec<T>): MarkingDecodeFn<T> {
  if (codec.shape?.kind !== 'record') throw new CodecError('a marking decode needs a record at the root');
  return compileBuild('decode', codec as Codec<unknown>, fromInts, 'src, M', markingDecoders, true) as MarkingDecodeFn<T>;
}

/**
 * One function that copies a value of `codec`'s layout, equal to decoding its encoding (the same
 * object shapes, constants fresh) but without the integers in between.
 */
export function compileClone<T>(codec: Codec<T>): CloneFn<T> {
  return compileBuild('clone', codec as Codec<unknown>, fromValue, 'v', cloners) as CloneFn<T>;
}
