// Exhaustive breadth-first search. States are stored only as 64-bit fingerprints plus a parent link
// and the move that reached them (on disk in a large search); the frontier holds encoded states. A
// counterexample is rebuilt by re-executing the stored moves from the initial state, so it is a
// shortest path by construction.
import { getHeapStatistics } from 'node:v8';
import { IntReader, IntWriter, type Codec } from './codec.ts';
import { ALL_FIELDS, groupedProcesses, type Action, type Compiled } from './compile.ts';
import { ModelError } from './errors.ts';
import { encodeSuccessor, ENCODED, Expansion, fingerprintSuccessor, judgeState, skippedMoves, type Verdicts } from './expansion.ts';
import { lastFingerprint } from './fingerprint.ts';
import { FingerprintIndex, FingerprintSet } from './fpset.ts';
import { OUTSIDE, StateGraph } from './liveness/graph.ts';
import { livenessViolations } from './liveness/violations.ts';
import type { ExploreResult, IncompleteReason, Progress, Stats } from './result.ts';
import { foundViolations, searchResult, searchStats, type SearchRecord } from './search-result.ts';
import { U32Vec, VarintQueue } from './store.ts';
import { extendTrace, rebuildTrace, NO_PARENT } from './trace/rebuild.ts';
import { Checkpoints, restoreFrontier, type CheckpointIdentity, type FoundRecord, type SearchSnapshot } from './checkpoint.ts';

export interface ExploreOptions {
  /** Explore paths of at most this many steps. */
  readonly maxDepth?: number;
  readonly maxStates?: number;
  readonly maxSeconds?: number;
  /** Resident memory above which the search stops cleanly with a partial report. */
  readonly maxMemoryBytes?: number;
  /**
   * Bytes of the frontier kept in memory: beyond them, all of it but its two ends goes to a
   * temporary file, read back as the search reaches it (store.ts; default: no limit).
   */
  readonly frontierMemoryBytes?: number;
  /** Keep going after a violation and collect one shortest counterexample per property. */
  readonly continueAfterViolation?: boolean;
  /** Properties whose violations are known findings: recorded (shortest trace), never a reason to stop. */
  readonly known?: readonly string[];
  /** Report states with no enabled step that the model does not accept as final (default true). */
  readonly checkDeadlock?: boolean;
  /**
   * Check on every new state that the model's canonicalize is a symmetry and that its encoding is
   * canonical (slower; symmetry-check.ts, canonical-check.ts).
   */
  readonly checkSymmetry?: boolean;
  /** Check on every state judged that each invariant and witness reads only the top-level fields its `reads` lists. */
  readonly checkReads?: boolean;
  /** Expand a model's independent process groups alone where they can move (Model.independent; default true). */
  readonly por?: boolean;
  /**
   * Search without the reduction and check, on every state where an independent group can move,
   * that its steps commute with every other step and that no property sees both (the model's promise).
   */
  readonly checkIndependence?: boolean;
  /** Keep the state graph and check the model's liveness properties on it (default true). */
  readonly liveness?: boolean;
  /** Write the search to this folder every `everyMs`, and when stopped through `interrupt` (checkpoint.ts). */
  readonly checkpoint?: { readonly folder: string; readonly everyMs: number; readonly identity: CheckpointIdentity };
  /** Go on from a checkpoint of the same search instead of from the initial states. */
  readonly resume?: SearchSnapshot;
  /** Set `requested` (from a progress callback, say) to stop at the next check, writing a checkpoint if asked. */
  readonly interrupt?: { requested: boolean };
  readonly onProgress?: (p: Progress) => void;
  readonly progressIntervalMs?: number;
  readonly initialCapacity?: number;
}

/** A violation found, by where it is: the record a checkpoint keeps (checkpoint.ts). */
type Found = FoundRecord;

const TIME_CHECK_MASK = 0x3ff;
const MEMORY_CHECK_MASK = 0xffff;

export function explore<S, C>(compiled: Compiled<S, C>, options: ExploreOptions = {}): ExploreResult<S> {
  const snap = options.resume;
  // Seconds run before the checkpoint count in the report.
  const started = performance.now() - (snap?.counters.elapsedSeconds ?? 0) * 1000;
  const { actions, invariants, witnesses, model } = compiled;
  const checkDeadlock = (options.checkDeadlock ?? true) && (model.checkDeadlock ?? true);
  const keepGoing = options.continueAfterViolation ?? false;
  const known = new Set(options.known ?? []);
  const maxDepth = options.maxDepth ?? Infinity;
  const maxStates = options.maxStates ?? Infinity;
  const deadline = performance.now() + (options.maxSeconds ?? Infinity) * 1000;
  const maxMemory = options.maxMemoryBytes ?? Infinity;
  const heapLimit = getHeapStatistics().heap_size_limit * 0.9;
  const progressEvery = options.progressIntervalMs ?? 1000;

  const graph = keepsGraph(compiled, options) ? new StateGraph(compiled.liveness) : null;
  if (graph && snap?.graph) graph.restore(snap.graph);
  const capacity = options.initialCapacity ?? 1 << 10;
  const seen = graph
    ? snap ? FingerprintIndex.from(snap.seen) : new FingerprintIndex(capacity)
    : snap ? FingerprintSet.from(snap.seen) : new FingerprintSet(capacity);
  const parents = snap ? U32Vec.from(snap.parents, true) : new U32Vec(true);
  const moves = snap ? U32Vec.from(snap.moves, true) : new U32Vec(true);
  // A move is (choice << actionBits) | action: one 32-bit word.
  const actionBits = Math.max(1, Math.ceil(Math.log2(actions.length + 1)));
  const frontierBudget = options.frontierMemoryBytes ?? Infinity;
  const queue = snap ? restoreFrontier(compiled.codec as Codec<unknown>, snap.queue, frontierBudget) : new VarintQueue(frontierBudget);
  const writer = new IntWriter(256);
  const passes = expansionPasses(compiled, options);
  const expansion = new Expansion(compiled as Compiled<S, unknown>, { passes, checkIndependence: options.checkIndependence ?? false });
  const succ = expansion.succ;
  const current = { buf: new Int32Array(256), len: 0 };
  const reader = new IntReader(current.buf, 0);
  const fired = snap ? Float64Array.from(snap.fired) : new Float64Array(actions.length);
  const violated = snap ? [...snap.violated] : new Array<boolean>(invariants.length).fill(false);
  const reached = snap ? [...snap.reached] : new Array<boolean>(witnesses.length).fill(false);
  let unreachedWitnesses = snap?.counters.unreachedWitnesses ?? witnesses.length;
  const found: Found[] = snap ? [...snap.found] : [];
  let deadlockFound = snap?.counters.deadlockFound ?? false;
  let generated = snap?.counters.generated ?? 0;
  let depth = snap?.counters.depth ?? 0;
  let deepest = snap?.counters.deepest ?? 0;
  let incomplete: IncompleteReason | undefined;
  let nextProgress = started + progressEvery;
  const checkSymmetry = options.checkSymmetry ?? false;

  /** Where a violation of a state is: a stored state's id, or a step from one, or an initial state. */
  type At = Pick<Found, 'id' | 'move' | 'initIndex'>;
  const verdicts: Verdicts<At> = {
    violated,
    reached,
    invariantFails(i, at) {
      const inv = invariants[i]!;
      violated[i] = true;
      found.push({ property: inv.name, kind: 'invariant', description: inv.description, ...at });
      if (!keepGoing && !known.has(inv.name)) run.stopped = true;
    },
    witnessReached(i) {
      reached[i] = true;
      unreachedWitnesses--;
    },
  };
  const checkReads = options.checkReads ?? false;
  const judge = (s: S, at: At, where: string, touched = ALL_FIELDS): void => {
    judgeState(compiled as Compiled<S, unknown>, s, where, checkSymmetry, verdicts, at, touched, checkReads);
  };

  const actionProperties = compiled.actionProperties;
  const stepViolated = snap ? [...snap.stepViolated] : new Array<boolean>(actionProperties.length).fill(false);

  const constraint = compiled.constraint;
  /** Stores a new state; returns false for one already seen. */
  const admit = (s: S, parent: number, move: number, where: string, draft?: S): boolean => {
    try {
      const how = fingerprintSuccessor(compiled as Compiled<S, unknown>, writer, s, where, succ, draft, checkSymmetry, expansion.cache);
      const added = seen.add(lastFingerprint.hi, lastFingerprint.lo);
      if (graph && parent !== NO_PARENT) graph.edge((seen as FingerprintIndex).found, move);
      if (!added) return false;
      if (how !== ENCODED) encodeSuccessor(compiled as Compiled<S, unknown>, writer, s, where, succ, draft!, how);
    } catch (e) {
      if (e instanceof ModelError && parent !== NO_PARENT) e.trace = extendTrace(compiled, rebuildTrace(compiled, parents, moves, actionBits, parent), move, actionBits);
      throw e;
    }
    const id = parents.length;
    if (parent !== NO_PARENT) deepest = depth + 1;
    parents.push(parent);
    moves.push(move);
    queue.push(writer.buf, writer.len);
    graph?.mark(s);
    judge(s, { id }, where, draft === undefined ? ALL_FIELDS : succ.touched(draft));
    if (parents.length >= maxStates && !run.stopped) {
      incomplete = 'max-states';
      run.stopped = true;
    }
    return true;
  };

  // The state being expanded: its id, and whether it is at the depth bound.
  let id = 0;
  let atBound = false;
  const run = {
    building: true,
    stopped: false,
    stepViolated,
    actionFails(i: number, move: number): void {
      const p = actionProperties[i]!;
      stepViolated[i] = true;
      found.push({ property: p.name, kind: 'action', description: p.description, id, move });
      if (!keepGoing && !known.has(p.name)) run.stopped = true;
    },
    successor(next: S, draft: S, action: Action<S>, move: number): void {
      generated++;
      if (atBound) {
        if (constraint && !constraint(next)) return;
        fingerprintSuccessor(compiled as Compiled<S, unknown>, writer, next, action.stepKey, succ, draft, checkSymmetry, expansion.cache);
        // Beyond the depth bound only two facts matter: whether some successor is new (known once
        // `incomplete` is set) and whether any step is enabled (the deadlock check).
        if (!seen.has(lastFingerprint.hi, lastFingerprint.lo)) {
          incomplete ??= 'max-depth';
          run.building = false;
        }
        return;
      }
      fired[action.index]!++;
      if (constraint && !constraint(next)) {
        judge(next, { id, move }, action.stepKey, succ.touched(draft));
        graph?.edge(OUTSIDE, move);
        return;
      }
      admit(next, id, move, action.stepKey, draft);
    },
  };

  // TLC's CONSTRAINT: a state outside it is checked against the invariants, but neither stored nor
  // explored (nor counted as distinct); it still counts as generated and as a successor.
  compiled.initStates.forEach((s, i) => {
    if (run.stopped || snap) return;
    if (constraint && !constraint(s)) judge(s, { id: 0, initIndex: i }, `initial state ${i}`);
    else admit(s, NO_PARENT, i, `initial state ${i}`);
  });

  const initialStored = snap?.counters.initialStored ?? parents.length;
  let levelEnd = snap?.counters.levelEnd ?? parents.length;
  let expanded = snap?.counters.expanded ?? 0;
  let nextCheckpoint = performance.now() + (options.checkpoint?.everyMs ?? Infinity);
  const snapshotNow = (): SearchSnapshot => ({
    counters: { generated, depth, deepest, levelEnd, expanded, initialStored, unreachedWitnesses, deadlockFound, elapsedSeconds: (performance.now() - started) / 1000 },
    fired: Array.from(fired),
    violated,
    reached,
    stepViolated,
    found,
    seen: seen.snapshot(),
    parents: parents.snapshot(),
    moves: moves.snapshot(),
    queue: queue.snapshot(),
    graph: graph?.snapshot() ?? null,
  });
  const checkpoints = new Checkpoints(options.checkpoint);
  const saveCheckpoint = (): void => checkpoints.write(snapshotNow);
  while (queue.count > 0 && !run.stopped) {
    if (expanded === levelEnd) {
      depth++;
      levelEnd = parents.length;
    }
    queue.shift(current);
    id = expanded++;
    reader.src = current.buf;
    reader.end = current.len;
    reader.pos = 0;
    const s = succ.parent(reader);
    graph?.begin(id);
    atBound = depth >= maxDepth;
    run.building = !(atBound && incomplete !== undefined);
    const anyEnabled = expansion.expand(s, run);
    if (graph && anyEnabled && !run.stopped) for (const move of skippedMoves(compiled as Compiled<S, unknown>, s, passes, expansion.pass, actionBits)) graph.edge(OUTSIDE, move);

    if (!anyEnabled && checkDeadlock && !deadlockFound && !run.stopped && !(compiled.isFinal?.(s) ?? false)) {
      deadlockFound = true;
      const detail = model.explainDeadlock?.(s);
      found.push({
        property: 'deadlock',
        kind: 'deadlock',
        description: 'a state with no enabled step that the model does not accept as final',
        id,
        ...(detail === undefined ? {} : { detail }),
      });
      if (!keepGoing && !known.has('deadlock')) run.stopped = true;
    }

    if ((expanded & TIME_CHECK_MASK) === 0) {
      const now = performance.now();
      if (now > deadline) {
        incomplete = 'max-seconds';
        run.stopped = true;
        // A checkpointed search stopped by its time goes on from here when resumed: a long search in slices.
        saveCheckpoint();
      }
      // Between two expansions the search is whole: the frontier holds what is left to expand.
      if (options.interrupt?.requested && !run.stopped) {
        incomplete = 'interrupted';
        run.stopped = true;
        saveCheckpoint();
      } else if (now >= nextCheckpoint && !run.stopped) {
        saveCheckpoint();
        nextCheckpoint = performance.now() + options.checkpoint!.everyMs;
      }
      if (options.onProgress && now >= nextProgress) {
        nextProgress = now + progressEvery;
        options.onProgress({
          distinctStates: parents.length,
          statesGenerated: generated + compiled.initStates.length,
          depth,
          frontier: queue.count,
          seconds: (now - started) / 1000,
        });
      }
    }
    if ((expanded & MEMORY_CHECK_MASK) === 0 && overMemory(maxMemory, heapLimit)) {
      incomplete = 'memory';
      run.stopped = true;
    }
  }
  const complete = queue.count === 0 && incomplete === undefined && !run.stopped;
  const record: SearchRecord = {
    found,
    parents,
    moves,
    actionBits,
    fired,
    reached,
    generated,
    deepest,
    frontierPeak: queue.peakCount,
    seconds: (performance.now() - started) / 1000,
    bytes: seen.bytes + parents.bytes + moves.bytes + queue.peakMemoryBytes + (graph?.bytes ?? 0),
    incomplete,
    complete,
  };
  queue.close();
  const stats: Stats = {
    ...searchStats(compiled, record),
    ...checkpoints.stats,
    ...(queue.peakSpilledBytes > 0 ? { frontierSpilledBytes: queue.peakSpilledBytes } : {}),
    ...(parents.fileBytes > 0 ? { traceFileBytes: parents.fileBytes + moves.fileBytes } : {}),
  };
  return concludeSearch(compiled, options, record, stats, graph, initialStored);
}

/**
 * The end of a search on one thread or several: liveness checked on the graph of a complete search
 * (or why not), the reduction said, the result built.
 */
export function concludeSearch<S, C>(compiled: Compiled<S, C>, options: ExploreOptions, record: SearchRecord, found: Stats, graph: StateGraph<S> | null, initialStored: number): ExploreResult<S> {
  try {
    return conclude(compiled, options, record, found, graph, initialStored);
  } finally {
    record.parents.close();
    record.moves.close();
  }
}

function conclude<S, C>(compiled: Compiled<S, C>, options: ExploreOptions, record: SearchRecord, found: Stats, graph: StateGraph<S> | null, initialStored: number): ExploreResult<S> {
  let stats = found;
  const violations = foundViolations(compiled, record);
  if (graph && record.complete) {
    const t0 = performance.now();
    graph.finish();
    violations.push(...livenessViolations(compiled, graph, record, initialStored));
    stats = { ...stats, liveness: { checked: true, edges: graph.edges, seconds: (performance.now() - t0) / 1000 } };
  } else if (compiled.liveness.length > 0) {
    stats = { ...stats, liveness: { checked: false, reason: livenessSkipped(options, compiled.canonicalize !== undefined, hidesCycles(compiled, options)) } };
  }
  if (reducing(compiled, options)) stats = { ...stats, reduction: [stats.reduction, reductionNote(compiled)].filter((r) => r !== undefined).join('; ') };
  return searchResult(compiled, record, stats, violations);
}

/**
 * Whether the search keeps the state graph, to check the model's liveness properties on it. Liveness
 * needs the graph, so the ids of states seen again; symmetry reduction permutes the instances that
 * fairness names, so it is not checked there.
 */
export function keepsGraph<S, C>(compiled: Compiled<S, C>, options: ExploreOptions): boolean {
  return compiled.liveness.length > 0 && (options.liveness ?? true) && !compiled.canonicalize && !hidesCycles(compiled, options);
}

export function livenessSkipped(options: ExploreOptions, symmetric: boolean, reduced = false): string {
  if (options.liveness === false) return 'not asked for (--no-liveness)';
  if (symmetric) return "not checked under symmetry reduction: canonicalize permutes the process instances fairness names";
  if (reduced) return 'not checked under partial-order reduction: a liveness property assumes fairness of an independent process (--no-por to check it)';
  return 'not checked: the search stopped before the state graph was complete';
}

/** Whether the search reduces by independent groups: the model has some at this config and --no-por is not given. */
export function reducing<S, C>(compiled: Compiled<S, C>, options: ExploreOptions): boolean {
  return (options.por ?? true) && !options.checkIndependence && compiled.independent.length > 0;
}

/**
 * Whether the reduced graph may lack a fair cycle of the full one. A group runs a bounded number
 * of steps and expands alone only while it can move, so every cycle of the full graph is there with
 * each group at rest; only a fairness condition on a group's own steps can tell the difference.
 */
export function hidesCycles<S, C>(compiled: Compiled<S, C>, options: ExploreOptions): boolean {
  if (!reducing(compiled, options)) return false;
  const grouped = groupedProcesses(compiled);
  const groupActions = compiled.actions.filter((a) => grouped.has(a.process.name)).map((a) => a.index);
  return compiled.liveness.some((p) => p.conditions.some((c) => groupActions.some((a) => c.actions[a] === 1)));
}

/**
 * The instances to expand, pass by pass: each independent group, then the rest. A pass that finds
 * an enabled step ends the expansion (see the search loop).
 */
export function expansionPasses<S, C>(compiled: Compiled<S, C>, options: ExploreOptions): number[][] {
  const all = compiled.instances.map((_, k) => k);
  if (!reducing(compiled, options)) return [all];
  const grouped = new Set(compiled.independent.flat());
  return [...compiled.independent.map((g) => [...g]), all.filter((k) => !grouped.has(k))];
}

export function reductionNote<S, C>(compiled: Compiled<S, C>): string {
  const groups = compiled.independent.map((g) => [...new Set(g.map((k) => compiled.instances[k]!.process.name))].join(', '));
  return `partial-order reduction: independent processes expanded alone (${groups.join('; ')})`;
}

export function overMemory(maxMemory: number, heapLimit: number): boolean {
  if (process.memoryUsage.rss() > maxMemory) return true;
  return getHeapStatistics().used_heap_size > heapLimit;
}
