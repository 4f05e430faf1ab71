// Structural equality for plain state data, used to check that a codec is lossless. Numbers compare
// with === so that -0 and 0 (which an Int32 encoding cannot tell apart) count as equal.

export interface Difference {
  /** Where the values differ ('' for the root), in JS accessor syntax. */
  readonly path: string;
  readonly left: unknown;
  readonly right: unknown;
}

/** The first difference between `a` and `b`, or null when they are equal. */
export function firstDifference(a: unknown, b: unknown, path = ''): Difference | null {
  if (a === b) return null;
  const here = { path, left: a, right: b };
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return here;
  if (Array.isArray(a) !== Array.isArray(b)) return here;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return { path: `${path}.length`, left: a.length, right: b.length };
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const k of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
    // A field present on one side only differs even when its value is undefined: the encoding
    // dropped it, and code testing `'k' in s` would see the difference.
    if (Object.hasOwn(ra, k) !== Object.hasOwn(rb, k)) {
      return { path: `${path}.${k}`, left: Object.hasOwn(ra, k) ? ra[k] : ABSENT, right: Object.hasOwn(rb, k) ? rb[k] : ABSENT };
    }
    const d = firstDifference(ra[k], rb[k], `${path}.${k}`);
    if (d !== null) return d;
  }
  return null;
}

/** Stands for a field missing on one side of a difference. */
export const ABSENT: unique symbol = Symbol('absent');

export function describeDifference(d: Difference, left = 'was', right = 'became'): string {
  return `at ${d.path === '' ? '(root)' : d.path}: ${left} ${show(d.left)}, ${right} ${show(d.right)}`;
}

export function show(value: unknown): string {
  if (value === ABSENT) return '(absent)';
  if (value === undefined) return 'undefined';
  try {
    const text = JSON.stringify(value);
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return String(value);
  }
}
