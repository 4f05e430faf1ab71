// Footprints: which parts of a state a function reads and which a step writes, observed through a
// recording proxy. A path names a place in the state, its segments joined by '/' ('' is the root).
// A read of a primitive records its path; a read of an object records its path too (the reader saw
// its identity or nullness, not its contents, which it reads separately); a key-set test (`in`,
// Object.keys) records the object's path. A write records its path, and the object's path where it
// changes the object's shape (a new key, an array's length). So a write at w can change what a read at r
// saw exactly when w is r or an ancestor of r (`covers`).
export type Path = string;

/** What one or more evaluations read and wrote. */
export class Footprint {
  readonly reads = new Set<Path>();
  readonly writes = new Set<Path>();
  /** The places assigned or deleted, each replacing what was below it (a shape change alone, as a push's, is in `writes` only). */
  readonly assigned = new Set<Path>();
  /** Objects of the state assigned to another place (from, to): their contents moved there without a read of each. */
  readonly moves: [Path, Path][] = [];
}

/** Whether a write at `w` can change what was read (or written) at `r`: w is r or above it. */
export function covers(w: Path, r: Path): boolean {
  if (w === '') return true;
  return r === w || (r.length > w.length && r.charCodeAt(w.length) === 47 && r.startsWith(w));
}

/** Whether two writes touch overlapping places. */
export function overlap(a: Path, b: Path): boolean {
  return covers(a, b) || covers(b, a);
}

const join = (path: Path, key: string): Path => (path === '' ? key : `${path}/${key}`);

function isObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null;
}

/**
 * `root` seen through proxies that record into `fp`: reads always, writes where `writable` (else a
 * write throws, for guards and properties that must only read). The same place gives the same proxy,
 * so identity comparisons in the model behave as on the plain state.
 */
export function recording<S>(root: S, fp: Footprint, writable: boolean): S {
  const proxies = new Map<Path, { target: object; proxy: object }>();
  const pathOf = new WeakMap<object, Path>();
  const wrap = (target: object, path: Path): object => {
    const known = proxies.get(path);
    if (known?.target === target) return known.proxy;
    pathOf.set(target, path);
    const proxy = new Proxy(target, {
      get(t, key, receiver) {
        const v: unknown = Reflect.get(t, key, receiver);
        if (typeof key === 'symbol') return v;
        if (typeof v === 'function') return v;
        const p = join(path, key);
        fp.reads.add(p);
        return isObject(v) ? wrap(v, p) : v;
      },
      has(t, key) {
        fp.reads.add(path);
        return Reflect.has(t, key);
      },
      ownKeys(t) {
        fp.reads.add(path);
        return Reflect.ownKeys(t);
      },
      getOwnPropertyDescriptor(t, key) {
        if (typeof key !== 'symbol') fp.reads.add(join(path, key));
        return Reflect.getOwnPropertyDescriptor(t, key);
      },
      set(t, key, v: unknown) {
        if (!writable) throw new Error(`footprint: a read-only evaluation wrote ${join(path, String(key))}`);
        if (typeof key === 'symbol') return Reflect.set(t, key, v);
        if (!Object.prototype.hasOwnProperty.call(t, key) || key === 'length') fp.writes.add(path);
        const to = join(path, key);
        fp.writes.add(to);
        fp.assigned.add(to);
        const from = isObject(v) ? pathOf.get(unwrap(v) as object) : undefined;
        if (from !== undefined && from !== to) fp.moves.push([from, to]);
        return Reflect.set(t, key, unwrap(v));
      },
      deleteProperty(t, key) {
        if (!writable) throw new Error(`footprint: a read-only evaluation deleted ${join(path, String(key))}`);
        fp.writes.add(path);
        if (typeof key !== 'symbol') fp.assigned.add(join(path, key));
        return Reflect.deleteProperty(t, key);
      },
    });
    proxies.set(path, { target, proxy });
    raw.set(proxy, target);
    return proxy;
  };
  const raw = new WeakMap<object, object>();
  // A value written back may be a proxy the step read: the plain state must hold the object itself.
  const unwrap = (v: unknown): unknown => (isObject(v) ? (raw.get(v) ?? v) : v);
  return (isObject(root) ? wrap(root, '') : root) as S;
}
