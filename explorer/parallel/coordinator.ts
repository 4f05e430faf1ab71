// Parallel exhaustive search: breadth first, one level at a time, each level handed out in rounds
// of consecutive states (at most 32 MB of them, and a share of the frontier's memory budget, whose
// queue spills to disk as the one-thread search's does). The coordinator (this thread) puts a round's
// states in a shared buffer; it and the worker threads expand chunks of it and insert the
// successors' fingerprints in one shared table (table.ts). A round's parents all come after the
// previous round's, so the owner a state gets in the table is still the parent the breadth-first
// order meets first. At the round's end the coordinator takes the new states in the one-thread
// search's order (resolve.ts), numbers them, and replays what the threads judged in that order
// (events.ts), so that the distinct states, the counterexamples (shortest, and the very ones bfs.ts
// finds) and the verdicts are the same with any number of threads and any budget. A search that
// keeps the state graph (liveness) gets it edge for edge as bfs.ts builds it (addRound); checkpoints
// are written between two rounds in bfs.ts's format (resume.ts).
import { getHeapStatistics } from 'node:v8';
import type { ExploreOptions } from '../bfs.ts';
import { concludeSearch, expansionPasses, keepsGraph, overMemory } from '../bfs.ts';
import { Checkpoints, layoutSignature, restoreFrontier, type FoundRecord, type SearchSnapshot } from '../checkpoint.ts';
import { IntWriter, type Codec } from '../codec.ts';
import type { Compiled } from '../compile.ts';
import { wholeEncoder } from '../copy-on-touch.ts';
import { encodeState, judgeState, type Verdicts } from '../expansion.ts';
import { lastFingerprint } from '../fingerprint.ts';
import { OUTSIDE, StateGraph } from '../liveness/graph.ts';
import type { ExploreResult, IncompleteReason, Stats } from '../result.ts';
import { searchStats } from '../search-result.ts';
import { U32Vec, VarintQueue } from '../store.ts';
import { NO_PARENT } from '../trace/rebuild.ts';
import { replayEvents, type Judged } from './events.ts';
import { Expander, type ExpandSettings } from './expand.ts';
import { ByteReader, ByteWriter } from './bytes.ts';
import { CONTROL_WORDS, EDGE_END, EDGE_OUTSIDE, EDGE_SLOT, EXPANDED, FINISHED, HALT, HALT_CHECKPOINT, HALT_FULL, HALT_INTERRUPT, HALT_MEMORY, HALT_SECONDS, INSERTED, LIMIT, type LevelReport, type LevelSpec } from './level.ts';
import { WorkerPool } from './pool.ts';
import { collectWinners, type Winners } from './resolve.ts';
import { frontierSnapshot, remainderOf, type Remainder } from './resume.ts';
import { addFired } from './fired.ts';
import type { WorkerSource } from './source.ts';
import { capacityAhead, INITIAL_OWNER, SharedTable } from './table.ts';

export interface ParallelSettings {
  /** Threads expanding states, this one included. */
  readonly workers: number;
  /** How a worker thread builds the same model. */
  readonly source: WorkerSource;
  /** Start the worker threads once the search holds this many states (default START_WORKERS_AT). */
  readonly startWorkersAt?: number;
  /** Share out levels of at least this many states (default SHARE_LEVELS_FROM). */
  readonly shareLevelsFrom?: number;
  /** Wait for the threads to start rather than go on alone meanwhile (tests: so that they are used). */
  readonly waitForWorkers?: boolean;
  /** Grow the table before a level to hold what it may store (default); tests turn it off to make levels overflow it. */
  readonly growAhead?: boolean;
}

/** Worker threads start once the search holds this many states: smaller searches never wait for them. */
const START_WORKERS_AT = 5_000;
/** Smaller levels are expanded by this thread alone: handing them out costs more than it saves. */
const SHARE_LEVELS_FROM = 500;
/**
 * Under a frontier budget, a round takes this share of it: its states, the threads' results and the
 * winners' copy are held besides the frontier's own share.
 */
const ROUND_SHARE = 8;
/**
 * And a round is at most this large: a level's states, the threads' claims and the winners' copy are
 * held at once for a round, three times a whole level's encodings where the level is handed out in
 * one (`full`'s last level: 2.96 GB resident against 0.9 GB on one thread).
 */
const ROUND_MAX_BYTES = 32 * 2 ** 20;
/** A level halts, to be expanded again with a table twice as large, above this load. */
const MAX_LOAD = 0.9;

export async function exploreParallel<S>(compiled: Compiled<S, unknown>, options: ExploreOptions, par: ParallelSettings): Promise<ExploreResult<S>> {
  const snap = options.resume;
  // Seconds run before the checkpoint count in the report.
  const started = performance.now() - (snap?.counters.elapsedSeconds ?? 0) * 1000;
  const { codec, actions, invariants, witnesses, model, constraint, canonicalize } = compiled;
  const keepGoing = options.continueAfterViolation ?? false;
  const known = new Set(options.known ?? []);
  const stopsTheSearch = (name: string): boolean => !keepGoing && !known.has(name);
  const checkDeadlock = (options.checkDeadlock ?? true) && (model.checkDeadlock ?? true);
  const settings: ExpandSettings = {
    passes: expansionPasses(compiled, options),
    checkIndependence: options.checkIndependence ?? false,
    checkDeadlock,
    checkSymmetry: options.checkSymmetry ?? false,
    stopping: new Set([...invariants.map((i) => i.name), ...compiled.actionProperties.map((p) => p.name), 'deadlock'].filter(stopsTheSearch)),
  };
  const maxDepth = options.maxDepth ?? Infinity;
  const maxStates = options.maxStates ?? Infinity;
  const deadline = Date.now() + (options.maxSeconds ?? 1e9) * 1000;
  // A checkpointed search stopped by its time writes its checkpoint, as on Ctrl-C: the main thread
  // cuts the level at its time, and the threads do not halt on it themselves.
  const timeUp = (): boolean => options.checkpoint !== undefined && Date.now() > deadline;
  const maxMemory = options.maxMemoryBytes ?? Infinity;
  const heapLimit = getHeapStatistics().heap_size_limit * 0.9;
  const progressEvery = options.progressIntervalMs ?? 1000;
  let nextProgress = started + progressEvery;
  let nextMemoryCheck = started;
  let nextCheckpoint = performance.now() + (options.checkpoint?.everyMs ?? Infinity);
  const checkpoints = new Checkpoints(options.checkpoint);

  // Liveness: the graph is built at each round's end, in the one-thread search's order (addRound).
  const graph = keepsGraph(compiled, options) ? new StateGraph(compiled.liveness) : null;
  if (graph && snap?.graph) graph.restore(snap.graph);
  let table = snap ? SharedTable.fromSnapshot(snap.seen, graph !== null) : SharedTable.create(options.initialCapacity ?? 1 << 10);
  const parents = snap ? U32Vec.from(snap.parents, true) : new U32Vec(true);
  const moves = snap ? U32Vec.from(snap.moves, true) : new U32Vec(true);
  const actionBits = Math.max(1, Math.ceil(Math.log2(actions.length + 1)));
  const fired = snap ? Float64Array.from(snap.fired) : new Float64Array(actions.length);
  const judged: Judged = {
    violated: snap ? [...snap.violated] : new Array<boolean>(invariants.length).fill(false),
    stepViolated: snap ? [...snap.stepViolated] : new Array<boolean>(compiled.actionProperties.length).fill(false),
    reached: snap ? [...snap.reached] : new Array<boolean>(witnesses.length).fill(false),
    deadlockFound: snap?.counters.deadlockFound ?? false,
    found: snap ? [...snap.found] : ([] as FoundRecord[]),
    stop: false,
    incomplete: undefined as IncompleteReason | undefined,
  };
  let generated = snap?.counters.generated ?? 0;
  // The one-thread search moves to the next level when it takes its first state: a checkpoint
  // written at a level's end holds the level just done.
  const atLevelEnd = snap !== undefined && snap.counters.expanded === snap.counters.levelEnd;
  let depth = (snap?.counters.depth ?? 0) + (atLevelEnd ? 1 : 0);
  let deepest = snap?.counters.deepest ?? 0;
  let frontierPeak = 0;
  let roundPeakBytes = 0;
  // New states per expanded state in the last level (the table is sized by it).
  let growth = 4;

  // The frontier, as the one-thread search keeps it (store.ts): the rest of the level being
  // expanded, then the next level so far, held to the same memory budget. A level is handed out in
  // rounds of consecutive states that fit in a share of the budget (all of it when there is none).
  const frontierBudget = options.frontierMemoryBytes ?? Infinity;
  const frontier = snap ? restoreFrontier(codec as Codec<unknown>, snap.queue, frontierBudget) : new VarintQueue(frontierBudget);
  const roundBytes = Math.min(ROUND_MAX_BYTES, Number.isFinite(frontierBudget) ? Math.max(1, frontierBudget / ROUND_SHARE) : Infinity);
  // States of the level being expanded not handed out yet, and the id of the next one.
  let first = snap?.counters.expanded ?? 0;
  let levelLeft = snap ? (atLevelEnd ? parents.length : snap.counters.levelEnd) - first : 0;
  // The rest of a round cut for a checkpoint: the next round.
  let rest: Remainder | null = null;

  // Initial states: as bfs.ts, on this thread.
  const writer = new IntWriter(256);
  const encodeWhole = wholeEncoder(compiled.codec);
  type At = Pick<FoundRecord, 'id' | 'initIndex'>;
  const verdicts: Verdicts<At> = {
    violated: judged.violated,
    reached: judged.reached,
    invariantFails(i, at) {
      const inv = invariants[i]!;
      judged.violated[i] = true;
      judged.found.push({ property: inv.name, kind: 'invariant', description: inv.description, ...at });
      if (stopsTheSearch(inv.name)) judged.stop = true;
    },
    witnessReached(i) {
      judged.reached[i] = true;
    },
  };
  const judgeInitial = (s: S, at: At, where: string): void => judgeState(compiled, s, where, settings.checkSymmetry, verdicts, at);
  compiled.initStates.forEach((s, i) => {
    if (judged.stop || snap) return;
    const where = `initial state ${i}`;
    if (constraint && !constraint(s)) return judgeInitial(s, { id: 0, initIndex: i }, where);
    encodeState(compiled, writer, canonicalize ? canonicalize(s) : s, where, encodeWhole);
    if (!table.insert(lastFingerprint.hi, lastFingerprint.lo, INITIAL_OWNER)) return;
    const id = parents.length;
    if (graph) {
      table.setId(table.slot, id);
      graph.mark(s);
    }
    parents.push(NO_PARENT);
    moves.push(i);
    frontier.push(writer.buf, writer.len);
    levelLeft++;
    judgeInitial(s, { id }, where);
    if (parents.length >= maxStates && !judged.stop) {
      judged.incomplete = 'max-states';
      judged.stop = true;
    }
  });

  const initialStored = snap?.counters.initialStored ?? parents.length;
  const buffers = new LevelBuffers();
  const snapshotNow = (): SearchSnapshot => ({
    counters: {
      generated,
      depth,
      deepest,
      levelEnd: first + levelLeft,
      expanded: first,
      initialStored,
      unreachedWitnesses: judged.reached.filter((r) => !r).length,
      deadlockFound: judged.deadlockFound,
      elapsedSeconds: (performance.now() - started) / 1000,
    },
    fired: Array.from(fired),
    violated: judged.violated,
    reached: judged.reached,
    stepViolated: judged.stepViolated,
    found: judged.found,
    seen: table.snapshot(graph !== null, parents.length),
    parents: parents.snapshot(),
    moves: moves.snapshot(),
    queue: frontierSnapshot(frontier, rest),
    graph: graph?.snapshot() ?? null,
  });
  const saveCheckpoint = (): void => {
    checkpoints.write(snapshotNow);
    nextCheckpoint = performance.now() + (options.checkpoint?.everyMs ?? Infinity);
  };
  const expander = new Expander(compiled as Compiled<unknown, unknown>, settings);
  let pool: WorkerPool | null = null;
  let threadsUsed = 1;
  try {
    while (!judged.stop && (frontier.count > 0 || rest !== null)) {
      // Between two rounds the search is whole: the frontier (and a cut round's rest) holds what is left.
      if (options.interrupt?.requested || timeUp()) {
        saveCheckpoint();
        judged.incomplete = options.interrupt?.requested ? 'interrupted' : 'max-seconds';
        break;
      }
      if (performance.now() >= nextCheckpoint) saveCheckpoint();
      const round = rest ?? frontier.shiftEncoded(levelLeft, roundBytes, (size) => buffers.round(size));
      rest = null;
      const count = round.ends.length;
      if (pool === null && par.workers > 1 && parents.length >= (par.startWorkersAt ?? START_WORKERS_AT)) {
        pool = WorkerPool.acquire(par.workers - 1, par.source, settings, { steps: compiled.stepKeys, layout: layoutSignature(codec as Codec<unknown>) });
      }
      const share = pool !== null && pool.failure === null && count >= (par.shareLevelsFrom ?? SHARE_LEVELS_FROM);
      if (share && par.waitForWorkers) await pool!.whenStarted();
      // Lets the threads' replies in (their start) between two levels expanded here alone.
      else await new Promise((resolve) => setImmediate(resolve));
      const sharing = share && pool!.ready;
      const threads = sharing ? pool!.size + 1 : 1;
      if (sharing) threadsUsed = Math.max(threadsUsed, threads);
      const atBound = depth >= maxDepth;
      // Room for what the round may store (a worker thread grew it after the last round, when it
      // could); a level that stores more than MAX_LOAD allows is expanded again.
      const growAhead = par.growAhead ?? true;
      const capacity = growAhead ? capacityAhead(parents.length, count, growth, table.capacity) : table.capacity;
      if (capacity > table.capacity) table = table.grow(capacity);
      const growAfter = sharing && graph === null && !atBound && growAhead;
      // Only several threads lower owners. A bit left from an earlier round costs a round expanded
      // here alone one needless owner lookup, where clearing is a pass over the whole bitmap.
      if (sharing) table.clearContested();

      // Small enough that the threads finish a level close together, large enough that taking one is cheap.
      const chunkSize = Math.min(512, Math.max(16, Math.ceil(count / (threads * 32))));
      const chunks = Math.ceil(count / chunkSize);
      const starts = new Float64Array(new SharedArrayBuffer((chunks + 1) * 8));
      for (let c = 0; c < chunks; c++) starts[c] = c === 0 ? 0 : round.ends[c * chunkSize - 1]!;
      starts[chunks] = round.bytes.length;
      roundPeakBytes = Math.max(roundPeakBytes, round.bytes.length);

      let reports: LevelReport[];
      let growing: Promise<number> | null = null;
      let control: Int32Array;
      let spec: LevelSpec;
      for (;;) {
        control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
        control[LIMIT] = chunks;
        spec = {
          frontier: round.bytes.buffer as SharedArrayBuffer,
          chunkStarts: starts.buffer as SharedArrayBuffer,
          chunkSize,
          count,
          firstId: first,
          atBound,
          table: table.buffer,
          tableCapacity: table.capacity,
          contested: table.contestedBuffer,
          control: control.buffer as SharedArrayBuffer,
          violated: judged.violated,
          stepViolated: judged.stepViolated,
          reached: judged.reached,
          deadlockFound: judged.deadlockFound,
          maxNew: maxStates - parents.length,
          deadline: options.checkpoint === undefined ? deadline : Infinity,
          maxLoad: MAX_LOAD,
          graph: graph !== null,
          threads,
          growAfter,
          next: { stored: parents.length, rest: levelLeft - count, queued: frontier.count - (levelLeft - count), maxCount: Math.floor(roundBytes / Math.max(1, round.bytes.length / count)) },
        };
        const theirs = sharing ? pool!.run(spec) : Promise.resolve([]);
        const c = control;
        // Between two of this thread's chunks: progress lines and the memory guard.
        const between = (): void => {
          const now = performance.now();
          if (now >= nextProgress && options.onProgress) {
            nextProgress = now + progressEvery;
            options.onProgress({
              distinctStates: parents.length + Atomics.load(c, INSERTED),
              statesGenerated: generated + compiled.initStates.length,
              depth,
              frontier: frontier.count + count - Atomics.load(c, EXPANDED),
              seconds: (now - started) / 1000,
            });
          }
          if (now >= nextMemoryCheck) {
            nextMemoryCheck = now + 250;
            if (overMemory(maxMemory, heapLimit)) Atomics.store(c, HALT, HALT_MEMORY);
          }
          // A checkpoint cuts the level after the chunks started, without halting it for good.
          if (options.interrupt?.requested || timeUp()) Atomics.compareExchange(c, HALT, 0, HALT_INTERRUPT);
          else if (now >= nextCheckpoint) Atomics.compareExchange(c, HALT, 0, HALT_CHECKPOINT);
        };
        let mine: LevelReport;
        try {
          mine = expander.run(spec, between);
        } catch (e) {
          // The threads' replies still come: wait for them rather than leave their failure unhandled.
          Atomics.store(c, HALT, HALT_SECONDS);
          await theirs.catch(() => undefined);
          throw e;
        }
        // The threads resolve their own chunks once all are done with the level: this one too.
        await allFinished(c, threads, theirs);
        reports = [expander.resolve(mine, spec), ...(await theirs)];
        // A worker thread grows the table meanwhile, while this one takes in the round.
        if (growAfter) {
          growing = pool!.grown();
          // Awaited at the round's end; a search that throws before then does not leave it unhandled.
          growing.catch(() => undefined);
        }
        if (Atomics.load(control, HALT) !== HALT_FULL) break;
        await growing;
        growing = null;
        // The level stored more than the table was sized for: drop what it stored, and again.
        table = table.rehash(table.capacity * 2, first + 2);
      }

      const wanted = new Set<number>();
      for (const r of reports) for (const e of r.events) if (e.slot >= 0) wanted.add(e.slot);
      const winners = collectWinners(reports, { firstId: first, count, chunkSize, chunks, graph: graph !== null }, wanted, buffers.winners);
      const outcome = replayEvents(compiled, judged, reports, winners, {
        // At the bound, an earlier round's unseen successor is the first (bfs.ts).
        unseenEarlier: atBound && judged.incomplete === 'max-depth',
        firstId: first,
        chunkSize,
        nextId: parents.length,
        maxStates,
        stopsTheSearch,
        parents,
        moves,
        actionBits,
      });
      generated += outcome.generated;
      if (!atBound) addFired(compiled, settings.passes, fired, reports, { firstId: first, chunkSize, bytes: round.bytes, ends: round.ends }, outcome.cut, winners.chunksDone);
      if (!judged.stop) growth = Math.max(1, outcome.committed / count);
      for (let w = 0; w < outcome.committed; w++) {
        parents.push(winners.parent[w]!);
        moves.push(winners.move[w]!);
      }
      if (outcome.committed > 0) deepest = depth + 1;
      const idBase = parents.length - outcome.committed;
      frontier.pushEncoded(winners.bytes.buf, 0, outcome.committed > 0 ? winners.ends[outcome.committed - 1]! : 0, outcome.committed);
      frontierPeak = Math.max(frontierPeak, frontier.count + count);
      const halt = Atomics.load(control, HALT);
      const forCheckpoint = (halt === HALT_CHECKPOINT || halt === HALT_INTERRUPT) && !judged.stop;
      if (halt !== 0 && !judged.stop && !forCheckpoint) {
        judged.incomplete = halt === HALT_SECONDS ? 'max-seconds' : 'memory';
        judged.stop = true;
      }
      if (winners.chunksDone < chunks && !judged.stop && !forCheckpoint) throw new Error('parallel search: a level was cut short without a reason');
      // A search that stops has an incomplete graph, which is not checked.
      if (graph && !judged.stop) addRound(graph, table, reports, winners, idBase, { firstId: first, count, chunkSize });
      const done = forCheckpoint ? Math.min(count, winners.chunksDone * chunkSize) : count;
      if (done < count) rest = remainderOf(round, done);
      first += done;
      levelLeft -= done;
      if (levelLeft === 0) {
        levelLeft = frontier.count;
        depth++;
      }
      if (growing !== null) table = table.withCapacity(await growing);
      growing = null;
    }
  } catch (e) {
    await pool?.close();
    pool = null;
    throw e;
  } finally {
    frontier.close();
    await pool?.release();
  }

  const complete = !judged.stop && judged.incomplete === undefined && frontier.count === 0;
  const record = {
    found: judged.found,
    parents,
    moves,
    actionBits,
    fired,
    reached: judged.reached,
    generated,
    deepest,
    frontierPeak,
    seconds: (performance.now() - started) / 1000,
    bytes: table.capacity * 12 + parents.bytes + moves.bytes + frontier.peakMemoryBytes + roundPeakBytes + (graph?.bytes ?? 0),
    incomplete: judged.incomplete,
    complete,
  };
  const stats: Stats = {
    ...searchStats(compiled, record),
    workers: threadsUsed,
    ...checkpoints.stats,
    ...(frontier.peakSpilledBytes > 0 ? { frontierSpilledBytes: frontier.peakSpilledBytes } : {}),
    ...(parents.fileBytes > 0 ? { traceFileBytes: parents.fileBytes + moves.fileBytes } : {}),
  };
  return concludeSearch(compiled, options, record, stats, graph, initialStored);
}

/**
 * Waits, without blocking this thread (whose events say when a worker thread fails), until every
 * thread has finished the level. A wait ends after 50 ms at most, so that none is left pending.
 */
async function allFinished(control: Int32Array, threads: number, theirs: Promise<unknown>): Promise<void> {
  for (let done = Atomics.load(control, FINISHED); done < threads; done = Atomics.load(control, FINISHED)) {
    const wait = Atomics.waitAsync(control, FINISHED, done, 50);
    if (wait.async) await Promise.race([wait.value, theirs]);
  }
}

/**
 * Adds a whole round to the graph as the one-thread search builds it: the new states' marks in id
 * order (each slot then holds its state's id), then each expanded state's row, in id order, each
 * edge naming its target by the id in the target's slot.
 */
function addRound<S>(
  graph: StateGraph<S>,
  table: SharedTable,
  reports: readonly LevelReport[],
  winners: Winners,
  idBase: number,
  level: { readonly firstId: number; readonly count: number; readonly chunkSize: number },
): void {
  for (let w = 0; w < winners.count; w++) {
    table.setId(winners.slot[w]!, idBase + w);
    graph.markWith(winners.marks[w]!);
  }
  const edgesOf: Uint8Array[] = [];
  for (const r of reports) r.chunks.forEach((c, i) => (edgesOf[c] = r.edges[i]!));
  for (let c = 0; c < winners.chunksDone; c++) {
    const reader = new ByteReader(edgesOf[c]!);
    const first = c * level.chunkSize;
    const n = Math.min(level.chunkSize, level.count - first);
    for (let k = 0; k < n; k++) {
      graph.begin(level.firstId + first + k);
      for (let code = reader.uint(); code !== EDGE_END; code = reader.uint()) {
        const move = reader.uint();
        const target = code === EDGE_OUTSIDE ? OUTSIDE : table.idAt(code - EDGE_SLOT);
        if (target < 0) throw new Error('parallel search: a step to a state with no id');
        graph.edge(target, move);
      }
    }
  }
}

/**
 * The two buffers a round fills, its states and its winners' encodings, kept from one round to the
 * next: a round is over (its winners in the frontier) before the next one takes them. Fresh memory
 * costs a page fault per 4 KB page when first touched (17 µs each on the development VM), which
 * a new pair of buffers per level paid on every state of the search twice.
 */
class LevelBuffers {
  private shared = new SharedArrayBuffer(0);
  readonly winners = new ByteWriter(1 << 12);

  /** A view of `size` bytes of the shared buffer, grown as needed. */
  round(size: number): Uint8Array {
    if (size > this.shared.byteLength) this.shared = new SharedArrayBuffer(Math.max(size, Math.ceil(this.shared.byteLength * 1.5)));
    return new Uint8Array(this.shared, 0, size);
  }
}
