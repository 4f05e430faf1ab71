// Config-aware step edits for the iopf variants. The variant contract replaces steps with fixed
// values; several iopf steps depend on the bounds (queue capacity, allocation choices), so these
// variants rebuild the step for each config through `transform` instead.
import { HarnessError } from '../../../explorer/errors.ts';
import type { AnyStep, Model } from '../../../explorer/model.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';

export type StepFactory = (c: IopfParams) => AnyStep<State>;

/** Replaces `process/step` by the step each factory builds for the config (same position). */
export function replaceSteps(
  model: Model<State, IopfParams>,
  replace: Readonly<Record<string, StepFactory>>,
): Model<State, IopfParams> {
  return {
    ...model,
    processes: (c) => {
      const processes = model.processes(c);
      const known = new Set(processes.flatMap((p) => p.steps.map((s) => `${p.name}/${s.name}`)));
      for (const key of Object.keys(replace)) {
        if (!known.has(key)) throw new HarnessError(`no step '${key}' in model ${model.name}`);
      }
      return processes.map((p) => ({
        ...p,
        steps: p.steps.map((s) => replace[`${p.name}/${s.name}`]?.(c) ?? s),
      }));
    },
  };
}

/** Rewrites `process/step` in place: the edit gets the model's step and the config. */
export type StepEdit = (step: AnyStep<State>, c: IopfParams) => AnyStep<State>;

/** Edits existing steps (an added guard, a wrapped recipe) without restating them. */
export function editSteps(model: Model<State, IopfParams>, edits: Readonly<Record<string, StepEdit>>): Model<State, IopfParams> {
  return {
    ...model,
    processes: (c) => {
      const processes = model.processes(c);
      const known = new Set(processes.flatMap((p) => p.steps.map((s) => `${p.name}/${s.name}`)));
      for (const key of Object.keys(edits)) {
        if (!known.has(key)) throw new HarnessError(`no step '${key}' in model ${model.name}`);
      }
      return processes.map((p) => ({
        ...p,
        steps: p.steps.map((s) => edits[`${p.name}/${s.name}`]?.(s, c) ?? s),
      }));
    },
  };
}
