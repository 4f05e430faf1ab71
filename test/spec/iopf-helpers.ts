// Shared by the iopf tests: explore a model at a config and list what it violated.
import { explore } from '../../explorer/bfs.ts';
import { compile } from '../../explorer/compile.ts';
import type { Model } from '../../explorer/model.ts';
import { applyVariant, type Variant } from '../../explorer/variant.ts';
import type { IopfParams } from '../../model/params.ts';
import type { State } from '../../model/state.ts';
import iopf from '../../spec/iopf.ts';
import small from '../../spec/configs/iopf-small.json' with { type: 'json' };

export const smallParams: IopfParams = iopf.params.parse(small.params);

export function exploreAll(model: Model<State, IopfParams>, params: IopfParams = smallParams) {
  return explore(compile(model, params), { continueAfterViolation: true });
}

export function violated(model: Model<State, IopfParams>, params: IopfParams = smallParams): string[] {
  const r = exploreAll(model, params);
  return r.kind === 'violation' ? r.violations.map((v) => v.property).sort() : [];
}

export function withVariant(v: Variant<State, IopfParams>): Model<State, IopfParams> {
  return applyVariant(iopf, v);
}
