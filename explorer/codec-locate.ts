// Where a value does not fit its codec: the generated encoder only says what is wrong, so on that
// error the layout is walked again, slowly, beside the value, to name the field (`mms[0].pages[1].pte`).
import type { Codec } from './codec-io.ts';
import { IntWriter } from './codec-io.ts';

/** The first field of `value` its codec cannot encode, and why; null when the value fits. */
export function locateMisfit(codec: Codec<unknown>, value: unknown, path = 'state'): string | null {
  const s = codec.shape;
  if (!s) {
    try {
      codec.encode(value, new IntWriter());
      return null;
    } catch (e) {
      return `${path}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  const at = (problem: string): string => `${path}: ${problem}`;
  const items = (xs: unknown, f: (x: unknown, i: number) => string | null): string | null => {
    for (let i = 0; i < (xs as unknown[]).length; i++) {
      const r = f((xs as unknown[])[i], i);
      if (r !== null) return r;
    }
    return null;
  };
  switch (s.kind) {
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) && value >= s.min && value <= s.max
        ? null
        : at(`${JSON.stringify(value)} is outside the declared range ${s.min}..${s.max}`);
    case 'bool':
      return typeof value === 'boolean' ? null : at(`${JSON.stringify(value)} is not a boolean`);
    case 'literal':
      return s.values.includes(value as string) ? null : at(`${JSON.stringify(value)} is not one of ${s.values.join(', ')}`);
    case 'constant':
      return null;
    case 'nullable':
      return value === null ? null : locateMisfit(s.item, value, path);
    case 'array':
    case 'list':
    case 'tuple': {
      if (!Array.isArray(value)) return at(`${JSON.stringify(value)} is not an array`);
      if (s.kind === 'array' && value.length !== s.length) return at(`length ${value.length}, the layout has ${s.length}`);
      if (s.kind === 'list' && value.length > s.maxLength) return at(`length ${value.length} exceeds the layout's ${s.maxLength}`);
      if (s.kind === 'tuple' && value.length !== s.items.length) return at(`length ${value.length}, the layout has ${s.items.length}`);
      return items(value, (x, i) => locateMisfit(s.kind === 'tuple' ? s.items[i]! : s.item, x, `${path}[${i}]`));
    }
    case 'record': {
      if (typeof value !== 'object' || value === null) return at(`${JSON.stringify(value)} is not a record`);
      const rec = value as Record<string, unknown>;
      return items(s.keys, (k, i) => locateMisfit(s.fields[i]!, rec[k as string], `${path}.${k as string}`));
    }
    case 'tagged': {
      const tag = (value as Record<string, unknown> | null)?.[s.key];
      const k = s.tags.indexOf(tag as string);
      return k < 0 ? at(`${s.key} ${JSON.stringify(tag)} is not one of ${s.tags.join(', ')}`) : locateMisfit(s.variants[k]!, value, path);
    }
  }
}
