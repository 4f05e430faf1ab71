// Option values checked at the edge: a bound out of range is bad usage (exit 2), said in one line.
import { HarnessError } from '../errors.ts';

export function wholeNumber(option: string, min: number, max: number): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new HarnessError(`${option}: expected a whole number from ${min} to ${max}, got '${raw}'`);
    }
    return n;
  };
}

export function positiveSeconds(option: string): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 31 * 24 * 3600) {
      throw new HarnessError(`${option}: expected a number of seconds greater than 0, got '${raw}'`);
    }
    return n;
  };
}

/** `--variant a --variant b`: the composition `a+b` (variants applied in that order). */
export function collectVariant(raw: string, previous: string | undefined): string {
  return previous === undefined ? raw : `${previous}+${raw}`;
}

/** `--param key=value`: the value is read as JSON when it parses, else kept as a string. */
export function collectParam(raw: string, previous: Record<string, unknown>): Record<string, unknown> {
  const eq = raw.indexOf('=');
  if (eq <= 0) throw new HarnessError(`--param: expected key=value, got '${raw}'`);
  const key = raw.slice(0, eq);
  const text = raw.slice(eq + 1);
  let value: unknown = text;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    // Not JSON: a plain string value.
  }
  return { ...previous, [key]: value };
}
