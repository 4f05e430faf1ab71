// Compiles a codec's shape (the tree the combinators in codec.ts record) into one encode and one
// decode function with the whole layout inlined: the search encodes every successor and decodes
// one fresh copy per successor, and calling a closure per field made those two the largest costs
// of a kernel model's search (55-65%). The generated code keeps the combinators' checks and their
// error messages; a codec without a shape (written by hand) is called through its own methods.
import { CodecError, IntReader, IntWriter, type Codec } from './codec-io.ts';

export type EncodeFn<T> = (value: T, out: IntWriter) => void;
export type DecodeFn<T> = (src: IntReader) => T;

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
const decoders = new WeakMap<Codec<unknown>, DecodeFn<unknown>>();

// ---- decode -------------------------------------------------------------------------------------

/** Reads the next integer into a fresh temporary and returns its name. */
function read(g: Emitter): string {
  const t = g.tmp();
  g.emit(`if (p >= e) E.early(); const ${t} = a[p++];`);
  return t;
}

function callDecode(g: Emitter, fn: string): string {
  const t = g.tmp();
  g.emit(`src.pos = p; const ${t} = ${fn}(src); p = src.pos;`);
  return t;
}

/** Emits the statements that decode one value of `codec`; returns the expression holding it. */
function decodeNode(g: Emitter, codec: Codec<unknown>, inline = false): string {
  const s = codec.shape;
  if (!s) return callDecode(g, `${g.konst(codec)}.decode`);
  switch (s.kind) {
    case 'int': {
      const t = read(g);
      g.emit(`if (${t} < ${s.min} || ${t} > ${s.max}) E.decodedRange(${t}, ${s.min}, ${s.max});`);
      return t;
    }
    case 'bool': {
      const t = read(g);
      g.emit(`if (${t} !== 0 && ${t} !== 1) E.bool(${t});`);
      return `(${t} === 1)`;
    }
    case 'literal': {
      const t = read(g);
      const r = g.tmp();
      g.emit(`const ${r} = ${g.konst(s.values)}[${t}]; if (${r} === undefined) E.literalIndex();`);
      return r;
    }
    case 'array':
    case 'list': {
      const r = g.tmp();
      let count = String(s.kind === 'array' ? s.length : 0);
      if (s.kind === 'list') {
        count = read(g);
        g.emit(`if (${count} < 0 || ${count} > ${s.maxLength}) E.decodedListLength(${count}, ${s.maxLength});`);
      }
      const i = g.tmp();
      g.emit(`const ${r} = []; for (let ${i} = 0; ${i} < ${count}; ${i}++) {`);
      const item = decodeNode(g, s.item);
      g.emit(`${r}.push(${item}); }`);
      return r;
    }
    case 'nullable': {
      const r = g.tmp();
      const t = read(g);
      g.emit(`let ${r} = null; if (${t} !== 0) {`);
      const item = decodeNode(g, s.item);
      g.emit(`${r} = ${item}; }`);
      return r;
    }
    case 'tagged': {
      const r = g.tmp();
      const t = read(g);
      g.emit(`let ${r}; switch (${t}) {`);
      s.tags.forEach((tag, k) => {
        g.emit(`case ${k}: {`);
        const v = decodeNode(g, s.variants[k]!);
        g.emit(`${r} = ${v}; ${prop(r, s.key)} = ${JSON.stringify(tag)}; break; }`);
      });
      g.emit(`default: E.tagIndex(${JSON.stringify(s.key)}); }`);
      return r;
    }
    case 'constant':
      return fresh(g, s.value, s.shared === true);
    case 'record':
    case 'tuple': {
      const body = g.sub();
      const r = body.tmp();
      if (s.kind === 'record') {
        const parts = s.keys.map((k, i) => `${JSON.stringify(k)}: ${decodeNode(body, s.fields[i]!)}`);
        // One object literal per record: every decoded record of a layout shares one hidden class.
        body.emit(`const ${r} = { ${parts.join(', ')} };`);
      } else {
        const parts = s.items.map((c) => decodeNode(body, c));
        body.emit(`const ${r} = [${parts.join(', ')}];`);
      }
      if (!inline && body.size > INLINE_LIMIT) return callDecode(g, g.konst(compileDecode(codec)));
      body.lines.forEach((l) => g.emit(l));
      return r;
    }
  }
}

/** One decode function for the whole layout of `codec`. */
export function compileDecode<T>(codec: Codec<T>): DecodeFn<T> {
  const known = decoders.get(codec);
  if (known) return known as DecodeFn<T>;
  const consts: unknown[] = [];
  const g = new Emitter(consts, { n: 0 });
  const r = decodeNode(g, codec as Codec<unknown>, true);
  const src = `return function decode(src) { const a = src.src, e = src.end; let p = src.pos;\n${g.lines.join('\n')}\nsrc.pos = p; return ${r}; };`;
  const fn = new Function('K', 'E', src)(consts, E) as DecodeFn<T>;
  decoders.set(codec, fn as DecodeFn<unknown>);
  return fn;
}

// ---- clone --------------------------------------------------------------------------------------

export type CloneFn<T> = (value: T) => T;

/** Emits the statements that copy `x` as decoding its encoding would; returns the copy's expression. */
function cloneNode(g: Emitter, codec: Codec<unknown>, x: string, inline = false): string {
  const s = codec.shape;
  if (!s) return `E.viaInts(${g.konst(codec)}, ${x})`;
  switch (s.kind) {
    case 'int':
    case 'bool':
    case 'literal':
      return x;
    case 'array':
    case 'list': {
      const r = g.tmp();
      const i = g.tmp();
      const y = g.tmp();
      g.emit(`const ${r} = []; for (let ${i} = 0; ${i} < ${x}.length; ${i}++) { const ${y} = ${x}[${i}];`);
      const item = cloneNode(g, s.item, y);
      g.emit(`${r}.push(${item}); }`);
      return r;
    }
    case 'nullable': {
      const r = g.tmp();
      g.emit(`let ${r} = null; if (${x} !== null) {`);
      const item = cloneNode(g, s.item, x);
      g.emit(`${r} = ${item}; }`);
      return r;
    }
    case 'tagged': {
      const r = g.tmp();
      g.emit(`let ${r}; switch (${prop(x, s.key)}) {`);
      s.tags.forEach((tag, k) => {
        g.emit(`case ${JSON.stringify(tag)}: {`);
        const v = cloneNode(g, s.variants[k]!, x);
        g.emit(`${r} = ${v}; ${prop(r, s.key)} = ${JSON.stringify(tag)}; break; }`);
      });
      g.emit(`default: E.tag(${JSON.stringify(s.key)}, ${prop(x, s.key)}); }`);
      return r;
    }
    case 'constant':
      return fresh(g, s.value, s.shared === true);
    case 'record':
    case 'tuple': {
      const body = g.sub();
      const r = body.tmp();
      const parts: string[] = [];
      const items = s.kind === 'record' ? s.keys.map((k, i) => [k, prop(x, k), s.fields[i]!] as const) : s.items.map((c, i) => ['', `${x}[${i}]`, c] as const);
      for (const [key, get, c] of items) {
        const y = body.tmp();
        body.emit(`const ${y} = ${get};`);
        const v = cloneNode(body, c, y);
        parts.push(s.kind === 'record' ? `${JSON.stringify(key)}: ${v}` : v);
      }
      body.emit(s.kind === 'record' ? `const ${r} = { ${parts.join(', ')} };` : `const ${r} = [${parts.join(', ')}];`);
      if (!inline && body.size > INLINE_LIMIT) {
        const t = g.tmp();
        g.emit(`const ${t} = ${g.konst(compileClone(codec))}(${x});`);
        return t;
      }
      body.lines.forEach((l) => g.emit(l));
      return r;
    }
  }
}

const cloners = new WeakMap<Codec<unknown>, CloneFn<unknown>>();

/**
 * One function that copies a value of `codec`'s layout, equal to decoding its encoding (the same
 * object shapes, constants fresh) but without the integers in between: the search copies the
 * parent state once per successor before the step mutates it.
 */
export function compileClone<T>(codec: Codec<T>): CloneFn<T> {
  const known = cloners.get(codec);
  if (known) return known as CloneFn<T>;
  const consts: unknown[] = [];
  const g = new Emitter(consts, { n: 0 });
  const r = cloneNode(g, codec as Codec<unknown>, 'v', true);
  const src = `return function clone(v) {\n${g.lines.join('\n')}\nreturn ${r}; };`;
  const fn = new Function('K', 'E', src)(consts, E) as CloneFn<T>;
  cloners.set(codec, fn as CloneFn<unknown>);
  return fn;
}
