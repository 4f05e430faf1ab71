// Rebuilds the path to a stored state by re-executing the recorded moves from its initial state.
// Each move is re-checked: the same step must be enabled and offer the same choice, or the model is
// not deterministic and we say so.
import { applyWithImmer, choicesOf, isEnabled, pcOf, type Compiled } from '../compile.ts';
import { ModelError } from '../errors.ts';
import type { TraceState } from '../result.ts';
import type { PackedVec, U32Vec } from '../store.ts';

export const NO_PARENT = 0xffffffff;

export function rebuildTrace<S, C>(
  compiled: Compiled<S, C>,
  parents: U32Vec,
  moves: PackedVec,
  actionBits: number,
  id: number,
): TraceState<S>[] {
  const path: number[] = [];
  let at = id;
  while (parents.get(at) !== NO_PARENT) {
    path.push(moves.get(at));
    at = parents.get(at);
  }
  const initIndex = moves.get(at);
  let state = compiled.initStates[initIndex] as S;
  const trace: TraceState<S>[] = [{ move: null, state }];
  for (let k = path.length - 1; k >= 0; k--) {
    const packed = path[k] as number;
    const action = compiled.actions[packed % (1 << actionBits)];
    const choiceIndex = Math.floor(packed / (1 << actionBits));
    if (action === undefined) throw new ModelError('rebuilding a trace: unknown action index');
    const choices = choicesOf(action, state);
    const choice = choices[choiceIndex];
    if (choiceIndex >= choices.length || !isEnabled(action, state, choice)) {
      throw new ModelError(
        `model ${compiled.model.name} is not deterministic: step ${action.stepKey} was enabled during the search but not when the trace was rebuilt`,
      );
    }
    const pc = pcOf(action, state);
    state = applyWithImmer(action, state, choice);
    trace.push({
      move: { process: action.process.name, self: action.self, step: action.step.name, choice, choiceIndex, pc },
      state,
    });
  }
  return trace;
}
