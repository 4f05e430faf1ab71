// Shared by the sva tests: the sva model at sva-small, and at the two-device bounds some variants need.
import type { ExploreResult } from '../../explorer/result.ts';
import { applyOnce, exploreOnce, onceFor } from '../helpers/explore-once.ts';
import type { Model, Witness } from '../../explorer/model.ts';
import type { Variant } from '../../explorer/variant.ts';
import { verdictOf, type Verdict } from '../../explorer/verdict.ts';
import type { IopfParams } from '../../model/params.ts';
import type { State } from '../../model/state.ts';
import sva from '../../spec/sva.ts';
import small from '../../spec/configs/sva-small.json' with { type: 'json' };
import pair from '../../spec/configs/sva-pair.json' with { type: 'json' };

export const svaSmall: IopfParams = sva.params.parse(small.params);
/** Config sva-pair (two masters of one domain bound to one mm), with `over` changed. */
export const svaPair = (over: Partial<IopfParams> = {}): IopfParams => sva.params.parse({ ...pair.params, ...over });

/** Explores a model at `params` once per test worker (several tests and files look at one result). */
export function exploreSva(model: Model<State, IopfParams>, params: IopfParams = svaSmall): ExploreResult<State> {
  return exploreOnce(model, params, { continueAfterViolation: true });
}

/** The known findings sva-small records (violations of the baseline's own design). */
export const svaKnown: readonly string[] = small.expect.findings.map((f: { property: string }) => f.property);

/** What sva-small records besides its findings: the witnesses its bounds cannot reach. */
export const svaRecorded: readonly string[] = small.expect.violates;

/** What a model violates beyond, and fixes of, the known findings (and the witnesses sva-small cannot reach). */
export function svaVerdict(
  model: Model<State, IopfParams>,
  params: IopfParams = svaSmall,
  known: readonly string[] = svaKnown,
  recorded: readonly string[] = svaRecorded,
): Verdict {
  return verdictOf(exploreSva(model, params), known, recorded);
}

export function violatedSva(model: Model<State, IopfParams>, params: IopfParams = svaSmall): string[] {
  const r = exploreSva(model, params);
  return r.kind === 'violation' ? r.violations.map((v) => v.property).sort() : [];
}

const witnessed = new WeakMap<Model<State, IopfParams>, Map<string, Model<State, IopfParams>>>();

/** The model with only the given witnesses (the sva witnesses are for sva-small's bounds); one model value per model and witness names, so that its searches are shared. */
export function withWitnesses(m: Model<State, IopfParams>, witnesses: readonly Witness<State>[]): Model<State, IopfParams> {
  return onceFor(witnessed, m, witnesses.map((w) => w.name).join('\n'), () => ({ ...m, witnesses }));
}

/** The sva model with `v` applied, one model value per variant so that explorations are shared. */
export function svaVariant(v: Variant<State, IopfParams>): Model<State, IopfParams> {
  return applyOnce(sva, v);
}
