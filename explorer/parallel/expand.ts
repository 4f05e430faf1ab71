// One thread's share of a level: it takes chunks of the level's states, expands each state as the
// one-thread search does (bfs.ts), inserts the successors' fingerprints in the shared table, and
// writes, per chunk, the successors it claimed (inserted, or took over from a parent of higher id)
// with their ordinal, slot, move and encoding. When every thread is done with the level, it keeps
// in its chunks the claims that won (resolve.ts). It judges the states it inserted; the coordinator
// decides, in the one-thread order, which of the judgements count (coordinator.ts).
import { IntReader, IntWriter } from '../codec.ts';
import type { Action, Compiled } from '../compile.ts';
import { errorMessage, ModelError } from '../errors.ts';
import { AFTER_SUCCESSORS, encodeSuccessor, ENCODED, Expansion, fingerprintSuccessor, IN_SUCCESSOR, judgeState, skippedMoves, type ExpansionPlan, type SuccessorSink, type Verdicts } from '../expansion.ts';
import { lastFingerprint } from '../fingerprint.ts';
import { ByteReader, ByteWriter } from './bytes.ts';
import { markBits } from '../liveness/graph.ts';
import { AFTER_ALL, EDGE_END, EDGE_OUTSIDE, EDGE_SLOT, EXPANDED, FINISHED, HALT, HALT_FULL, HALT_SECONDS, INSERTED, LIMIT, NEXT, RESOLVED, type LevelEvent, type LevelReport, type LevelSpec } from './level.ts';
import { ChunkClaims, resolveChunk } from './resolve.ts';
import { capacityAhead, SharedTable } from './table.ts';
import { RecentSlots } from './recent.ts';

export interface ExpandSettings extends ExpansionPlan {
  readonly checkDeadlock: boolean;
  readonly checkSymmetry: boolean;
  /** Properties whose violation ends the search (neither known findings nor --continue). */
  readonly stopping: ReadonlySet<string>;
}

/** Where a judged state is: its parent, its ordinal among the parent's successors, its move and slot. */
interface At {
  readonly ord: number;
  readonly move: number;
  readonly slot: number;
}

export class Expander<S> implements SuccessorSink<S>, Verdicts<At> {
  private readonly expansion: Expansion<S>;
  private readonly writer = new IntWriter(256);
  private readonly current = { buf: new Int32Array(256), len: 0 };
  private table: SharedTable | null = null;
  /** Each chunk's claims and states are written here, then copied out at their size. */
  private claims = new ChunkClaims(false);
  private readonly states = new ByteWriter(1 << 16);
  /** Keeping the graph: each chunk's edges (LevelReport.edges). */
  private readonly edges = new ByteWriter(1 << 16);

  // The chunk being expanded, and the state of it being expanded (SuccessorSink, Verdicts).
  building = true;
  // A thread never stops inside a state: the replay cuts the level where the one-thread search stops (events.ts).
  readonly stopped = false;
  stepViolated: readonly boolean[] = [];
  violated: readonly boolean[] = [];
  reached: readonly boolean[] = [];
  private level!: LevelSpec;
  private control!: Int32Array;
  private chunk = 0;
  private events: LevelEvent[] = [];
  private fired = new Float64Array(0);
  private inserted = 0;
  private parent = 0;
  private readonly recent = new RecentSlots();
  /** The parent's place in its chunk. */
  private at = 0;

  constructor(
    private readonly compiled: Compiled<S, unknown>,
    private readonly settings: ExpandSettings,
  ) {
    this.expansion = new Expansion(compiled, settings);
  }

  /**
   * Takes and expands chunks until none is left or the level is halted; then counts this thread as
   * finished with the level (also when it throws), for `resolve`.
   */
  run(level: LevelSpec, between?: () => void): LevelReport {
    try {
      return this.expandLevel(level, between);
    } finally {
      const control = new Int32Array(level.control);
      Atomics.add(control, FINISHED, 1);
      Atomics.notify(control, FINISHED);
    }
  }

  /**
   * Keeps, in each of the report's chunks, the claims that won, once every thread has finished the
   * level (`awaitFinished`; the coordinator's `allFinished`): the owners are final then. A level that
   * overflowed the table is not resolved.
   */
  resolve(report: LevelReport, level: LevelSpec): LevelReport {
    const control = new Int32Array(level.control);
    try {
      if (Atomics.load(control, HALT) === HALT_FULL) return report;
      const table = this.table!;
      const states = report.chunks.map((c, i) => resolveChunk(report.claims[i]!, report.states[i]!, table, level.firstId + c * level.chunkSize, level.graph));
      return { ...report, states };
    } finally {
      Atomics.add(control, RESOLVED, 1);
      Atomics.notify(control, RESOLVED);
    }
  }

  /**
   * On the worker thread that grows the table after the level (LevelSpec.growAfter), once every
   * thread has resolved its chunks: the table grown in place for what the next round may hold, as
   * the coordinator would grow it before that round; its capacity. A table without the room, or a
   * level that overflowed it, is left to the coordinator.
   */
  growAfter(level: LevelSpec): number {
    const control = new Int32Array(level.control);
    waitFor(control, RESOLVED, level.threads);
    const table = this.table!;
    if (Atomics.load(control, HALT) === HALT_FULL) return table.capacity;
    const inserted = Atomics.load(control, INSERTED);
    const { stored, rest, queued, maxCount } = level.next;
    const to = capacityAhead(stored + inserted, Math.min(rest > 0 ? rest : queued + inserted, maxCount), Math.max(1, inserted / level.count), table.capacity);
    if (to <= table.capacity || to > table.room) return table.capacity;
    this.table = table.grow(to);
    return to;
  }

  private expandLevel(level: LevelSpec, between?: () => void): LevelReport {
    if (this.table?.buffer !== level.table || this.table.capacity !== level.tableCapacity) this.table = new SharedTable(level.table, level.tableCapacity, level.contested);
    const control = new Int32Array(level.control);
    const starts = new Float64Array(level.chunkStarts);
    const frontier = new Uint8Array(level.frontier);
    const nChunks = starts.length - 1;
    const chunks: number[] = [];
    const claims: Uint32Array[] = [];
    const stateBuffers: Uint8Array[] = [];
    const edgeBuffers: Uint8Array[] = [];
    if (this.claims.graph !== level.graph) this.claims = new ChunkClaims(level.graph);
    const fired: Float64Array[] = [];
    this.level = level;
    this.control = control;
    this.events = [];
    this.stepViolated = level.stepViolated;
    this.violated = level.violated;
    this.reached = level.reached;
    const limitLoad = level.maxLoad * this.table.capacity;
    for (;;) {
      if (Atomics.load(control, HALT) !== 0) break;
      const c = Atomics.add(control, NEXT, 1);
      if (c >= nChunks || c >= Atomics.load(control, LIMIT)) break;
      if (Date.now() > level.deadline) {
        Atomics.store(control, HALT, HALT_SECONDS);
        break;
      }
      this.states.len = 0;
      this.edges.len = 0;
      const first = c * level.chunkSize;
      const n = Math.min(level.chunkSize, level.count - first);
      this.fired = new Float64Array(this.compiled.actions.length);
      this.claims.begin(n);
      this.inserted = 0;
      this.chunk = c;
      try {
        this.expandChunk(new ByteReader(frontier, starts[c] as number), first, n);
      } catch (e) {
        if (e instanceof TableFull) {
          Atomics.store(control, HALT, HALT_FULL);
          break;
        }
        throw e;
      }
      chunks.push(c);
      claims.push(this.claims.take(n));
      stateBuffers.push(this.states.take());
      if (level.graph) edgeBuffers.push(this.edges.take());
      fired.push(this.fired);
      Atomics.add(control, EXPANDED, n);
      const total = Atomics.add(control, INSERTED, this.inserted) + this.inserted;
      if (total >= level.maxNew) lowerLimit(control, c + 1);
      if (level.firstId + level.count + total > limitLoad) Atomics.store(control, HALT, HALT_FULL);
      between?.();
    }
    return { chunks, claims, states: stateBuffers, edges: edgeBuffers, events: this.events, fired };
  }

  private expandChunk(reader: ByteReader, first: number, n: number): void {
    const { compiled, settings, current, expansion, level } = this;
    const decoder = new IntReader(current.buf, 0);
    // At the bound only the first unseen successor matters (bfs.ts); past this chunk's first, no other.
    this.building = true;
    for (let k = 0; k < n; k++) {
      const parent = level.firstId + first + k;
      this.parent = parent;
      this.at = k;
      reader.ints(current);
      decoder.src = current.buf;
      decoder.end = current.len;
      decoder.pos = 0;
      const s = expansion.succ.parent(decoder);
      let anyEnabled: boolean;
      try {
        anyEnabled = expansion.expand(s, this);
      } catch (e) {
        if (e instanceof TableFull) throw e;
        this.modelError(e);
        continue;
      }
      this.claims.generatedBy(k, expansion.ord);
      if (level.graph) this.endEdges(s, anyEnabled);
      if (!anyEnabled && settings.checkDeadlock && !level.deadlockFound && !(compiled.isFinal?.(s) ?? false)) {
        const detail = compiled.model.explainDeadlock?.(s);
        this.events.push({ kind: 'deadlock', parent, ord: AFTER_ALL, index: 0, move: -1, slot: -1, ...(detail === undefined ? {} : { detail }) });
        this.stop('deadlock', true);
      }
    }
  }

  /** A model error met expanding the state: reported where the one-thread search meets it. */
  private modelError(e: unknown): void {
    const { expansion, level } = this;
    const inSuccessor = expansion.phase === IN_SUCCESSOR;
    const after = expansion.phase === AFTER_SUCCESSORS;
    this.events.push({
      kind: 'error',
      parent: this.parent,
      // Before the successor `ord` (phase -1), on it (phase 1, with the move for the trace), or
      // after them all (the independence check, before the deadlock check).
      ord: after ? AFTER_ALL : inSuccessor ? expansion.ord - 1 : expansion.ord,
      index: inSuccessor ? 1 : -1,
      move: expansion.move,
      slot: -1,
      error: { message: errorMessage(e), model: e instanceof ModelError, trace: e instanceof ModelError && expansion.move >= 0 && /does not fit its codec/.test(e.message) },
    });
    // Past the depth bound the one-thread search may never have met it (bfs.ts): let the level end.
    if (!level.atBound) lowerLimit(this.control, this.chunk + 1);
    this.claims.generatedBy(this.at, expansion.ord);
    if (level.graph) this.edges.uint(EDGE_END);
  }

  /** Ends the state's edges: after its successors' (written as they come), the steps the reduction left out. */
  private endEdges(s: S, anyEnabled: boolean): void {
    const { expansion, settings, compiled, edges } = this;
    if (anyEnabled) {
      for (const move of skippedMoves(compiled, s, settings.passes, expansion.pass, expansion.actionBits)) {
        edges.uint(EDGE_OUTSIDE);
        edges.uint(move);
      }
    }
    edges.uint(EDGE_END);
  }

  // At the bound an action property past the first unseen successor is not the one-thread
  // search's to check, so only a deadlock may end the level there.
  private stop(name: string, atBoundToo = false): void {
    if (this.settings.stopping.has(name) && (atBoundToo || !this.level.atBound)) lowerLimit(this.control, this.chunk + 1);
  }

  actionFails(index: number, move: number): void {
    this.events.push({ kind: 'action', parent: this.parent, ord: this.expansion.ord, index, move, slot: -1 });
    this.stop(this.compiled.actionProperties[index]!.name);
  }

  invariantFails(index: number, at: At): void {
    this.events.push({ kind: 'invariant', parent: this.parent, ord: at.ord, index, move: at.move, slot: at.slot });
    this.stop(this.compiled.invariants[index]!.name);
  }

  witnessReached(index: number, at: At): void {
    this.events.push({ kind: 'witness', parent: this.parent, ord: at.ord, index, move: at.move, slot: at.slot });
  }

  successor(next: S, draft: S, action: Action<S>, move: number): void {
    const { compiled, writer, expansion, level } = this;
    const table = this.table!;
    const { constraint } = compiled;
    const ord = expansion.ord - 1;
    if (level.atBound) {
      if (constraint && !constraint(next)) return;
      fingerprintSuccessor(compiled, writer, next, action.stepKey, expansion.succ, draft, this.settings.checkSymmetry, expansion.cache);
      if (!table.has(lastFingerprint.hi, lastFingerprint.lo)) {
        this.building = false;
        this.events.push({ kind: 'unseen', parent: this.parent, ord, index: 0, move, slot: -1 });
      }
      return;
    }
    this.fired[action.index]!++;
    if (constraint && !constraint(next)) {
      judgeState(compiled, next, action.stepKey, this.settings.checkSymmetry, this, { ord, move, slot: -1 }, expansion.succ.touched(draft));
      if (level.graph) {
        this.edges.uint(EDGE_OUTSIDE);
        this.edges.uint(move);
      }
      return;
    }
    const how = fingerprintSuccessor(compiled, writer, next, action.stepKey, expansion.succ, draft, this.settings.checkSymmetry, expansion.cache);
    const owner = this.parent + 2;
    const { hi, lo } = lastFingerprint;
    const known = this.recent.find(table, hi, lo, owner);
    if (known >= 0) {
      if (level.graph) {
        this.edges.uint(known + EDGE_SLOT);
        this.edges.uint(move);
      }
      return;
    }
    let added: boolean;
    try {
      added = table.insert(hi, lo, owner);
    } catch {
      throw new TableFull();
    }
    const slot = table.slot;
    this.recent.remember(hi, lo, owner, slot);
    if (level.graph) {
      this.edges.uint(slot + EDGE_SLOT);
      this.edges.uint(move);
    }
    if (added) {
      this.inserted++;
      judgeState(compiled, next, action.stepKey, this.settings.checkSymmetry, this, { ord, move, slot }, expansion.succ.touched(draft));
    } else if (!table.lower(slot, owner)) {
      return;
    }
    if (how !== ENCODED) encodeSuccessor(compiled, writer, next, action.stepKey, expansion.succ, draft, how);
    const at = this.states.len;
    this.states.ints(writer.buf, writer.len);
    this.claims.add(this.at, ord, move, slot, this.states.len - at, level.graph ? markBits(compiled.liveness, next) : 0);
  }
}

class TableFull extends Error {}

/** Lowers the control's LIMIT to `to` if it is higher (Atomics has no min). */
export function lowerLimit(control: Int32Array, to: number): void {
  let cur = Atomics.load(control, LIMIT);
  while (to < cur) {
    const was = Atomics.compareExchange(control, LIMIT, cur, to);
    if (was === cur) return;
    cur = was;
  }
}

/** Blocks a worker thread until every thread has finished the level (`Expander.run`). */
export function awaitFinished(level: LevelSpec): void {
  waitFor(new Int32Array(level.control), FINISHED, level.threads);
}

/**
 * Blocks a worker thread until the control word reaches `count`. It waits a tenth of a second at a
 * time, so that a thread ended meanwhile (the pool closed) is not held.
 */
function waitFor(control: Int32Array, word: number, count: number): void {
  for (let done = Atomics.load(control, word); done < count; done = Atomics.load(control, word)) Atomics.wait(control, word, done, 100);
}
