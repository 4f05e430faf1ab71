// The level barrier's second pass: what the threads judged, replayed in the one-thread search's order
// (parent id, successor ordinal, then action property before invariant before the max-states check),
// with its rules: a property is recorded once, at its first violation; a violation that stops the
// search ends it after the successor it was found on. The replay decides how many of the level's
// new states the search keeps and how many successors it counts as generated.
import type { FoundRecord } from '../checkpoint.ts';
import type { Compiled } from '../compile.ts';
import { ModelError } from '../errors.ts';
import type { IncompleteReason } from '../result.ts';
import type { U32Vec } from '../store.ts';
import { extendTrace, rebuildTrace } from '../trace/rebuild.ts';
import { AFTER_ALL, type LevelEvent, type LevelReport } from './level.ts';
import type { Winners } from './resolve.ts';

/** What the search has judged so far; the replay updates it. */
export interface Judged {
  readonly violated: boolean[];
  readonly stepViolated: boolean[];
  readonly reached: boolean[];
  deadlockFound: boolean;
  readonly found: FoundRecord[];
  stop: boolean;
  incomplete: IncompleteReason | undefined;
}

interface Keyed {
  readonly parent: number;
  readonly ord: number;
  readonly phase: number;
  readonly event: LevelEvent | null;
  /** The id of the new state an invariant or witness event is about, or -1. */
  readonly id: number;
}

export interface LevelContext {
  /** At the depth bound, an earlier round of the level met an unseen successor: no successor here counts. */
  readonly unseenEarlier: boolean;
  readonly firstId: number;
  readonly chunkSize: number;
  /** The id the level's first new state gets. */
  readonly nextId: number;
  readonly maxStates: number;
  readonly stopsTheSearch: (name: string) => boolean;
  readonly parents: U32Vec;
  readonly moves: U32Vec;
  readonly actionBits: number;
}

/** Before every successor of the round (an unseen successor of an earlier round). */
const BEFORE_ALL = { parent: -1, ord: 0 };

const before = (a: { parent: number; ord: number }, b: { parent: number; ord: number }): boolean => a.parent < b.parent || (a.parent === b.parent && a.ord < b.ord);

export function replayEvents<S>(
  compiled: Compiled<S, unknown>,
  judged: Judged,
  reports: readonly LevelReport[],
  winners: Winners,
  level: LevelContext,
): { committed: number; generated: number; cut: { parent: number; ord: number } | null } {
  const doneParents = level.firstId + Math.min(winners.chunksDone * level.chunkSize, winners.generated.length);
  const keyed: Keyed[] = [];
  let unseen: { parent: number; ord: number } | null = level.unseenEarlier ? BEFORE_ALL : null;
  for (const r of reports) {
    for (const e of r.events) {
      if (e.parent >= doneParents) continue;
      if (e.kind === 'unseen') {
        if (unseen === null || before(e, unseen)) unseen = { parent: e.parent, ord: e.ord };
      } else if ((e.kind === 'invariant' || e.kind === 'witness') && e.slot >= 0) {
        const w = winners.ofSlot.get(e.slot);
        if (w !== undefined) keyed.push({ parent: winners.parent[w]!, ord: winners.ord[w]!, phase: 1, event: e, id: level.nextId + w });
      } else {
        keyed.push({ parent: e.parent, ord: e.ord, phase: e.kind === 'action' ? 0 : e.kind === 'error' ? e.index : 1, event: e, id: -1 });
      }
    }
  }
  const room = level.maxStates - level.nextId;
  if (winners.count >= room) keyed.push({ parent: winners.parent[room - 1]!, ord: winners.ord[room - 1]!, phase: 2, event: null, id: -1 });
  keyed.sort((a, b) => a.parent - b.parent || a.ord - b.ord || a.phase - b.phase);

  let cut: { parent: number; ord: number } | null = null;
  const stopAt = (k: Keyed): void => {
    judged.stop = true;
    cut ??= { parent: k.parent, ord: k.ord };
  };
  for (const k of keyed) {
    if (cut !== null && before(cut, k)) break;
    const e = k.event;
    if (e === null) {
      if (!judged.stop) {
        judged.incomplete = 'max-states';
        stopAt(k);
      }
      continue;
    }
    // Past the first unseen successor at the depth bound the one-thread search looks at no more successors.
    if (unseen !== null && (e.kind === 'action' || e.kind === 'error') && before(unseen, k)) continue;
    switch (e.kind) {
      case 'error':
        throw modelError(compiled, e, level);
      case 'action': {
        if (judged.stepViolated[e.index]) break;
        const p = compiled.actionProperties[e.index]!;
        judged.stepViolated[e.index] = true;
        judged.found.push({ property: p.name, kind: 'action', description: p.description, id: e.parent, move: e.move });
        if (level.stopsTheSearch(p.name)) stopAt(k);
        break;
      }
      case 'invariant': {
        if (judged.violated[e.index]) break;
        const inv = compiled.invariants[e.index]!;
        judged.violated[e.index] = true;
        const at = k.id >= 0 ? { id: k.id } : { id: e.parent, move: e.move };
        judged.found.push({ property: inv.name, kind: 'invariant', description: inv.description, ...at });
        if (level.stopsTheSearch(inv.name)) stopAt(k);
        break;
      }
      case 'witness':
        judged.reached[e.index] = true;
        break;
      case 'deadlock':
        if (judged.deadlockFound) break;
        judged.deadlockFound = true;
        judged.found.push({
          property: 'deadlock',
          kind: 'deadlock',
          description: 'a state with no enabled step that the model does not accept as final',
          id: e.parent,
          ...(e.detail === undefined ? {} : { detail: e.detail }),
        });
        if (level.stopsTheSearch('deadlock')) stopAt(k);
        break;
    }
  }
  if (unseen !== null && (cut === null || before(unseen, cut))) judged.incomplete ??= 'max-depth';

  // Successors counted: up to the cut, or the first unseen one at the bound, whichever is first.
  const countTo: { parent: number; ord: number } | null = unseen !== null && (cut === null || before(unseen, cut)) ? unseen : cut;
  let generated = 0;
  const lastParent = countTo === null ? doneParents : countTo.parent;
  for (let p = level.firstId; p < lastParent; p++) generated += winners.generated[p - level.firstId]!;
  if (countTo !== null && countTo !== BEFORE_ALL) generated += countTo.ord === AFTER_ALL ? winners.generated[countTo.parent - level.firstId]! : countTo.ord + 1;

  let committed = winners.count;
  if (cut !== null) {
    const c: { parent: number; ord: number } = cut;
    while (committed > 0 && before(c, { parent: winners.parent[committed - 1]!, ord: winners.ord[committed - 1]! })) committed--;
  }
  return { committed, generated, cut };
}

function modelError<S>(compiled: Compiled<S, unknown>, e: LevelEvent, level: LevelContext): Error {
  const info = e.error!;
  if (!info.model) return new Error(info.message);
  const err = new ModelError(info.message);
  if (info.trace) err.trace = extendTrace(compiled, rebuildTrace(compiled, level.parents, level.moves, level.actionBits, e.parent), e.move, level.actionBits);
  return err;
}
