// Shared by the iopf tests: explore a model at a config and list what it violated.
import { expect, it } from 'vitest';
import type { ExploreResult } from '../../explorer/result.ts';
import { applyOnce, exploreOnce } from '../helpers/explore-once.ts';
import type { Model } from '../../explorer/model.ts';
import type { Variant } from '../../explorer/variant.ts';
import { expectedVerdict, verdictOf } from '../../explorer/verdict.ts';
import type { IopfParams } from '../../model/params.ts';
import type { State } from '../../model/state.ts';
import iopf from '../../spec/iopf.ts';
import small from '../../spec/configs/iopf-small.json' with { type: 'json' };

export const smallParams: IopfParams = iopf.params.parse(small.params);

/** Explores a model at `params` once per test worker (several tests and files look at one result). */
export function exploreAll(model: Model<State, IopfParams>, params: IopfParams = smallParams): ExploreResult<State> {
  return exploreOnce(model, params, { continueAfterViolation: true });
}

export function violated(model: Model<State, IopfParams>, params: IopfParams = smallParams): string[] {
  const r = exploreAll(model, params);
  return r.kind === 'violation' ? r.violations.map((v) => v.property).sort() : [];
}

/** The iopf model with `v` applied, one model value per variant so that its searches are shared. */
export function withVariant(v: Variant<State, IopfParams>): Model<State, IopfParams> {
  return applyOnce(iopf, v);
}

/** Explores each variant once for the file that asks (several tests look at one variant's result). */
export function variantExplorer(): (v: Variant<State, IopfParams>) => ExploreResult<State> {
  const explored = new Map<Variant<State, IopfParams>, ExploreResult<State>>();
  return (v) => {
    const r = explored.get(v) ?? exploreAll(withVariant(v));
    explored.set(v, r);
    return r;
  };
}

/** The known findings iopf-small records (violations of the baseline's own design). */
export const smallKnown: readonly string[] = small.expect.findings.map((f: { property: string }) => f.property);

/** One test per variant asserting exactly what it violates beyond, and fixes of, the known findings. */
export function itHasItsVerdict(
  variants: readonly Variant<State, IopfParams>[],
  exploreVariant: (v: Variant<State, IopfParams>) => ExploreResult<State>,
  known: readonly string[] = smallKnown,
): void {
  for (const v of variants) {
    const fixes = v.expect.fixes?.length ? `; fixes ${v.expect.fixes.join(', ')}` : '';
    it(`${v.id} → ${v.expect.violates.length === 0 ? 'nothing beyond the known findings' : v.expect.violates.join(', ')}${fixes}`, () => {
      expect(verdictOf(exploreVariant(v), known)).toEqual(expectedVerdict(v.expect, known));
    });
  }
}
