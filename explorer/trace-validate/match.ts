// Does an event a step emits say what a log line says, under some extension of the renaming? Each
// answer is a renaming: none when the line differs, one when every identity is already paired or
// pairs in one way, several when a span lets the model's id stand for more than one member (a page
// the log names elsewhere, or one it never names).
import { ModelError } from '../errors.ts';
import { memberNumber, spanMember, type EmittedEvent, type EmittedField, type LoggedEvent, type LoggedField } from './events.ts';
import type { OwnerPair, Renaming } from './renaming.ts';

/** The names each owned (or plain) sort has in the whole log: spans choose among them, or outside them. */
export class LogNames {
  private readonly names = new Map<string, Set<string>>();

  constructor(log: readonly LoggedEvent[]) {
    for (const e of log) {
      for (const f of Object.values(e.fields)) {
        if (f.kind !== 'name') continue;
        const key = LogNames.key(f.sort, f.owner?.sort, f.owner?.name);
        let set = this.names.get(key);
        if (!set) this.names.set(key, (set = new Set()));
        set.add(f.name);
      }
    }
  }

  private static key(sort: string, ownerSort: string | undefined, ownerName: string | undefined): string {
    return ownerSort === undefined ? sort : `${sort}\u0001${ownerSort}\u0001${ownerName}`;
  }

  of(sort: string, owner: { sort: string; name: string } | undefined): ReadonlySet<string> {
    return this.names.get(LogNames.key(sort, owner?.sort, owner?.name)) ?? EMPTY;
  }
}

const EMPTY: ReadonlySet<string> = new Set();

function fieldNames(fields: Readonly<Record<string, unknown>>): string {
  return Object.keys(fields).sort().join(', ');
}

/** The renamings under which `emitted` prints as `logged`; empty when none does. */
export function matchEvent(emitted: EmittedEvent, logged: LoggedEvent, r: Renaming, names: LogNames): Renaming[] {
  if (emitted.event !== logged.event) return [];
  if (fieldNames(emitted.fields) !== fieldNames(logged.fields)) {
    throw new ModelError(
      `tracepoint ${emitted.event}: the model emits the fields (${fieldNames(emitted.fields)}), the log format has (${fieldNames(logged.fields)})`,
    );
  }
  let options = [r];
  for (const key of Object.keys(emitted.fields)) {
    const e = emitted.fields[key]!;
    const l = logged.fields[key]!;
    options = options.flatMap((o) => matchField(e, l, o, names));
    if (options.length === 0) return [];
  }
  return options.map((o) => releaseAll(emitted, logged, o));
}

function matchField(e: EmittedField, l: LoggedField, r: Renaming, names: LogNames): Renaming[] {
  if (e.kind === 'value') return l.kind === 'value' && l.value === e.value ? [r] : [];
  if (l.kind === 'value' || l.sort !== e.sort) return [];
  if ((e.owner === undefined) !== (l.owner === undefined)) return [];
  let owner: OwnerPair | null = null;
  let withOwner = r;
  if (e.owner && l.owner) {
    if (e.owner.sort !== l.owner.sort) return [];
    const paired = r.pair(e.owner.sort, null, l.owner.name, e.owner.id);
    if (paired === null) return [];
    owner = { sort: e.owner.sort, name: l.owner.name, id: e.owner.id };
    withOwner = paired;
  }
  if (l.kind === 'name') {
    const paired = withOwner.pair(e.sort, owner, l.name, e.id);
    return paired === null ? [] : [paired];
  }
  const bound = withOwner.nameOf(e.sort, owner, e.id);
  const inSpan = (name: string): boolean => {
    const n = memberNumber(name);
    return n !== null && n >= l.lo && n < l.hi;
  };
  if (bound !== undefined) return inSpan(bound) ? [withOwner] : [];
  const free = (name: string): boolean => withOwner.idOf(e.sort, owner, name) === undefined;
  const named = names.of(l.sort, l.owner);
  const candidates = [...named].filter((name) => inSpan(name) && free(name)).sort();
  // Members the log never names are interchangeable: one of them stands for all.
  let n = l.lo;
  while (n < l.hi && (named.has(spanMember(n)) || !free(spanMember(n)))) n++;
  if (n < l.hi) candidates.push(spanMember(n));
  return candidates.map((name) => withOwner.pair(e.sort, owner, name, e.id)!);
}

/** After the whole line matched: the pairs the step frees are forgotten (with what they own). */
function releaseAll(emitted: EmittedEvent, logged: LoggedEvent, r: Renaming): Renaming {
  let out = r;
  for (const [key, e] of Object.entries(emitted.fields)) {
    if (e.kind !== 'id' || !e.release) continue;
    const l = logged.fields[key]!;
    if (l.kind === 'value') continue;
    const owner: OwnerPair | null = e.owner && l.owner ? { sort: e.owner.sort, name: l.owner.name, id: e.owner.id } : null;
    const name = l.kind === 'name' ? l.name : out.nameOf(e.sort, owner, e.id);
    if (name !== undefined) out = out.release(e.sort, owner, name, e.id);
  }
  return out;
}
