// Is a log a behaviour of the model? A search over nodes (state, how many log lines are explained,
// renaming): a step whose tracepoint emits nothing keeps the node's position, a step that emits must
// print the next line under some extension of the renaming, and moves the position on. The log is
// explained once a node has explained every line (a log is a prefix of a run: what came after it was
// not recorded). Nodes are kept once per fingerprint of (observable state, position, renaming), so the
// search ends; the deepest position first, breadth first within one, so that a log that is a
// behaviour is usually found without exhausting the earlier positions. When every node is expanded,
// the deepest position reached is the first line no behaviour explains.
import { cloner, IntReader, IntWriter } from '../codec.ts';
import { namedActionsAt, namedChoices, namedEnabled, type Compiled } from '../compile.ts';
import { ModelError, stepError } from '../errors.ts';
import { fingerprint, lastFingerprint } from '../fingerprint.ts';
import { FingerprintSet } from '../fpset.ts';
import { U32Vec, VarintQueue } from '../store.ts';
import type { EmittedEvent, ModelTrace, Tracepoint } from './events.ts';
import { LogNames, matchEvent } from './match.ts';
import { Renaming, type Binding } from './renaming.ts';
import { counted, rebuild, render, type TraceLine, type TraceVerdict } from './verdict.ts';

export type { TraceLine, TraceVerdict } from './verdict.ts';

export interface ValidateOptions {
  /** Stop, undecided, after this many nodes. */
  readonly maxNodes?: number;
  readonly maxSeconds?: number;
}

const SUMMARISED = 20_000;
const CHECKED = 100;
const CHECK_MASK = 0x3ff;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function validateTrace<S, C>(compiled: Compiled<S, C>, trace: ModelTrace<S, C, any>, log: readonly TraceLine[], options: ValidateOptions = {}): TraceVerdict {
  const started = performance.now();
  const { codec, actions, instances, config, model } = compiled;
  const emits: (Tracepoint<S> | null)[] = actions.map((a) => a.step.tracepoint ?? null);
  const observable = trace.observable;
  const invisible = new Set(trace.invisible?.(config) ?? []);
  for (const key of invisible) {
    if (!compiled.stepKeys.includes(key)) throw new ModelError(`model ${model.name}: its trace calls '${key}' invisible, but it has no such step`);
    if (actions.some((a) => a.stepKey === key && a.step.tracepoint)) throw new ModelError(`model ${model.name}: its trace calls '${key}' invisible, but that step has a tracepoint`);
  }
  // Each invisible action is taken (and checked to change nothing observable) its first CHECKED times.
  const unchecked: number[] = actions.map((a) => (invisible.has(a.stepKey) ? CHECKED : -1));
  const names = new LogNames(log.map((l) => l.logged));
  const maxNodes = options.maxNodes ?? Infinity;
  const deadline = started + (options.maxSeconds ?? Infinity) * 1000;

  const renamings: Renaming[] = [];
  const renamingIds = new Map<string, number>();
  const intern = (r: Renaming): number => {
    let id = renamingIds.get(r.key);
    if (id === undefined) {
      id = renamings.push(r) - 1;
      renamingIds.set(r.key, id);
    }
    return id;
  };

  const seen = new FingerprintSet(1 << 12);
  const parents = new U32Vec();
  const moves = new U32Vec();
  const positions = new U32Vec();
  const renamingOf = new U32Vec();
  const actionBits = Math.max(1, Math.ceil(Math.log2(actions.length + 1)));
  const queues = Array.from({ length: log.length + 1 }, () => new VarintQueue());
  const writer = new IntWriter(256);
  const clone = cloner(codec);
  let deepest = -1;
  let atDeepest = 0;
  let deepestStates: Int32Array[] = [];
  let offered = new Map<string, number>();
  let found = -1;

  /**
   * Stores a node unless one with its fingerprint is known, and queues it as its state, renaming and
   * id. The observable state is what is stored and expanded: what it forgets changes no line ahead.
   */
  const admit = (s: S, pos: number, ren: number, parent: number, move: number): void => {
    writer.reset();
    codec.encode(observable ? observable(s, config) : s, writer);
    writer.push(pos);
    writer.push(ren);
    fingerprint(writer.buf, writer.len);
    if (!seen.add(lastFingerprint.hi, lastFingerprint.lo)) return;
    const id = parents.length;
    parents.push(parent);
    moves.push(move);
    positions.push(pos);
    renamingOf.push(ren);
    writer.len -= 2;
    if (pos > deepest) {
      deepest = pos;
      atDeepest = 0;
      deepestStates = [];
      offered = new Map();
    }
    if (pos === deepest) {
      atDeepest++;
      if (deepestStates.length < SUMMARISED) deepestStates.push(writer.buf.slice(0, writer.len));
    }
    writer.push(ren);
    writer.push(id);
    queues[pos]!.push(writer.buf, writer.len);
    if (pos === log.length && found < 0) found = id;
  };

  compiled.initStates.forEach((s, i) => admit(s, 0, intern(Renaming.EMPTY), 0xffffffff, i));

  const current = { buf: new Int32Array(256), len: 0 };
  const reader = new IntReader(current.buf, 0);
  let expanded = 0;
  let stopped: 'max-nodes' | 'max-seconds' | null = null;
  let pos = log.length;
  while (found < 0) {
    while (pos >= 0 && queues[pos]!.count === 0) pos--;
    if (pos < 0) break;
    if ((++expanded & CHECK_MASK) === 0 && performance.now() > deadline) {
      stopped = 'max-seconds';
      break;
    }
    if (parents.length >= maxNodes) {
      stopped = 'max-nodes';
      break;
    }
    queues[pos]!.shift(current);
    const ren = current.buf[current.len - 2]!;
    const id = current.buf[current.len - 1]!;
    reader.src = current.buf;
    reader.pos = 0;
    reader.end = current.len - 2;
    const s = codec.decode(reader);
    const renaming = renamings[ren]!;
    const at = pos;
    for (const instance of instances) {
      for (const action of namedActionsAt(model.name, instance, s)) {
        if (unchecked[action.index] === 0) continue;
        const choices = namedChoices(model.name, action, s);
        for (let c = 0; c < choices.length; c++) {
          const choice = choices[c];
          if (!namedEnabled(model.name, action, s, choice)) continue;
          const next = clone(s);
          try {
            action.step.apply(next as never, action.self, choice);
          } catch (e) {
            throw stepError(model.name, action.stepKey, 'recipe', e);
          }
          if (unchecked[action.index]! > 0) {
            unchecked[action.index]!--;
            checkInvisible(s, next, action.stepKey);
            continue;
          }
          const move = (c * (1 << actionBits) + action.index) >>> 0;
          const emit = emits[action.index];
          let event: EmittedEvent | null = null;
          if (emit) {
            try {
              event = emit(s, next, action.self, choice);
            } catch (e) {
              throw new ModelError(`model ${model.name}: the tracepoint of step ${action.stepKey} threw: ${e instanceof Error ? e.message : String(e)}`);
            }
          }
          if (event === null) {
            admit(next, at, ren, id, move);
            continue;
          }
          if (at === log.length) continue;
          const matched = matchEvent(event, log[at]!.logged, renaming, names);
          for (const r of matched) admit(next, at + 1, intern(r), id, move);
          if (matched.length === 0 && at === deepest) {
            const text = render(event, renaming);
            offered.set(text, (offered.get(text) ?? 0) + 1);
          }
        }
      }
    }
    // A step moves a node one line on at most: a deeper node is expanded first.
    if (pos < log.length && queues[pos + 1]!.count > 0) pos++;
  }

  const stats = { nodes: parents.length, seconds: (performance.now() - started) / 1000 };
  if (found >= 0) {
    const path: number[] = [];
    for (let at = found; at !== 0xffffffff; at = parents.get(at)) path.push(at);
    const names = new Map<string, Binding>();
    for (const at of path.reverse()) {
      for (const b of renamings[renamingOf.get(at)]!.bindings) {
        const key = `${b.sort} ${b.owner?.name}/${b.owner?.id} ${b.name} ${b.id}`;
        if (!names.has(key)) names.set(key, b);
      }
    }
    return { kind: 'accepted', steps: rebuild(compiled, found, parents, moves, positions, actionBits), names: [...names.values()], ...stats };
  }
  if (stopped !== null) return { kind: 'incomplete', reason: stopped, deepest, ...stats };
  return {
    kind: 'rejected',
    at: deepest,
    states: atDeepest,
    summaries: counted(deepestStates.map((ints) => describeState(ints))),
    offered: [...offered].map(([text, count]) => ({ text, count })).sort((a, b) => b.count - a.count || (a.text < b.text ? -1 : 1)),
    ...stats,
  };

  function checkInvisible(before: S, after: S, stepKey: string): void {
    const encoded = (x: S): string => {
      writer.reset();
      codec.encode(observable ? observable(x, config) : x, writer);
      return writer.buf.subarray(0, writer.len).join(',');
    };
    if (encoded(before) !== encoded(after)) {
      throw new ModelError(`model ${model.name}: its trace calls step ${stepKey} invisible, but the step changed the observable state`);
    }
  }

  function describeState(ints: Int32Array): string {
    if (!trace.describe) return 'a state';
    const r = new IntReader(ints);
    return trace.describe(codec.decode(r), config);
  }
}
