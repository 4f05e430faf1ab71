// Rebuilds the path to a stored state by re-executing the recorded moves from its initial state.
// Each move is re-checked: the same step must be enabled and offer the same choice, or the model is
// not deterministic and we say so. Under symmetry reduction the recorded moves were taken from
// representatives; the trace shown is a concrete path that, step by step, reaches a state of the
// same symmetry class, so every step of it really is enabled where it is shown.
import { encodeToArray } from '../codec.ts';
import { applyWithImmer, choicesOf, enabledMoves, isEnabled, pcOf, showChoice, type Action, type Compiled } from '../compile.ts';
import { ModelError } from '../errors.ts';
import type { TraceState } from '../result.ts';
import type { PackedVec, U32Vec } from '../store.ts';

export const NO_PARENT = 0xffffffff;

interface Taken<S> {
  readonly action: Action<S>;
  readonly choice: unknown;
  readonly choiceIndex: number;
}

function notDeterministic(modelName: string, stepKey: string): ModelError {
  return new ModelError(
    `model ${modelName} is not deterministic: step ${stepKey} was enabled during the search but not when the trace was rebuilt`,
  );
}

/** The move a stored (action, choice) index names, checked to be enabled in `s`. */
function recorded<S, C>(compiled: Compiled<S, C>, packed: number, actionBits: number, s: S): Taken<S> {
  const action = compiled.actions[packed % (1 << actionBits)];
  const choiceIndex = Math.floor(packed / (1 << actionBits));
  if (action === undefined) throw new ModelError('rebuilding a trace: unknown action index');
  const choices = choicesOf(action, s);
  const choice = choices[choiceIndex];
  if (choiceIndex >= choices.length || !isEnabled(action, s, choice)) throw notDeterministic(compiled.model.name, action.stepKey);
  return { action, choice, choiceIndex };
}

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
  const canonicalize = compiled.model.canonicalize;
  const same = (a: S, b: S): boolean => encodeToArray(compiled.codec, a).join() === encodeToArray(compiled.codec, b).join();
  let state = compiled.initStates[moves.get(at)] as S;
  // The state the search expanded at each point: the representative, or the state itself.
  let expanded = canonicalize ? canonicalize(state) : state;
  const trace: TraceState<S>[] = [{ move: null, state }];
  for (let k = path.length - 1; k >= 0; k--) {
    const stored = recorded(compiled, path[k] as number, actionBits, expanded);
    let taken: Taken<S> = stored;
    if (canonicalize) {
      const target = canonicalize(applyWithImmer(stored.action, expanded, stored.choice));
      const match = enabledMoves(compiled, state).find((m) => same(canonicalize(applyWithImmer(m.action, state, m.choice)), target));
      if (!match) throw new ModelError(`model ${compiled.model.name}: canonicalize is not a symmetry (no concrete step matches ${stored.action.stepKey})`);
      taken = match;
      expanded = target;
    }
    const pc = pcOf(taken.action, state);
    state = applyWithImmer(taken.action, state, taken.choice);
    if (!canonicalize) expanded = state;
    const { action, choice, choiceIndex } = taken;
    trace.push({ move: { process: action.process.name, self: action.self, step: action.step.name, choice, choiceIndex, pc, shown: showChoice(action, choice) }, state });
  }
  return trace;
}
