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

export function verdictOf(result: ExploreResult, known: readonly string[]): Verdict {
  const violated = result.kind === 'violation' ? result.violations.map((v) => v.property) : [];
  return {
    violates: violated.filter((p) => !known.includes(p)).sort(),
    fixes: known.filter((p) => !violated.includes(p)).sort(),
  };
}

/** The verdict a variant declares, in the same shape. */
export function expectedVerdict(expect: VariantExpectation): Verdict {
  return { violates: [...expect.violates].sort(), fixes: [...(expect.fixes ?? [])].sort() };
}

export function sameVerdict(a: Verdict, b: Verdict): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
