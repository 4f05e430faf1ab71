// The encoding must be canonical: two states equal as values encode equally, or the search counts
// one state twice (a set kept in arrival order once gave a commit protocol half again as many states
// as TLC). Checked on a state two ways: every set (`codec.set`) is held in its canonical order, each
// item once; and for a codec written by hand, the encoding does not change when every JS Set and Map
// in the value is rebuilt in another insertion order and every object's keys are listed in another
// order (values equal as values, which a hand-written encoder must not tell apart).
import { encodeToArray, type Codec } from './codec.ts';
import { ModelError } from './errors.ts';

export function checkCanonicalEncoding<S>(modelName: string, codec: Codec<S>, s: S, where: string): void {
  const problem = misplaced(codec as Codec<unknown>, s);
  if (problem !== null) {
    throw new ModelError(`model ${modelName}: the encoding is not canonical on ${where}: ${problem.at('state')}; two equal states would be counted as two`);
  }
}

/**
 * What is out of place, said of the place it is at. The place is named on the way out of the
 * recursion, so a state in order (every state but one, in a run that finds one) builds no names:
 * this runs on every state a walk meets.
 */
class Misplaced {
  private readonly inside: string[] = [];

  constructor(private readonly say: (path: string) => string) {}

  /** The same problem, one step further out: `step` is `.key` or `[i]`. */
  within(step: string): this {
    this.inside.push(step);
    return this;
  }

  at(root: string): string {
    return this.say(root + [...this.inside].reverse().join(''));
  }
}

function misplaced(codec: Codec<unknown>, value: unknown): Misplaced | null {
  const s = codec.shape;
  if (!s) {
    const reordered = reorder(value);
    if (encodeToArray(codec, reordered).join() !== encodeToArray(codec, value).join()) {
      return new Misplaced((path) => `${path}: its codec (written by hand) encodes the same value differently when its sets, maps or keys are listed in another order`);
    }
    return null;
  }
  switch (s.kind) {
    case 'int':
    case 'bool':
    case 'literal':
    case 'constant':
      return null;
    case 'nullable':
      return value === null ? null : misplaced(s.item, value);
    case 'array':
    case 'tuple': {
      const items = value as unknown[];
      for (let i = 0; i < items.length; i++) {
        const r = misplaced(s.kind === 'tuple' ? s.items[i]! : s.item, items[i]);
        if (r !== null) return r.within(`[${i}]`);
      }
      return null;
    }
    case 'list': {
      const items = value as unknown[];
      if (s.set) {
        const order = s.set.compare;
        for (let i = 0; i + 1 < items.length; i++) {
          const c = order(items[i], items[i + 1]);
          if (c >= 0) {
            const sorted = JSON.stringify([...items].sort(order));
            return new Misplaced((path) =>
              c === 0
                ? `${path} holds the set ${JSON.stringify(items)} with ${JSON.stringify(items[i])} twice`
                : `${path} holds the set ${JSON.stringify(items)} out of its canonical order (${sorted})`,
            );
          }
        }
      }
      for (let i = 0; i < items.length; i++) {
        const r = misplaced(s.item, items[i]);
        if (r !== null) return r.within(`[${i}]`);
      }
      return null;
    }
    case 'record': {
      const record = value as Record<string, unknown>;
      for (let i = 0; i < s.keys.length; i++) {
        const r = misplaced(s.fields[i]!, record[s.keys[i]!]);
        if (r !== null) return r.within(`.${s.keys[i]!}`);
      }
      return null;
    }
    case 'tagged': {
      const k = s.tags.indexOf((value as Record<string, unknown>)[s.key] as string);
      return misplaced(s.variants[k]!, value);
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
