// Re-executes a saved counterexample against a model (the one it was found on, or the fixed
// baseline) and says which of three things happened: the violation still happens; the trace still
// applies step by step but the violation no longer happens at its end; or the trace no longer
// applies (a step the model lacks or does not enable, a recorded state that differs from the
// re-executed one, or holds what the model's state does not: a field it lacks, an edited constant).
import { applyWithImmer, choicesOf, enabledMoves, isEnabled, pcOf, showChoice, type Compiled } from '../compile.ts';
import { decodeFromArray, encodeToArray, type Codec } from '../codec.ts';
import { HarnessError } from '../errors.ts';
import { choiceOf, stateOf, type CounterexampleFile } from './itf.ts';
import type { StepTaken } from '../model.ts';
import type { TraceState } from '../result.ts';
import { ABSENT, firstDifference, show, type Difference } from '../simulate/equal.ts';
import { lassoCloses, lassoFails } from '../liveness/lasso.ts';

export type ReplayOutcome =
  | { readonly kind: 'reproduced'; readonly steps: number }
  /** Every step applies and every state matches; the property no longer fails at the end. */
  | { readonly kind: 'not-reproduced'; readonly steps: number; readonly reason: string }
  /** The file stops matching the model at step `steps`. */
  | { readonly kind: 'diverged'; readonly steps: number; readonly reason: string };

export function replayTrace<S, C>(compiled: Compiled<S, C>, file: CounterexampleFile): ReplayOutcome {
  return reexecute(compiled, file, true).outcome;
}

/**
 * The file's steps and choices re-executed on the model as it is now, its recorded states not
 * compared: the trace a file written before a change of the model's state (a field removed, data
 * cleared where it dies) becomes, when its path still applies. `first` is the first state that
 * differs from the recorded one (-1: none).
 */
export function rebaseTrace<S, C>(compiled: Compiled<S, C>, file: CounterexampleFile): { outcome: ReplayOutcome; trace: TraceState<S>[]; first: number } {
  const { outcome, trace } = reexecute(compiled, file, false);
  const same = (k: number): boolean => {
    try {
      return k < file.states.length && differs(compiled, trace[k]!.state, stateOf(file, k, compiled.codec as Codec<unknown>), k) === '';
    } catch {
      return false;
    }
  };
  const first = trace.findIndex((_, k) => !same(k));
  return { outcome, trace, first };
}

function reexecute<S, C>(compiled: Compiled<S, C>, file: CounterexampleFile, check: boolean): { outcome: ReplayOutcome; trace: TraceState<S>[] } {
  const trace: TraceState<S>[] = [];
  const outcome = reexecuteInto(compiled, file, check, trace);
  return { outcome, trace };
}

function reexecuteInto<S, C>(compiled: Compiled<S, C>, file: CounterexampleFile, check: boolean, trace: TraceState<S>[]): ReplayOutcome {
  const property = file['#meta'].property;
  if (property.kind === 'witness') {
    throw new HarnessError(`a witness failure has no trace to replay (${property.name})`);
  }
  const first = file.states[0]!;
  const initIndex = first['#meta'].initIndex ?? 0;
  const init = compiled.initStates[initIndex];
  if (init === undefined) return diverged(0, `the model has no initial state #${initIndex}`);
  let state: S = init;
  trace.push({ move: null, state });
  if (check) {
    const stray = strayField(file);
    if (stray) return diverged(stray.index, `state ${stray.index} holds '${stray.key}', which is neither a variable of the file nor trace metadata`);
    const initDiff = differs(compiled, state, stateOf(file, 0, compiled.codec as Codec<unknown>), 0);
    if (initDiff) return diverged(0, `the initial state differs from the recorded one (${initDiff})`);
  }
  // The last step and the state it started from, for an action property.
  let before: { state: S; step: StepTaken } | undefined;
  // The action taken to each state, for a liveness property's lasso.
  const actions: number[] = [-1];

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
    if (!action) return diverged(k, `step ${k}: the model has no step ${taken} for instance ${self}`);
    const picks = record['mbt::nondetPicks'];
    const choices: readonly unknown[] = choicesOf(action, state);
    const choiceIndex = pickChoice(choices, picks);
    if (choiceIndex < 0) return diverged(k, `step ${k}: ${taken} does not offer the recorded choice ${JSON.stringify(picks['choice'])}`);
    const choice: unknown = choices[choiceIndex];
    if (!isEnabled(action, state, choice)) return diverged(k, `step ${k}: ${taken}[${self}] is not enabled`);
    before = { state, step: { process: action.process.name, self: action.self, step: action.step.name, choice } };
    const pc = pcOf(action, state);
    state = applyWithImmer(action, state, choice);
    actions.push(action.index);
    trace.push({ move: { ...before.step, choiceIndex, pc, shown: showChoice(action, choice) }, state });
    if (!check) continue;
    const diff = differs(compiled, state, stateOf(file, k, compiled.codec as Codec<unknown>), k);
    if (diff) return diverged(k, `step ${k}: ${taken}[${self}] reaches a different state (${diff})`);
  }

  const steps = file.states.length - 1;
  if (property.kind === 'deadlock') {
    const stuck = enabledMoves(compiled, state).length === 0 && !(compiled.isFinal?.(state) ?? false);
    return stuck ? { kind: 'reproduced', steps } : notReproduced(steps, 'the last state is not a deadlock');
  }
  if (property.kind === 'liveness') {
    const instances = compiled.liveness.filter((l) => l.name === property.name);
    if (instances.length === 0) return diverged(steps, `the model has no liveness property ${property.name}`);
    const loop = file.loop;
    if (loop === undefined || loop > steps) return diverged(steps, 'a liveness counterexample needs the index its cycle starts at (loop)');
    const states = trace.map((t) => t.state);
    if (!lassoCloses(compiled, states, loop)) return diverged(steps, `the last state is not state ${loop} again, so the cycle does not close`);
    // Violated when any instance of the property fails on the lasso.
    const why = instances.map((p) => lassoFails(compiled, p, states, actions, loop));
    return why.includes(null) ? { kind: 'reproduced', steps } : notReproduced(steps, why[0]!);
  }
  if (property.kind === 'action') {
    const p = compiled.actionProperties.find((a) => a.name === property.name);
    if (!p) return diverged(steps, `the model has no action property ${property.name}`);
    if (!before) return diverged(0, 'an action property needs a step');
    return p.holds(before.state, state, before.step) ? notReproduced(steps, `${property.name} holds on the last step`) : { kind: 'reproduced', steps };
  }
  const invariant = compiled.invariants.find((i) => i.name === property.name);
  if (!invariant) return diverged(steps, `the model has no invariant ${property.name}`);
  return invariant.holds(state)
    ? notReproduced(steps, `${property.name} holds in the last state`)
    : { kind: 'reproduced', steps };
}

/** A key of a recorded state that is neither one of the file's variables nor metadata (`#meta`, `mbt::`). */
function strayField(file: CounterexampleFile): { index: number; key: string } | null {
  const vars = new Set(file.vars);
  for (let index = 0; index < file.states.length; index++) {
    const key = Object.keys(file.states[index]!).find((k) => !vars.has(k) && k !== '#meta' && !k.startsWith('mbt::'));
    if (key !== undefined) return { index, key };
  }
  return null;
}

function notReproduced(steps: number, reason: string): ReplayOutcome {
  return { kind: 'not-reproduced', steps, reason };
}

function diverged(steps: number, reason: string): ReplayOutcome {
  return { kind: 'diverged', steps, reason };
}

function pickChoice(choices: readonly unknown[], picks: Record<string, unknown>): number {
  if (!('choice' in picks)) return choices.length === 1 && choices[0] === undefined ? 0 : -1;
  const wanted = JSON.stringify(choiceOf(picks));
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
    // A state the model cannot represent: a field the file lacks (written before the model's state
    // had it; JSON has no undefined, so an undefined value is a lacking one too) is named; anything
    // else is a damaged file.
    const d = firstDifference(actual, recorded, 'state');
    const lacks = d !== null && (d.right === ABSENT || d.right === undefined);
    const why = lacks ? `${d.path} is missing: the model's state has it (a file written before it was added?)` : (e as Error).message;
    throw new HarnessError(`state ${index} does not fit model ${compiled.model.name} (${why})`);
  }
  const actualInts = encodeToArray(compiled.codec, actual);
  if (actualInts.length === recordedInts.length && actualInts.every((v, i) => v === recordedInts[i])) {
    // Equal encodings, but the encoding keeps only what the layout declares: the recorded state must
    // also be exactly what decoding gives (no field the model lacks, no edited constant).
    const d = firstDifference(decodeFromArray(compiled.codec, recordedInts), recorded, 'state');
    return d === null ? '' : `it holds what the model's state does not (${outsideTheModel(d)})`;
  }
  if (typeof actual === 'object' && actual !== null && typeof recorded === 'object' && recorded !== null) {
    const a = actual as Record<string, unknown>;
    const r = recorded as Record<string, unknown>;
    const field = Object.keys(a).find((key) => JSON.stringify(a[key]) !== JSON.stringify(r[key]));
    if (field !== undefined) return `field ${field}`;
  }
  return 'encoding differs';
}

/** A difference between a decoded state (left) and the recorded one (right), as replay reports it. */
function outsideTheModel(d: Difference): string {
  if (d.left === ABSENT) return `${d.path}: a field the model does not have`;
  if (d.right === ABSENT) return `${d.path}: missing`;
  return `${d.path}: ${show(d.right)} where the model has ${show(d.left)}`;
}
