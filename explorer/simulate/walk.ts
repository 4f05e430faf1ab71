// One random walk, driven by a list of integer picks: the first chooses the initial state, each
// later one a move among those enabled (modulo their number). Every state is judged and its codec
// checked; a step is also replayed on a decoded private copy, as bfs applies it, and must agree
// with immer. Disagreements are model bugs (ModelError), not verdicts.
import type { Draft } from 'immer';
import { cloner, decodeFromArray, encodeToArray } from '../codec.ts';
import { applyWithImmer, choicesOf, isEnabled, pcOf, showChoice, type Compiled, type Move } from '../compile.ts';
import { ModelError } from '../errors.ts';
import { checkCanonicalize } from '../symmetry-check.ts';
import { checkCanonicalEncoding } from '../canonical-check.ts';
import type { TraceState } from '../result.ts';
import { describeDifference, firstDifference, show } from './equal.ts';

export interface WalkFailure {
  readonly property: string;
  readonly kind: 'invariant' | 'action' | 'deadlock';
  readonly description: string;
  readonly detail?: string;
}

export interface WalkEnd<S> {
  readonly trace: TraceState<S>[];
  readonly failure: WalkFailure | null;
}

export class Walker<S, C> {
  /** Moves taken per action index, over every walk so far. */
  readonly fired: Float64Array;
  steps = 0;
  private readonly clone: (s: S) => S;
  private readonly checkDeadlock: boolean;

  constructor(
    private readonly compiled: Compiled<S, C>,
    checkDeadlock: boolean,
  ) {
    // As explore: the option, and a model whose runs may simply end turns the check off for good.
    this.checkDeadlock = checkDeadlock && (compiled.model.checkDeadlock ?? true);
    this.fired = new Float64Array(compiled.actions.length);
    this.clone = cloner(compiled.codec);
  }

  walk(picks: readonly number[]): WalkEnd<S> {
    const { initStates, model } = this.compiled;
    if (initStates.length === 0) throw new ModelError(`model ${model.name}: no initial state`);
    const initIndex = (picks[0] ?? 0) % initStates.length;
    let state = initStates[initIndex] as S;
    let ints = this.roundTrip(state, `initial state ${initIndex}`);
    const trace: TraceState<S>[] = [{ move: null, state }];
    for (let k = 1; ; k++) {
      const where = k === 1 ? `initial state ${initIndex}` : `the state after step ${k - 1} of the walk`;
      // The symmetry and the canonical encoding the search trusts are checked on every state a walk visits.
      this.guard(() => checkCanonicalize(this.compiled, state, where), `canonicalize threw on ${where}`);
      checkCanonicalEncoding(model.name, this.compiled.codec, state, where);
      const broken = this.judge(state, where);
      if (broken !== null) return { trace, failure: broken };
      // Outside the model's constraint a state is judged but not explored further (as explore does).
      if (this.compiled.constraint && !this.guard(() => this.compiled.constraint!(state), `the constraint threw on ${where}`)) return { trace, failure: null };
      const moves = this.movesIn(state);
      if (moves.length === 0) {
        const final = this.guard(() => this.compiled.isFinal?.(state) ?? false, `isFinal threw on ${where}`);
        if (!this.checkDeadlock || final) return { trace, failure: null };
        const detail = this.guard(() => model.explainDeadlock?.(state), `explainDeadlock threw on ${where}`);
        const failure: WalkFailure = {
          property: 'deadlock',
          kind: 'deadlock',
          description: 'a state with no enabled step that the model does not accept as final',
          ...(detail === undefined ? {} : { detail }),
        };
        return { trace, failure };
      }
      const pick = picks[k];
      if (pick === undefined) return { trace, failure: null };
      const { action, choice, choiceIndex } = moves[pick % moves.length]!;
      const stepName = `step ${k} of the walk (${action.stepKey}${action.process.instances > 1 ? `[${action.self}]` : ''})`;
      const pc = pcOf(action, state);
      const next = this.guard(() => applyWithImmer(action, state, choice), `${stepName} threw in its recipe`);
      const nextInts = this.roundTrip(next, `the state after ${stepName}`);
      const taken = { process: action.process.name, self: action.self, step: action.step.name, choice };
      const badStep = this.compiled.actionProperties.find((p) => !this.guard(() => p.holds(state, next, taken), `action property ${p.name} threw on ${stepName}`));
      // bfs applies the recipe to a copy (cloner) of the decoded parent, mutating it in place: it must
      // land on the same state.
      const copy = this.clone(decodeFromArray(this.compiled.codec, ints));
      this.guard(() => action.step.apply(copy as Draft<S>, action.self, choice), `${stepName} threw on a decoded copy of the state`);
      const copyInts = this.encode(copy, `${stepName} applied to a decoded copy`);
      if (!sameInts(copyInts, nextInts)) {
        const diff = firstDifference(next, copy);
        throw new ModelError(
          `model ${model.name}: ${stepName} gives a different state on a decoded copy than through immer` +
            ` (${diff === null ? `${show(nextInts)} vs ${show(copyInts)}` : describeDifference(diff, 'immer gives', 'the copy')});` +
            ' a recipe must only mutate its draft and not depend on object identity',
        );
      }
      this.fired[action.index]!++;
      this.steps++;
      state = next;
      ints = nextInts;
      trace.push({
        move: { process: action.process.name, self: action.self, step: action.step.name, choice, choiceIndex, pc, shown: showChoice(action, choice) },
        state,
      });
      if (badStep) return { trace, failure: { property: badStep.name, kind: 'action', description: badStep.description } };
    }
  }

  private movesIn(s: S): Move<S>[] {
    const moves: Move<S>[] = [];
    for (const action of this.compiled.actions) {
      const choices = this.guard(() => choicesOf(action, s), `step ${action.stepKey} threw computing its choices`);
      for (let c = 0; c < choices.length; c++) {
        const choice = choices[c];
        if (this.guard(() => isEnabled(action, s, choice), `step ${action.stepKey} threw in its guard`)) {
          moves.push({ action, choiceIndex: c, choice });
        }
      }
    }
    return moves;
  }

  private judge(s: S, where: string): WalkFailure | null {
    for (const inv of this.compiled.invariants) {
      if (!this.guard(() => inv.holds(s), `invariant ${inv.name} threw on ${where}`)) {
        return { property: inv.name, kind: 'invariant', description: inv.description };
      }
    }
    return null;
  }

  private roundTrip(s: S, where: string): number[] {
    return roundTrip(this.compiled, s, where);
  }

  private encode(s: S, where: string): number[] {
    return encodeOrThrow(this.compiled, s, where);
  }

  private guard<T>(f: () => T, what: string): T {
    return guarded(this.compiled.model.name, f, what);
  }
}

/**
 * Encodes `s` and checks that decoding gives it back: the codec holds the whole state (a field the
 * layout lacks, or a value out of its range, is a model bug); returns the encoding.
 */
export function roundTrip<S, C>(compiled: Compiled<S, C>, s: S, where: string): number[] {
  const ints = encodeOrThrow(compiled, s, where);
  const back = guarded(compiled.model.name, () => decodeFromArray(compiled.codec, ints), `${where} does not decode from its own encoding`);
  const diff = firstDifference(s, back);
  if (diff !== null) {
    throw new ModelError(`model ${compiled.model.name}: the codec is lossy: ${where} changes under encode and decode ${describeDifference(diff)}`);
  }
  return ints;
}

function encodeOrThrow<S, C>(compiled: Compiled<S, C>, s: S, where: string): number[] {
  return guarded(compiled.model.name, () => encodeToArray(compiled.codec, s), `${where} does not fit its codec`);
}

/** `f()`, any error but a ModelError turned into one naming the model and `what` was being done. */
function guarded<T>(modelName: string, f: () => T, what: string): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ModelError) throw e;
    throw new ModelError(`model ${modelName}: ${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function sameInts(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
