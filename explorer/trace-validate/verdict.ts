// What validate-trace answers, as values (only the CLI prints them): the run that prints the log,
// or the line no behaviour explains with the states before it; and how a run is rebuilt and an
// emitted event is shown in the log's names.
import { cloner } from '../codec.ts';
import { choicesOf, showChoice, type Compiled } from '../compile.ts';
import type { U32Vec } from '../store.ts';
import type { EmittedEvent, LoggedEvent } from './events.ts';
import type { Binding, Renaming } from './renaming.ts';

/** A log line as the search reads it: its number in the file, its text and its event. */
export interface TraceLine {
  readonly line: number;
  readonly text: string;
  readonly logged: LoggedEvent;
}

export interface MatchedStep {
  readonly process: string;
  readonly self: number;
  readonly step: string;
  readonly shown: string;
  /** The log line this step printed (its index in the log), or null for a step the log does not show. */
  readonly line: number | null;
}

export interface Counted {
  readonly text: string;
  readonly count: number;
}

export interface SearchStats {
  readonly nodes: number;
  readonly seconds: number;
}

export type TraceVerdict =
  | ({
      readonly kind: 'accepted';
      readonly steps: readonly MatchedStep[];
      /** Every pair of names the run made, in the order made (a freed one may be followed by another for the same name). */
      readonly names: readonly Binding[];
    } & SearchStats)
  | ({
      readonly kind: 'rejected';
      /** Index in the log of the first line no behaviour explains. */
      readonly at: number;
      /** Nodes (state and renaming) the search reached that explain every line before it. */
      readonly states: number;
      /** Those states, described by the model, most frequent first (from the first 20,000 of them). */
      readonly summaries: readonly Counted[];
      /** The events those states can emit next, in the log's names where they are paired. */
      readonly offered: readonly Counted[];
    } & SearchStats)
  | ({ readonly kind: 'incomplete'; readonly reason: 'max-nodes' | 'max-seconds'; readonly deepest: number } & SearchStats);

export function counted(texts: readonly string[]): Counted[] {
  const m = new Map<string, number>();
  for (const t of texts) m.set(t, (m.get(t) ?? 0) + 1);
  return [...m].map(([text, count]) => ({ text, count })).sort((a, b) => b.count - a.count || (a.text < b.text ? -1 : 1));
}

/** An emitted event in the log's words: a paired id by its name, an unpaired one as the model's id. */
export function render(event: EmittedEvent, r: Renaming): string {
  const fields = Object.entries(event.fields).map(([key, f]) => {
    if (f.kind === 'value') return `${key}=${f.value}`;
    const owner = f.owner ? r.nameOf(f.owner.sort, null, f.owner.id) : undefined;
    const name = f.owner ? (owner === undefined ? undefined : r.nameOf(f.sort, { sort: f.owner.sort, name: owner, id: f.owner.id }, f.id)) : r.nameOf(f.sort, null, f.id);
    return `${key}=${name ?? `(model ${f.sort} ${f.id})`}`;
  });
  return `${event.event}: ${fields.join(' ')}`;
}

/** The steps from an initial state to `node`, re-executed, each with the log line it printed. */
export function rebuild<S, C>(compiled: Compiled<S, C>, node: number, parents: U32Vec, moves: U32Vec, positions: U32Vec, actionBits: number): MatchedStep[] {
  const path: number[] = [];
  for (let at = node; parents.get(at) !== 0xffffffff; at = parents.get(at)) path.push(at);
  path.reverse();
  const root = path.length > 0 ? parents.get(path[0]!) : node;
  let s: S = compiled.initStates[moves.get(root)] as S;
  const clone = cloner(compiled.codec);
  return path.map((at) => {
    const packed = moves.get(at);
    const action = compiled.actions[packed % (1 << actionBits)]!;
    const choice = choicesOf(action, s)[Math.floor(packed / (1 << actionBits))];
    const next = clone(s);
    action.step.apply(next as never, action.self, choice);
    s = next;
    const before = positions.get(parents.get(at));
    return {
      process: action.process.name,
      self: action.self,
      step: action.step.name,
      shown: showChoice(action, choice),
      line: positions.get(at) > before ? before : null,
    };
  });
}
