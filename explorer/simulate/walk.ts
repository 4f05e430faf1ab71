// One random walk, driven by a list of integer picks: the first chooses the initial state, each
// later one a move among those enabled (modulo their number); or by the moves themselves, for the
// shortening of a violating walk. Every state is judged and its codec checked; a step is also
// replayed on a decoded private copy, as bfs applies it, and must agree with immer. Disagreements
// are model bugs (ModelError), not verdicts. Each state and step is checked the first time a walk
// meets it, and remembered.
import type { Draft } from 'immer';
import { cloner, decodeFromArray, encodeToArray } from '../codec.ts';
import { applyWithImmer, enabledMoves, pcOf, showChoice, type Compiled, type Move } from '../compile.ts';
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

/** A state a walk reached: its encoding, the invariants it breaks, its moves and the successors taken by index into them. */
interface Seen<S> {
  readonly ints: readonly number[];
  /** Every invariant it violates. */
  readonly broken: readonly WalkFailure[];
  /** Worked out when a walk first goes on from it (undefined before); null: none to take. */
  moves: Move<S>[] | null | undefined;
  /** The same moves by what they are. */
  keys: readonly MoveKey[];
  /** Where it has no move and is not final. */
  deadlock: WalkFailure | null;
  readonly next: Taken<S>[];
}

/** One move taken from a state: its pc there, the successor, and every action property it breaks. */
interface Taken<S> {
  readonly pc: string;
  readonly state: S;
  readonly seen: Seen<S>;
  readonly badSteps: readonly WalkFailure[];
}

/** A move by what it is (its action's index, its choice as JSON), not by its place among a state's moves. */
export interface MoveKey {
  readonly action: number;
  readonly choice: string;
}

/** A walk's end, the picks that make it, and its moves by what they are. */
export interface Walked<S> {
  readonly end: WalkEnd<S>;
  readonly picks: readonly number[];
  readonly keys: readonly MoveKey[];
  /** The moves enabled where it ended (none where it ended in a violation). */
  readonly enabled: readonly MoveKey[];
}

const keysOf = <S>(moves: readonly Move<S>[]): MoveKey[] => moves.map((m) => ({ action: m.action.index, choice: choiceKey(m.choice) }));

const choiceKey = (choice: unknown): string => String(JSON.stringify(choice));

/** The states a walker remembers at most (a shrink's candidates share most of their walk). */
export const MEMO_STATES = 20_000;

export class Walker<S, C> {
  /** Moves taken per action index, over every walk so far. */
  readonly fired: Float64Array;
  steps = 0;
  /** Properties a walk goes on past (a simulation that continues after their first violation). */
  ignored: ReadonlySet<string> = new Set();
  private readonly memo = new Map<string, Seen<S>>();
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
    return this.walkPicks(picks).end;
  }

  /** `walk(picks)`, with the moves it took by what they are. */
  walkPicks(picks: readonly number[]): Walked<S> {
    return this.follow(picks[0] ?? 0, (here, k) => {
      const pick = picks[k];
      return pick === undefined ? undefined : pick % here.length;
    });
  }

  /**
   * The walk from initial state `initIndex` that takes the moves `keys` names, in order, each where
   * it is enabled and skipped where it is not; with the picks that make it (for `walk`).
   */
  walkMoves(initIndex: number, keys: readonly MoveKey[]): Walked<S> {
    let next = 0;
    return this.follow(initIndex, (here) => {
      while (next < keys.length) {
        const { action, choice } = keys[next++]!;
        const m = here.findIndex((x) => x.action === action && x.choice === choice);
        if (m >= 0) return m;
      }
      return undefined;
    });
  }

  /** The walk from initial state `initIndex` whose k-th move is the `pick(here, k)`-th of those enabled (`here`: their keys), up to an undefined pick or a failure. */
  private follow(initIndex: number, pick: (here: readonly MoveKey[], k: number) => number | undefined): Walked<S> {
    const { initStates, model } = this.compiled;
    if (initStates.length === 0) throw new ModelError(`model ${model.name}: no initial state`);
    const init = initIndex % initStates.length;
    let state = initStates[init] as S;
    let seen = this.visit(state, this.roundTrip(state, `initial state ${init}`), `initial state ${init}`);
    const trace: TraceState<S>[] = [{ move: null, state }];
    const picks = [init];
    const keys: MoveKey[] = [];
    const end = (failure: WalkFailure | null): Walked<S> => ({ end: { trace, failure }, picks, keys, enabled: failure === null ? seen.keys : [] });
    const heeded = (failures: readonly WalkFailure[]): WalkFailure | undefined => failures.find((f) => !this.ignored.has(f.property));
    for (let k = 1; ; k++) {
      const broken = heeded(seen.broken);
      if (broken !== undefined) return end(broken);
      const moves = this.movesOf(seen, state, k === 1 ? `initial state ${init}` : `the state after step ${k - 1} of the walk`);
      if (moves === null) return end((seen.deadlock && heeded([seen.deadlock])) ?? null);
      const m = pick(seen.keys, k);
      if (m === undefined) return end(null);
      picks.push(m);
      keys.push(seen.keys[m]!);
      const taken = (seen.next[m] ??= this.take(state, seen, moves[m]!, k));
      const { action, choice, choiceIndex } = moves[m]!;
      this.fired[action.index]!++;
      this.steps++;
      trace.push({
        move: { process: action.process.name, self: action.self, step: action.step.name, choice, choiceIndex, pc: taken.pc, shown: showChoice(action, choice) },
        state: taken.state,
      });
      const bad = heeded(taken.badSteps);
      if (bad !== undefined) return end(bad);
      state = taken.state;
      seen = taken.seen;
    }
  }

  /**
   * What a walk needs of a state, worked out the first time a walk reaches it: its checks, its
   * judgement and its moves (null: none to take). A walk is a function of its picks, so a walk
   * that comes back to a state (a shrink's candidate runs the prefix of the walk it shrinks again)
   * finds them here. At most MEMO_STATES are kept; past that, the memory starts afresh.
   */
  private visit(state: S, ints: readonly number[], where: string): Seen<S> {
    const key = ints.join(',');
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    // Remembered once every check has passed: a state whose check threw is checked again.
    const seen = this.check(state, ints, where);
    if (this.memo.size >= MEMO_STATES) this.memo.clear();
    this.memo.set(key, seen);
    return seen;
  }

  private check(state: S, ints: readonly number[], where: string): Seen<S> {
    // The symmetry and the canonical encoding the search trusts are checked on every state a walk visits.
    this.guard(() => checkCanonicalize(this.compiled, state, where), `canonicalize threw on ${where}`);
    checkCanonicalEncoding(this.compiled.model.name, this.compiled.codec, state, where);
    return { ints, broken: this.judge(state, where), moves: undefined, keys: [], deadlock: null, next: [] };
  }

  /** The moves a walk may take from `seen` (null: none), and whether it is a deadlock, worked out the first time a walk goes on from it. */
  private movesOf(seen: Seen<S>, state: S, where: string): Move<S>[] | null {
    if (seen.moves === undefined) {
      // Outside the model's constraint a state is judged but not explored further (as explore does).
      const outside = this.compiled.constraint !== undefined && !this.guard(() => this.compiled.constraint!(state), `the constraint threw on ${where}`);
      const moves = outside ? [] : enabledMoves(this.compiled, state);
      // Set once all of it is worked out: a state where something threw is worked out again.
      seen.deadlock = outside || moves.length > 0 ? null : this.deadlockAt(state, where);
      seen.keys = keysOf(moves);
      seen.moves = moves.length > 0 ? moves : null;
    }
    return seen.moves;
  }

  /** The deadlock a state with no moves is, unless it is final (or deadlocks are not checked). */
  private deadlockAt(state: S, where: string): WalkFailure | null {
    const final = this.guard(() => this.compiled.isFinal?.(state) ?? false, `isFinal threw on ${where}`);
    if (!this.checkDeadlock || final) return null;
    const detail = this.guard(() => this.compiled.model.explainDeadlock?.(state), `explainDeadlock threw on ${where}`);
    return {
      property: 'deadlock',
      kind: 'deadlock',
      description: 'a state with no enabled step that the model does not accept as final',
      ...(detail === undefined ? {} : { detail }),
    };
  }

  /** Step `k` of a walk, `move` from `state`, applied and checked the first time a walk takes it. */
  private take(state: S, seen: Seen<S>, move: Move<S>, k: number): Taken<S> {
    const { model } = this.compiled;
    const { action, choice } = move;
    const stepName = `step ${k} of the walk (${action.stepKey}${action.process.instances > 1 ? `[${action.self}]` : ''})`;
    const pc = pcOf(action, state);
    const next = this.guard(() => applyWithImmer(action, state, choice), `${stepName} threw in its recipe`);
    const nextInts = this.roundTrip(next, `the state after ${stepName}`);
    const taken = { process: action.process.name, self: action.self, step: action.step.name, choice };
    const badSteps = this.compiled.actionProperties
      .filter((p) => !this.guard(() => p.holds(state, next, taken), `action property ${p.name} threw on ${stepName}`))
      .map((p): WalkFailure => ({ property: p.name, kind: 'action', description: p.description }));
    // bfs applies the recipe to a copy (cloner) of the decoded parent, mutating it in place: it must
    // land on the same state.
    const copy = this.clone(decodeFromArray(this.compiled.codec, seen.ints));
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
    return {
      pc,
      state: next,
      seen: this.visit(next, nextInts, `the state after step ${k} of the walk`),
      badSteps,
    };
  }

  /** Every invariant `s` violates, in their order. */
  private judge(s: S, where: string): WalkFailure[] {
    return this.compiled.invariants
      .filter((inv) => !this.guard(() => inv.holds(s), `invariant ${inv.name} threw on ${where}`))
      .map((inv): WalkFailure => ({ property: inv.name, kind: 'invariant', description: inv.description }));
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
