// Shared by the sva tests: the sva model at sva-small, and at the two-device bounds some variants need.
import { explore } from '../../explorer/bfs.ts';
import { compile } from '../../explorer/compile.ts';
import type { Model, Witness } from '../../explorer/model.ts';
import { applyVariant, type Variant } from '../../explorer/variant.ts';
import type { IopfParams } from '../../model/params.ts';
import type { State } from '../../model/state.ts';
import sva from '../../spec/sva.ts';
import small from '../../spec/configs/sva-small.json' with { type: 'json' };

export const svaSmall: IopfParams = sva.params.parse(small.params);
/** Two masters of one domain bound to one mm (no munmap, no exit): where sharing matters. */
export const svaPair = (over: Partial<IopfParams> = {}): IopfParams =>
  sva.params.parse({ ...small.params, devices: 2, binds: 1, munmap: false, exit: false, ...over });

export function exploreSva(model: Model<State, IopfParams>, params: IopfParams = svaSmall) {
  return explore(compile(model, params), { continueAfterViolation: true });
}

export function violatedSva(model: Model<State, IopfParams>, params: IopfParams = svaSmall): string[] {
  const r = exploreSva(model, params);
  return r.kind === 'violation' ? r.violations.map((v) => v.property).sort() : [];
}

/** The model with only the given witnesses (the sva witnesses are for sva-small's bounds). */
export const withWitnesses = (m: Model<State, IopfParams>, witnesses: readonly Witness<State>[]): Model<State, IopfParams> => ({
  ...m,
  witnesses,
});

export const svaVariant = (v: Variant<State, IopfParams>): Model<State, IopfParams> => applyVariant(sva, v);
