// The encoding must be canonical: two states equal as values encode equally, or the search counts
// one state twice (a set kept in arrival order once gave a commit protocol half again as many states
// as TLC). Checked on a state two ways: every set (`codec.set`) is held in its canonical order, each
// item once; and for a codec written by hand, the encoding does not change when every JS Set and Map
// in the value is rebuilt in another insertion order and every object's keys are listed in another
// order (values equal as values, which a hand-written encoder must not tell apart).
import { encodeToArray, type Codec } from './codec.ts';
import { ModelError } from './errors.ts';

export function checkCanonicalEncoding<S>(modelName: string, codec: Codec<S>, s: S, where: string): void {
  const problem = misplaced(codec as Codec<unknown>, s, 'state');
  if (problem !== null) {
    throw new ModelError(`model ${modelName}: the encoding is not canonical on ${where}: ${problem}; two equal states would be counted as two`);
  }
}

function misplaced(codec: Codec<unknown>, value: unknown, path: string): string | null {
  const s = codec.shape;
  if (!s) {
    const reordered = reorder(value);
    if (encodeToArray(codec, reordered).join() !== encodeToArray(codec, value).join()) {
      return `${path}: its codec (written by hand) encodes the same value differently when its sets, maps or keys are listed in another order`;
    }
    return null;
  }
  const first = <T>(xs: readonly T[], f: (x: T, i: number) => string | null): string | null => {
    for (let i = 0; i < xs.length; i++) {
      const r = f(xs[i]!, i);
      if (r !== null) return r;
    }
    return null;
  };
  switch (s.kind) {
    case 'int':
    case 'bool':
    case 'literal':
    case 'constant':
      return null;
    case 'nullable':
      return value === null ? null : misplaced(s.item, value, path);
    case 'array':
    case 'tuple':
      return first(value as unknown[], (x, i) => misplaced(s.kind === 'tuple' ? s.items[i]! : s.item, x, `${path}[${i}]`));
    case 'list': {
      const items = value as unknown[];
      if (s.set) {
        const order = s.set.compare;
        for (let i = 0; i + 1 < items.length; i++) {
          const c = order(items[i], items[i + 1]);
          if (c >= 0) {
            const sorted = JSON.stringify([...items].sort(order));
            return c === 0
              ? `${path} holds the set ${JSON.stringify(items)} with ${JSON.stringify(items[i])} twice`
              : `${path} holds the set ${JSON.stringify(items)} out of its canonical order (${sorted})`;
          }
        }
      }
      return first(items, (x, i) => misplaced(s.item, x, `${path}[${i}]`));
    }
    case 'record':
      return first(s.keys, (k, i) => misplaced(s.fields[i]!, (value as Record<string, unknown>)[k], `${path}.${k}`));
    case 'tagged': {
      const k = s.tags.indexOf((value as Record<string, unknown>)[s.key] as string);
      return misplaced(s.variants[k]!, value, path);
    }
  }
}

/** The same value with every Set and Map rebuilt in reverse insertion order and object keys reversed. */
function reorder(value: unknown): unknown {
  if (value instanceof Set) return new Set([...value].reverse().map(reorder));
  if (value instanceof Map) return new Map([...value].reverse().map(([k, v]) => [reorder(k), reorder(v)]));
  if (Array.isArray(value)) return value.map(reorder);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reorder(v)]));
  return value;
}
