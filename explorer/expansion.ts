// One state's expansion, the part the one-thread search (bfs.ts) and the parallel search's threads
// (parallel/expand.ts) share: the enabled moves in the fixed order, pass by pass (the partial-order
// reduction), each successor built and its step judged by the action properties; and the judgement
// of a state by the invariants and witnesses. What a search does with a successor (store it, insert
// it in a shared table, look it up at the depth bound) and with a violation (record it, or report an
// event for the level barrier) is the sink's, so both searches count, order and judge alike.
import { encodeToArray, IntWriter, type Codec } from './codec.ts';
import { successors, type Successors } from './copy-on-touch.ts';
import { ALL_FIELDS, enabledMoves, namedActionsAt, namedChoices, namedEnabled, type Action, type Compiled, type Move } from './compile.ts';
import { errorMessage, ModelError, stepError } from './errors.ts';
import { locateMisfit } from './codec-locate.ts';
import { checkCanonicalize } from './symmetry-check.ts';
import { checkCanonicalEncoding } from './canonical-check.ts';
import { checkIndependence } from './independence-check.ts';
import { lastFingerprint } from './fingerprint.ts';
import { RepresentativeCache } from './representatives.ts';

/** What a search does with the successors of the state being expanded. */
export interface SuccessorSink<S> {
  /** False where only whether some step is enabled still matters (past the first unseen successor at the depth bound). */
  readonly building: boolean;
  /** Set once the search stops: the expansion ends after the successor that stopped it. */
  readonly stopped: boolean;
  /** Action properties not to evaluate again. */
  readonly stepViolated: readonly boolean[];
  /** Action property `index` fails on the step `move` (the successor is handed over next all the same). */
  actionFails(index: number, move: number): void;
  /** The successor `next`, which `succ.done` made of `draft`, by `action` and `move`. */
  successor(next: S, draft: S, action: Action<S>, move: number): void;
}

/** Where a model error met in `expand` was thrown, for a search that reports it in its order. */
export const BEFORE_SUCCESSOR = -1;
export const IN_SUCCESSOR = 1;
export const AFTER_SUCCESSORS = 2;

/** How a search reduces: the instance passes (expansionPasses) and the independence check. */
export interface ExpansionPlan {
  readonly passes: readonly (readonly number[])[];
  readonly checkIndependence: boolean;
}

export class Expansion<S> {
  readonly succ: Successors<S>;
  readonly actionBits: number;
  /** Successors handed to the sink for the state being expanded: the next one's ordinal. */
  ord = 0;
  /** The move being built or judged, -1 before its step is applied. */
  move = -1;
  /** Where the expansion is (BEFORE_SUCCESSOR, IN_SUCCESSOR, AFTER_SUCCESSORS). */
  phase = BEFORE_SUCCESSOR;
  /** The pass expanded: the last one tried. */
  pass = 0;

  /** Representatives' fingerprints by their successors' (symmetry reduction only). */
  readonly cache: RepresentativeCache | undefined;

  constructor(
    private readonly compiled: Compiled<S, unknown>,
    private readonly plan: ExpansionPlan,
  ) {
    this.succ = successors(compiled.codec);
    this.cache = compiled.canonicalize ? new RepresentativeCache() : undefined;
    this.actionBits = Math.max(1, Math.ceil(Math.log2(compiled.actions.length + 1)));
  }

  /**
   * Hands every successor of `s` to the sink in the fixed order; returns whether any step is enabled.
   * Of the passes, the first with an enabled step is the only one expanded (Model.independent).
   */
  expand(s: S, sink: SuccessorSink<S>): boolean {
    const { compiled, succ, actionBits } = this;
    const { instances, model, actionProperties } = compiled;
    const passes = this.plan.passes;
    let anyEnabled = false;
    this.ord = 0;
    this.move = -1;
    this.phase = BEFORE_SUCCESSOR;
    expanding: for (let pass = 0; pass < passes.length && !anyEnabled; pass++) {
      this.pass = pass;
      const order = passes[pass]!;
      for (let o = 0; o < order.length; o++) {
        const instance = instances[order[o]!]!;
        const candidates = namedActionsAt(model.name, instance, s);
        for (let k = 0; k < candidates.length; k++) {
          const action = candidates[k]!;
          const choices = namedChoices(model.name, action, s);
          for (let c = 0; c < choices.length; c++) {
            const choice = choices[c];
            if (!namedEnabled(model.name, action, s, choice)) continue;
            anyEnabled = true;
            if (!sink.building) continue;
            const draft = succ.draft();
            this.move = -1;
            try {
              action.step.apply(draft as never, action.self, choice);
            } catch (e) {
              throw stepError(model.name, action.stepKey, 'recipe', e);
            }
            const next = succ.done(draft);
            const move = (c * (1 << actionBits) + action.index) >>> 0;
            this.move = move;
            if (actionProperties.length > 0) judgeStep(compiled, s, next, action, choice, move, sink);
            this.ord++;
            this.phase = IN_SUCCESSOR;
            sink.successor(next, draft, action, move);
            this.phase = BEFORE_SUCCESSOR;
            if (sink.stopped) break expanding;
          }
        }
      }
    }
    this.phase = AFTER_SUCCESSORS;
    if (this.plan.checkIndependence) for (const group of compiled.independent) checkIndependence(compiled, s, group);
    return anyEnabled;
  }
}

function judgeStep<S>(compiled: Compiled<S, unknown>, before: S, after: S, action: Action<S>, choice: unknown, move: number, sink: SuccessorSink<S>): void {
  const properties = compiled.actionProperties;
  const taken = { process: action.process.name, self: action.self, step: action.step.name, choice };
  for (let i = 0; i < properties.length; i++) {
    if (sink.stepViolated[i]) continue;
    const p = properties[i]!;
    let holds: boolean;
    try {
      holds = p.holds(before, after, taken);
    } catch (e) {
      throw new ModelError(`model ${compiled.model.name}: action property ${p.name} threw on step ${action.stepKey}: ${errorMessage(e)}`);
    }
    if (!holds) sink.actionFails(i, move);
  }
}

/** What a search does with a state's judgement; `A` says where the state is, for the record. */
export interface Verdicts<A> {
  /** Invariants not to evaluate again, witnesses already reached. */
  readonly violated: readonly boolean[];
  readonly reached: readonly boolean[];
  invariantFails(index: number, at: A): void;
  witnessReached(index: number, at: A): void;
}

/**
 * Judges `s`, the state after `where`, by the invariants not yet violated and the witnesses not yet
 * reached (and the symmetry, if asked). `touched`: the top-level fields its step touched (a
 * successor; ALL_FIELDS for an initial state): a property that reads none of them keeps its parent's
 * value, which held (or was not reached), and is not evaluated.
 */
export function judgeState<S, A>(compiled: Compiled<S, unknown>, s: S, where: string, checkSymmetry: boolean, verdicts: Verdicts<A>, at: A, touched = ALL_FIELDS, checkReads = false): void {
  const { invariants, witnesses, model, codec, invariantReads, witnessReads } = compiled;
  if (checkSymmetry) {
    checkCanonicalize(compiled, s, `the state after ${where}`);
    checkCanonicalEncoding(model.name, codec, s, `the state after ${where}`);
  }
  for (let i = 0; i < invariants.length; i++) {
    if (verdicts.violated[i] || (invariantReads[i]! & touched) === 0) continue;
    const inv = invariants[i]!;
    let holds: boolean;
    try {
      holds = checkReads ? readsChecked(compiled, s, `invariant ${inv.name}`, invariantReads[i]!, inv.holds) : inv.holds(s);
    } catch (e) {
      if (e instanceof ModelError) throw e;
      throw new ModelError(`model ${model.name}: invariant ${inv.name} threw on the state after ${where}: ${errorMessage(e)}`);
    }
    if (!holds) verdicts.invariantFails(i, at);
  }
  const reached = verdicts.reached;
  for (let i = 0; i < witnesses.length; i++) {
    if (reached[i] || (witnessReads[i]! & touched) === 0) continue;
    const w = witnesses[i]!;
    if (checkReads ? readsChecked(compiled, s, `witness ${w.name}`, witnessReads[i]!, w.reached) : w.reached(s)) verdicts.witnessReached(i, at);
  }
}

/** `judge(s)`, with each top-level field it gets checked against the fields it says it reads. */
function readsChecked<S>(compiled: Compiled<S, unknown>, s: S, what: string, mask: number, judge: (s: S) => boolean): boolean {
  const shape = compiled.codec.shape;
  if (mask === ALL_FIELDS || shape?.kind !== 'record') return judge(s);
  const keys = shape.keys;
  const watched = new Proxy(s as object, {
    get(target, key, receiver) {
      const k = typeof key === 'string' ? keys.indexOf(key) : -1;
      if (k >= 0 && (mask & (1 << k)) === 0) {
        throw new ModelError(`model ${compiled.model.name}: ${what} reads '${String(key)}', which its reads do not list: it would not be judged after a step that changes only that field`);
      }
      return Reflect.get(target, key, receiver);
    },
  });
  return judge(watched as S);
}

/** How fingerprintSuccessor left a successor: not encoded (encodeSuccessor encodes it from its draft). */
export const NOT_ENCODED = 0;
/** Its representative, another state, encoded whole into the writer. */
export const ENCODED = 1;
/** Its representative's fingerprint remembered (RepresentativeCache): the representative not made. */
export const REMEMBERED = 2;
export type Fingerprinted = typeof NOT_ENCODED | typeof ENCODED | typeof REMEMBERED;

/**
 * Sets lastFingerprint to the fingerprint of a successor's representative (the successor itself
 * without symmetry): from its parent's and its touched fields' hashes, where the state is a
 * successor (`draft`) and its own representative. Otherwise (an initial state, or canonicalize gave
 * another state) the representative is encoded whole into `writer`. With `cache`, a successor whose
 * representative's fingerprint is remembered is not canonicalized. Says which it did: unless
 * ENCODED, `encodeSuccessor` encodes the representative when the search needs it (a new state).
 */
export function fingerprintSuccessor<S>(compiled: Compiled<S, unknown>, writer: IntWriter, next: S, where: string, succ: Successors<S>, draft?: S, checkSymmetry = false, cache?: RepresentativeCache): Fingerprinted {
  if (cache !== undefined && draft !== undefined && compiled.canonicalize && !checkSymmetry) return viaCache(compiled, compiled.canonicalize, writer, next, where, succ, draft, cache);
  const rep = compiled.canonicalize ? canonicalOf(compiled, compiled.canonicalize, next, where, checkSymmetry) : next;
  try {
    if (rep === next && draft !== undefined) {
      succ.fingerprint(draft);
      return NOT_ENCODED;
    }
    succ.encodeWhole(rep, writer);
    return ENCODED;
  } catch (e) {
    throw misfit(compiled, rep, where, e);
  }
}

function viaCache<S>(compiled: Compiled<S, unknown>, canonicalize: (s: S) => S, writer: IntWriter, next: S, where: string, succ: Successors<S>, draft: S, cache: RepresentativeCache): Fingerprinted {
  try {
    succ.fingerprint(draft);
  } catch (e) {
    throw misfit(compiled, next, where, e);
  }
  const { hi, lo } = lastFingerprint;
  if (cache.find(hi, lo)) return REMEMBERED;
  const rep = canonicalize(next);
  if (rep === next) {
    lastFingerprint.hi = hi;
    lastFingerprint.lo = lo;
    cache.remember(hi, lo, hi, lo);
    return NOT_ENCODED;
  }
  try {
    succ.encodeWhole(rep, writer);
  } catch (e) {
    throw misfit(compiled, rep, where, e);
  }
  cache.remember(hi, lo, lastFingerprint.hi, lastFingerprint.lo);
  return ENCODED;
}

/** `canonicalize(next)`; with the symmetry check, also that it left `next` (shared with its parent) alone. */
function canonicalOf<S>(compiled: Compiled<S, unknown>, canonicalize: (s: S) => S, next: S, where: string, check: boolean): S {
  if (!check) return canonicalize(next);
  const before = encodeToArray(compiled.codec, next).join();
  const rep = canonicalize(next);
  if (encodeToArray(compiled.codec, next).join() !== before) {
    throw new ModelError(`model ${compiled.model.name}: canonicalize is not a symmetry of the state after ${where}: it changed the state it was given (it must return a new one)`);
  }
  // The search keeps representatives only: here, before it drops the successor, is where one that is not its own is seen.
  if (rep !== next) checkCanonicalize(compiled, next, `the state after ${where}`, rep);
  return rep;
}

/**
 * Encodes the representative of the successor made of `draft` into `writer`, as fingerprintSuccessor
 * left it (`how`): nothing to do where it encoded it; from the draft, copying what the step left
 * untouched from the parent's encoding, where the successor is its own representative; made again
 * where only its fingerprint was remembered.
 */
export function encodeSuccessor<S>(compiled: Compiled<S, unknown>, writer: IntWriter, next: S, where: string, succ: Successors<S>, draft: S, how: Fingerprinted): void {
  if (how === ENCODED) return;
  const rep = how === REMEMBERED ? compiled.canonicalize!(next) : next;
  try {
    if (rep !== next) return succ.encodeWhole(rep, writer);
    writer.reset();
    succ.encode(draft, next, writer);
  } catch (e) {
    throw misfit(compiled, rep, where, e);
  }
}

/** Encodes a whole state with `encodeWhole` (copy-on-touch.ts wholeEncoder), which also fingerprints it. */
export function encodeState<S>(compiled: Compiled<S, unknown>, writer: IntWriter, s: S, where: string, encodeWhole: (s: S, out: IntWriter) => void): void {
  try {
    encodeWhole(s, writer);
  } catch (e) {
    throw misfit(compiled, s, where, e);
  }
}

/** A state that does not fit the codec: a ModelError that says where. */
function misfit<S>(compiled: Compiled<S, unknown>, s: S, where: string, e: unknown): ModelError {
  if (e instanceof ModelError) return e;
  return new ModelError(`model ${compiled.model.name}: the state after ${where} does not fit its codec: ${locateMisfit(compiled.codec as Codec<unknown>, s) ?? errorMessage(e)}`);
}

/**
 * The packed moves enabled at `s` in the passes after the one `expand` expanded: the steps the
 * reduction left out, which liveness still sees as edges out of the graph (a stutter is judged by
 * the steps enabled where it happens). None where every pass was tried.
 */
export function skippedMoves<S>(compiled: Compiled<S, unknown>, s: S, passes: readonly (readonly number[])[], expanded: number, actionBits: number): number[] {
  if (expanded >= passes.length - 1) return [];
  return enabledMoves(compiled, s, passes.slice(expanded + 1).flat()).map((m) => (m.choiceIndex * (1 << actionBits) + m.action.index) >>> 0);
}

/** The moves `expand` makes at `s`: those of the first pass with an enabled step. */
export function expandedMoves<S>(compiled: Compiled<S, unknown>, s: S, passes: readonly (readonly number[])[]): Move<S>[] {
  for (const pass of passes) {
    const moves = enabledMoves(compiled, s, pass);
    if (moves.length > 0) return moves;
  }
  return [];
}
