// Re-executes a saved counterexample against a model (the one it was found on, or the fixed
// baseline) and says whether the violation still happens, or where the trace stops applying.
import { applyWithImmer, choicesOf, enabledMoves, isEnabled, type Compiled } from '../compile.ts';
import { encodeToArray } from '../codec.ts';
import { HarnessError } from '../errors.ts';
import { stateOf, type CounterexampleFile } from './itf.ts';

export type ReplayOutcome =
  | { readonly kind: 'reproduced'; readonly steps: number }
  | { readonly kind: 'not-reproduced'; readonly steps: number; readonly reason: string };

export function replayTrace<S, C>(compiled: Compiled<S, C>, file: CounterexampleFile): ReplayOutcome {
  const property = file['#meta'].property;
  if (property.kind === 'witness') {
    throw new HarnessError(`a witness failure has no trace to replay (${property.name})`);
  }
  const first = file.states[0]!;
  const initIndex = first['#meta'].initIndex ?? 0;
  const init = compiled.initStates[initIndex];
  if (init === undefined) return notReproduced(0, `the model has no initial state #${initIndex}`);
  let state: S = init;
  const initDiff = differs(compiled, state, stateOf(file, 0), 0);
  if (initDiff) return notReproduced(0, `the initial state differs from the recorded one (${initDiff})`);

  for (let k = 1; k < file.states.length; k++) {
    const record = file.states[k]!;
    const meta = record['#meta'];
    const taken = record['mbt::actionTaken'];
    const processName = meta.process ?? taken.slice(0, taken.indexOf('/'));
    const stepName = taken.slice(processName.length + 1);
    const self = meta.self ?? 0;
    const action = compiled.actions.find(
      (a) => a.process.name === processName && a.self === self && a.step.name === stepName,
    );
    if (!action) return notReproduced(k, `step ${k}: the model has no step ${taken} for instance ${self}`);
    const picks = record['mbt::nondetPicks'];
    const choices: readonly unknown[] = choicesOf(action, state);
    const choiceIndex = pickChoice(choices, picks);
    if (choiceIndex < 0) return notReproduced(k, `step ${k}: ${taken} does not offer the recorded choice ${JSON.stringify(picks['choice'])}`);
    const choice: unknown = choices[choiceIndex];
    if (!isEnabled(action, state, choice)) return notReproduced(k, `step ${k}: ${taken}[${self}] is not enabled`);
    state = applyWithImmer(action, state, choice);
    const diff = differs(compiled, state, stateOf(file, k), k);
    if (diff) return notReproduced(k, `step ${k}: ${taken}[${self}] reaches a different state (${diff})`);
  }

  const steps = file.states.length - 1;
  if (property.kind === 'deadlock') {
    const stuck = enabledMoves(compiled, state).length === 0 && !(compiled.model.isFinal?.(state) ?? false);
    return stuck ? { kind: 'reproduced', steps } : notReproduced(steps, 'the last state is not a deadlock');
  }
  const invariant = compiled.invariants.find((i) => i.name === property.name);
  if (!invariant) return notReproduced(steps, `the model has no invariant ${property.name}`);
  return invariant.holds(state)
    ? notReproduced(steps, `${property.name} holds in the last state`)
    : { kind: 'reproduced', steps };
}

function notReproduced(steps: number, reason: string): ReplayOutcome {
  return { kind: 'not-reproduced', steps, reason };
}

function pickChoice(choices: readonly unknown[], picks: Record<string, unknown>): number {
  if (!('choice' in picks)) return choices.length === 1 && choices[0] === undefined ? 0 : -1;
  const wanted = JSON.stringify(picks['choice']);
  const hinted = typeof picks['choiceIndex'] === 'number' ? picks['choiceIndex'] : -1;
  if (hinted >= 0 && hinted < choices.length && JSON.stringify(choices[hinted]) === wanted) return hinted;
  return choices.findIndex((c) => JSON.stringify(c) === wanted);
}

/** Compares by canonical encoding; returns the first differing top-level field, or ''. */
function differs<S, C>(compiled: Compiled<S, C>, actual: S, recorded: unknown, index: number): string {
  let recordedInts: number[];
  try {
    recordedInts = encodeToArray(compiled.codec, recorded as S);
  } catch (e) {
    // A state the model cannot even represent is a damaged file, not a changed model.
    throw new HarnessError(`state ${index} does not fit model ${compiled.model.name} (${(e as Error).message})`);
  }
  const actualInts = encodeToArray(compiled.codec, actual);
  if (actualInts.length === recordedInts.length && actualInts.every((v, i) => v === recordedInts[i])) return '';
  if (typeof actual === 'object' && actual !== null && typeof recorded === 'object' && recorded !== null) {
    const a = actual as Record<string, unknown>;
    const r = recorded as Record<string, unknown>;
    const field = Object.keys(a).find((key) => JSON.stringify(a[key]) !== JSON.stringify(r[key]));
    if (field !== undefined) return `field ${field}`;
  }
  return 'encoding differs';
}
