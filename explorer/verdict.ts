// What a run says about a design, set against what its config already records: the properties it
// violates beyond the known findings, and the known findings it no longer violates (a fix).
import type { ExploreResult } from './result.ts';
import type { VariantExpectation } from './variant.ts';

export interface Verdict {
  /** Violated properties that are not known findings, sorted. */
  readonly violates: readonly string[];
  /** Known findings the run did not violate, sorted. */
  readonly fixes: readonly string[];
}

/**
 * `known`: the config's known findings; `recorded`: other violations its baseline is expected to
 * have (witnesses it never reaches), which are neither new nor fixes.
 */
export function verdictOf(result: ExploreResult, known: readonly string[], recorded: readonly string[] = []): Verdict {
  const violated = result.kind === 'violation' ? result.violations.map((v) => v.property) : [];
  return {
    violates: violated.filter((p) => !known.includes(p) && !recorded.includes(p)).sort(),
    fixes: known.filter((p) => !violated.includes(p)).sort(),
  };
}

/**
 * The verdict a variant declares, in the same shape; at a config whose known findings are `known`,
 * only the declared fixes among them (a fix of F1 fixes each of F1's properties the config has).
 */
export function expectedVerdict(expect: VariantExpectation, known?: readonly string[]): Verdict {
  const fixes = (expect.fixes ?? []).filter((p) => known === undefined || known.includes(p));
  return { violates: [...expect.violates].sort(), fixes: [...fixes].sort() };
}

export function sameVerdict(a: Verdict, b: Verdict): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
