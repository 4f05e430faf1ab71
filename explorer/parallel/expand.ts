// One thread's share of a level: it takes chunks of the level's states, expands each state as the
// one-thread search does (bfs.ts), inserts the successors' fingerprints in the shared table, and
// writes, per chunk, the successors it claimed (inserted, or took over from a parent of higher id)
// with their ordinal, slot, move and encoding. It judges the states it inserted; the coordinator
// decides, in the one-thread order, which of the judgements count (coordinator.ts).
import { IntReader, IntWriter, type Codec } from '../codec.ts';
import { successors, type Successors } from '../copy-on-touch.ts';
import { actionsAt, choicesAtLabel, isEnabled, type Action, type Compiled } from '../compile.ts';
import { errorMessage, ModelError, stepError } from '../errors.ts';
import { fingerprint, lastFingerprint } from '../fingerprint.ts';
import { locateMisfit } from '../codec-locate.ts';
import { checkCanonicalize } from '../symmetry-check.ts';
import { checkCanonicalEncoding } from '../canonical-check.ts';
import { ByteReader, ByteWriter } from './bytes.ts';
import { AFTER_ALL, EXPANDED, HALT, HALT_FULL, HALT_SECONDS, INSERTED, LIMIT, NEXT, type LevelEvent, type LevelReport, type LevelSpec } from './level.ts';
import { SharedTable } from './table.ts';

export interface ExpandSettings {
  readonly checkDeadlock: boolean;
  readonly checkSymmetry: boolean;
  /** Properties whose violation ends the search (neither known findings nor --continue). */
  readonly stopping: ReadonlySet<string>;
}

export class Expander<S> {
  private readonly succ: Successors<S>;
  private readonly writer = new IntWriter(256);
  private readonly current = { buf: new Int32Array(256), len: 0 };
  private readonly actionBits: number;
  private table: SharedTable | null = null;
  /** Claims written in the chunk being expanded. */
  private claims = 0;
  /** Each chunk's claims and states are written here, then copied out at their size. */
  private readonly out = new ByteWriter(1 << 16);
  private readonly states = new ByteWriter(1 << 16);

  constructor(
    private readonly compiled: Compiled<S, unknown>,
    private readonly settings: ExpandSettings,
  ) {
    this.succ = successors(compiled.codec, compiled.canonicalize !== undefined);
    this.actionBits = Math.max(1, Math.ceil(Math.log2(compiled.actions.length + 1)));
  }

  /** Takes and expands chunks until none is left or the level is halted. */
  run(level: LevelSpec, between?: () => void): LevelReport {
    if (this.table?.buffer !== level.table) this.table = new SharedTable(level.table);
    const control = new Int32Array(level.control);
    const starts = new Float64Array(level.chunkStarts);
    const frontier = new Uint8Array(level.frontier);
    const nChunks = starts.length - 1;
    const chunks: number[] = [];
    const results: Uint8Array[] = [];
    const stateBuffers: Uint8Array[] = [];
    let claims = 0;
    const events: LevelEvent[] = [];
    const fired: Float64Array[] = [];
    const lowered: number[] = [];
    const limitLoad = level.maxLoad * this.table.capacity;
    for (;;) {
      if (Atomics.load(control, HALT) !== 0) break;
      const c = Atomics.add(control, NEXT, 1);
      if (c >= nChunks || c >= Atomics.load(control, LIMIT)) break;
      if (Date.now() > level.deadline) {
        Atomics.store(control, HALT, HALT_SECONDS);
        break;
      }
      const out = this.out;
      const states = this.states;
      out.len = 0;
      states.len = 0;
      const first = c * level.chunkSize;
      const n = Math.min(level.chunkSize, level.count - first);
      let inserted: number;
      const chunkFired = new Float64Array(this.compiled.actions.length);
      this.claims = 0;
      try {
        inserted = this.expandChunk(level, frontier, starts[c] as number, first, n, out, states, events, chunkFired, lowered, c, control);
      } catch (e) {
        if (e instanceof TableFull) {
          Atomics.store(control, HALT, HALT_FULL);
          break;
        }
        throw e;
      }
      chunks.push(c);
      results.push(out.take());
      stateBuffers.push(states.take());
      claims += this.claims;
      fired.push(chunkFired);
      Atomics.add(control, EXPANDED, n);
      const total = Atomics.add(control, INSERTED, inserted) + inserted;
      if (total >= level.maxNew) lowerLimit(control, c + 1);
      if (level.firstId + level.count + total > limitLoad) Atomics.store(control, HALT, HALT_FULL);
      between?.();
    }
    return { chunks, results, states: stateBuffers, claims, events, fired, lowered };
  }

  private expandChunk(
    level: LevelSpec,
    frontier: Uint8Array,
    start: number,
    first: number,
    n: number,
    out: ByteWriter,
    states: ByteWriter,
    events: LevelEvent[],
    fired: Float64Array,
    lowered: number[],
    chunk: number,
    control: Int32Array,
  ): number {
    const { compiled, settings, writer, current, actionBits, succ } = this;
    const table = this.table!;
    const { codec, instances, invariants, witnesses, model, constraint, canonicalize } = compiled;
    const actionProperties = compiled.actionProperties;
    const stopping = settings.stopping;
    const reader = new ByteReader(frontier, start);
    const decoder = new IntReader(current.buf, 0);
    let inserted = 0;
    const atBound = level.atBound;
    // At the bound only the first unseen successor matters (bfs.ts); past this thread's first, no other.
    let unseen = false;

    // At the bound an action property past the first unseen successor is not the one-thread
    // search's to check, so only a deadlock may end the level there.
    const stop = (name: string, atBoundToo = false): void => {
      if (stopping.has(name) && (atBoundToo || !atBound)) lowerLimit(control, chunk + 1);
    };
    const judge = (s: S, parent: number, ord: number, move: number, slot: number, where: string): void => {
      if (settings.checkSymmetry) {
        checkCanonicalize(compiled, s, `the state after ${where}`);
        checkCanonicalEncoding(model.name, codec, s, `the state after ${where}`);
      }
      for (let i = 0; i < invariants.length; i++) {
        if (level.violated[i]) continue;
        const inv = invariants[i]!;
        let holds: boolean;
        try {
          holds = inv.holds(s);
        } catch (e) {
          throw new ModelError(`model ${model.name}: invariant ${inv.name} threw on the state after ${where}: ${errorMessage(e)}`);
        }
        if (!holds) {
          events.push({ kind: 'invariant', parent, ord, index: i, move, slot });
          stop(inv.name);
        }
      }
      for (let i = 0; i < witnesses.length; i++) {
        if (!level.reached[i] && witnesses[i]!.reached(s)) events.push({ kind: 'witness', parent, ord, index: i, move, slot });
      }
    };
    const encode = (draft: S, s: S, where: string): void => {
      writer.reset();
      try {
        succ.encode(draft, s, writer);
      } catch (e) {
        throw new ModelError(`model ${model.name}: the state after ${where} does not fit its codec: ${locateMisfit(codec as Codec<unknown>, s) ?? errorMessage(e)}`);
      }
    };

    for (let k = 0; k < n; k++) {
      const parent = level.firstId + first + k;
      const owner = parent + 2;
      reader.ints(current);
      decoder.src = current.buf;
      decoder.end = current.len;
      decoder.pos = 0;
      const s = succ.parent(decoder);
      let anyEnabled = false;
      let ord = 0;
      // Where a model error is, in the one-thread order: before the successor `ord` (phase -1) or
      // on it (phase 1, with the move for the trace).
      let move = -1;
      let phase = -1;
      try {
        for (let g = 0; g < instances.length; g++) {
          const instance = instances[g]!;
          let candidates: readonly Action<S>[];
          try {
            candidates = actionsAt(instance, s);
          } catch (e) {
            throw new ModelError(`model ${model.name}: process ${instance.process.name}[${instance.self}] threw computing its pc: ${errorMessage(e)}`);
          }
          for (let ci = 0; ci < candidates.length; ci++) {
            const action = candidates[ci]!;
            const a = action.index;
            let choices: readonly unknown[];
            try {
              choices = choicesAtLabel(action, s);
            } catch (e) {
              throw stepError(model.name, action.stepKey, 'choices', e);
            }
            for (let c = 0; c < choices.length; c++) {
              const choice = choices[c];
              let enabled: boolean;
              try {
                enabled = isEnabled(action, s, choice);
              } catch (e) {
                throw stepError(model.name, action.stepKey, 'guard', e);
              }
              if (!enabled) continue;
              anyEnabled = true;
              if (atBound && unseen) continue;
              const draft = succ.draft();
              move = -1;
              phase = -1;
              try {
                action.step.apply(draft as never, action.self, choice);
              } catch (e) {
                throw stepError(model.name, action.stepKey, 'recipe', e);
              }
              const next = succ.done(draft);
              move = (c * (1 << actionBits) + a) >>> 0;
              if (actionProperties.length > 0) {
                const taken = { process: action.process.name, self: action.self, step: action.step.name, choice };
                for (let i = 0; i < actionProperties.length; i++) {
                  if (level.stepViolated[i]) continue;
                  const p = actionProperties[i]!;
                  let holds: boolean;
                  try {
                    holds = p.holds(s, next, taken);
                  } catch (e) {
                    throw new ModelError(`model ${model.name}: action property ${p.name} threw on step ${action.stepKey}: ${errorMessage(e)}`);
                  }
                  if (!holds) {
                    events.push({ kind: 'action', parent, ord, index: i, move, slot: -1 });
                    stop(p.name);
                  }
                }
              }
              phase = 1;
              const thisOrd = ord++;
              if (atBound) {
                if (constraint && !constraint(next)) continue;
                encode(draft, canonicalize ? canonicalize(next) : next, action.stepKey);
                fingerprint(writer.buf, writer.len);
                if (!table.has(lastFingerprint.hi, lastFingerprint.lo)) {
                  unseen = true;
                  events.push({ kind: 'unseen', parent, ord: thisOrd, index: 0, move, slot: -1 });
                }
                continue;
              }
              fired[a]!++;
              if (constraint && !constraint(next)) {
                judge(next, parent, thisOrd, move, -1, action.stepKey);
                continue;
              }
              encode(draft, canonicalize ? canonicalize(next) : next, action.stepKey);
              fingerprint(writer.buf, writer.len);
              let added: boolean;
              try {
                added = table.insert(lastFingerprint.hi, lastFingerprint.lo, owner);
              } catch {
                throw new TableFull();
              }
              const slot = table.slot;
              if (added) {
                inserted++;
                judge(next, parent, thisOrd, move, slot, action.stepKey);
              } else if (table.lower(slot, owner)) {
                lowered.push(slot);
              } else {
                continue;
              }
              const at = states.len;
              states.ints(writer.buf, writer.len);
              out.uint(thisOrd + 1);
              out.uint(slot);
              out.uint(move);
              out.uint(states.len - at);
              this.claims++;
            }
          }
        }
      } catch (e) {
        if (e instanceof TableFull) throw e;
        events.push({
          kind: 'error',
          parent,
          ord: phase === 1 ? ord - 1 : ord,
          index: phase,
          move,
          slot: -1,
          error: { message: errorMessage(e), model: e instanceof ModelError, trace: e instanceof ModelError && move >= 0 && /does not fit its codec/.test(e.message) },
        });
        // Past the depth bound the one-thread search may never have met it (bfs.ts): let the level end.
        if (!atBound) lowerLimit(control, chunk + 1);
        out.uint(0);
        out.uint(ord);
        continue;
      }
      out.uint(0);
      out.uint(ord);
      if (!anyEnabled && settings.checkDeadlock && !level.deadlockFound && !(compiled.isFinal?.(s) ?? false)) {
        const detail = model.explainDeadlock?.(s);
        events.push({ kind: 'deadlock', parent, ord: AFTER_ALL, index: 0, move: -1, slot: -1, ...(detail === undefined ? {} : { detail }) });
        stop('deadlock', true);
      }
    }
    return inserted;
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
