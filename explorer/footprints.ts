// What each action of a compiled model was seen to read and write (explorer/footprint.ts), over a
// breadth-first search to a small depth and seeded random walks beyond it, and what partial-order
// reduction those footprints would allow: at each state of the search, the smallest strong stubborn
// set (Valmari) built from them. An enabled action brings in every action whose footprint conflicts
// with its own; a disabled one, the writers of what its pc, choices and guard read in that state (its
// necessary enabling set); and, for the invariants and witnesses, the writers of what they read in that
// state (an up-set: no path reaches a state where a property's value differs without one of them).
// The footprints are observations, not declarations: this measures how much a reduction could gain at
// most; it does not prove a reduction sound.
import { actionsAt, choicesAtLabel, type Action, type Compiled } from './compile.ts';
import { encodeToArray } from './codec.ts';
import { compileClone, type CloneFn } from './codec-gen.ts';
import { covers, Footprint, overlap, recording } from './footprint.ts';

export interface FootprintOptions {
  /** The breadth-first search's depth. */
  readonly maxDepth: number;
  /** It stops adding states past this many. */
  readonly maxStates: number;
  readonly walks: number;
  readonly maxLength: number;
  readonly seed: number;
}

/** Where a stubborn set smaller than the enabled actions exists, over the search's states. */
export interface ReductionCount {
  /** States with at least two enabled actions. */
  readonly branching: number;
  /** Those of them with a stubborn set that leaves an enabled action out. */
  readonly reducible: number;
}

export interface Footprints {
  readonly states: number;
  readonly depth: number;
  readonly walkSteps: number;
  /** Per action (compiled.actions' order): what it read and wrote where it was taken; undefined if never taken. */
  readonly actions: readonly (Footprint | undefined)[];
  /** What the invariants and witnesses read. */
  readonly properties: ReadonlySet<string>;
  /** Per action: the actions whose footprints conflict with its own (itself included). */
  readonly dependent: readonly (readonly number[])[];
  /** Per action: whether it writes something a property read. */
  readonly visible: readonly boolean[];
  /** The reduction over the search's states, with the properties' up-sets and without (deadlocks only). */
  readonly withProperties: ReductionCount;
  readonly deadlocksOnly: ReductionCount;
}

/** One state's actions, each with what deciding whether it is enabled read, and its enabled choices. */
interface Offer {
  readonly reads: ReadonlySet<string>;
  readonly choices: readonly unknown[];
}

class Observer<S> {
  readonly taken: (Footprint | undefined)[];
  readonly properties = new Footprint();
  walkSteps = 0;

  /** Each process instance's actions, in compiled.actions' order. */
  private readonly byInstance: readonly (readonly Action<S>[])[];
  /** The copy a search hands a step (the codec's), for it to mutate under recording. */
  private readonly clone: CloneFn<S>;

  constructor(private readonly compiled: Compiled<S, unknown>) {
    this.taken = compiled.actions.map(() => undefined);
    this.byInstance = compiled.instances.map((inst) => compiled.actions.filter((a) => a.process === inst.process && a.self === inst.self));
    this.clone = compileClone(compiled.codec);
  }

  offers(s: S): Offer[] {
    const offers: Offer[] = [];
    this.compiled.instances.forEach((inst, k) => {
      const pc = new Footprint();
      const here = new Set(actionsAt(inst, recording(s, pc, false)));
      for (const a of this.byInstance[k]!) {
        const fp = new Footprint();
        for (const r of pc.reads) fp.reads.add(r);
        const choices: unknown[] = [];
        if (here.has(a)) {
          const rs = recording(s, fp, false);
          for (const c of choicesAtLabel(a, rs)) if (!a.step.enabled || a.step.enabled(rs, a.self, c)) choices.push(c);
        }
        offers.push({ reads: fp.reads, choices });
      }
    });
    return offers;
  }

  take(s: S, action: Action<S>, offer: Offer, choice: unknown): S {
    const next = this.clone(s);
    const fp = (this.taken[action.index] ??= new Footprint());
    for (const r of offer.reads) fp.reads.add(r);
    action.step.apply(recording(next, fp, true) as never, action.self, choice);
    return next;
  }

  /** What the properties read in `s`, recorded into `into` as well. */
  judge(s: S, into = new Footprint()): ReadonlySet<string> {
    const rs = recording(s, into, false);
    for (const i of this.compiled.invariants) i.holds(rs);
    for (const w of this.compiled.witnesses) w.reached(rs);
    for (const r of into.reads) this.properties.reads.add(r);
    return into.reads;
  }
}

/** The search's states, level by level, with the footprints of every action taken. */
function observe<S>(compiled: Compiled<S, unknown>, obs: Observer<S>, o: FootprintOptions): { levels: S[][] } {
  const key = (s: S): string => encodeToArray(compiled.codec, s).join(',');
  const keep = (s: S): boolean => !compiled.constraint || compiled.constraint(s);
  let frontier = compiled.initStates.filter(keep);
  const seen = new Set(frontier.map(key));
  const levels = [frontier];
  for (let d = 0; d < o.maxDepth && frontier.length > 0 && seen.size < o.maxStates; d++) {
    const next: S[] = [];
    for (const s of frontier) {
      obs.judge(s);
      obs.offers(s).forEach((offer, i) => {
        for (const c of offer.choices) {
          const t = obs.take(s, compiled.actions[i]!, offer, c);
          const k = key(t);
          if (seen.size < o.maxStates && keep(t) && !seen.has(k)) {
            seen.add(k);
            next.push(t);
          }
        }
      });
    }
    if (next.length > 0) levels.push(next);
    frontier = next;
  }
  let rnd = o.seed >>> 0 || 1;
  const random = (n: number): number => {
    rnd ^= rnd << 13;
    rnd ^= rnd >>> 17;
    rnd ^= rnd << 5;
    return (rnd >>> 0) % n;
  };
  for (let w = 0; w < o.walks; w++) {
    let s: S = compiled.initStates[random(compiled.initStates.length)] as S;
    for (let i = 0; i < o.maxLength && keep(s); i++) {
      obs.judge(s);
      const moves = obs.offers(s).flatMap((offer, a) => offer.choices.map((c) => ({ a, offer, c })));
      if (moves.length === 0) break;
      const m = moves[random(moves.length)]!;
      s = obs.take(s, compiled.actions[m.a]!, m.offer, m.c);
      obs.walkSteps++;
    }
  }
  return { levels };
}

const EVERYTHING = ((): Footprint => {
  const fp = new Footprint();
  fp.reads.add('');
  fp.writes.add('');
  return fp;
})();

function conflict(a: Footprint, b: Footprint): boolean {
  for (const w of a.writes) {
    for (const x of b.writes) if (overlap(w, x)) return true;
    for (const r of b.reads) if (covers(w, r)) return true;
  }
  for (const w of b.writes) for (const r of a.reads) if (covers(w, r)) return true;
  return false;
}

/** The smallest number of enabled actions in a strong stubborn set at a state, over every enabled seed. */
function smallestStubborn(offers: readonly Offer[], dependent: readonly (readonly number[])[], writersOf: (r: string) => readonly number[], upSet: readonly number[]): number {
  const enabled = offers.flatMap((o, i) => (o.choices.length > 0 ? [i] : []));
  let best = enabled.length;
  for (const seed of enabled) {
    const inSet = new Set<number>();
    const work: number[] = [];
    const add = (x: number): void => {
      if (!inSet.has(x)) {
        inSet.add(x);
        work.push(x);
      }
    };
    add(seed);
    for (const x of upSet) add(x);
    while (work.length > 0) {
      const t = work.pop()!;
      if (offers[t]!.choices.length > 0) for (const x of dependent[t]!) add(x);
      else for (const r of offers[t]!.reads) for (const x of writersOf(r)) add(x);
    }
    best = Math.min(best, enabled.filter((x) => inSet.has(x)).length);
    if (best === 1) break;
  }
  return best;
}

export function measureFootprints<S>(compiled: Compiled<S, unknown>, options: FootprintOptions): Footprints {
  const obs = new Observer(compiled);
  const { levels } = observe(compiled, obs, options);
  const fps = obs.taken.map((fp) => fp ?? EVERYTHING);
  const dependent = fps.map((a) => fps.flatMap((b, j) => (conflict(a, b) ? [j] : [])));
  const visible = fps.map((fp) => [...fp.writes].some((w) => [...obs.properties.reads].some((r) => covers(w, r))));
  const writers = new Map<string, number[]>();
  const writersOf = (r: string): readonly number[] => {
    let ws = writers.get(r);
    if (!ws) writers.set(r, (ws = fps.flatMap((fp, j) => ([...fp.writes].some((w) => covers(w, r)) ? [j] : []))));
    return ws;
  };
  const counts = { withProperties: { branching: 0, reducible: 0 }, deadlocksOnly: { branching: 0, reducible: 0 } };
  for (const s of levels.flat()) {
    const offers = obs.offers(s);
    const enabled = offers.filter((o) => o.choices.length > 0).length;
    if (enabled < 2) continue;
    const upSet = [...new Set([...obs.judge(s)].flatMap(writersOf))];
    counts.withProperties.branching++;
    counts.deadlocksOnly.branching++;
    if (smallestStubborn(offers, dependent, writersOf, upSet) < enabled) counts.withProperties.reducible++;
    if (smallestStubborn(offers, dependent, writersOf, []) < enabled) counts.deadlocksOnly.reducible++;
  }
  return {
    states: levels.reduce((n, l) => n + l.length, 0),
    depth: levels.length - 1,
    walkSteps: obs.walkSteps,
    actions: obs.taken,
    properties: obs.properties.reads,
    dependent,
    visible,
    ...counts,
  };
}
