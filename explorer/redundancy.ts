// How many of a config's reachable states an exact reduction could merge, measured on its whole
// state graph: dead data (a place no path reads again before a step assigns it anew, as SPIN's
// dead-variable reduction clears a local), and strong bisimulation (states with the same future,
// told apart by the properties alone). Dead data cleared where it dies keeps every verdict and every trace; the
// bisimulation quotient bounds what any exact reduction keeping the properties could reach, which
// is how much of a state space is data no property depends on.
//
// Reads are observed through the recording proxy (footprint.ts) in every state: the pcs, choices
// and guards of every step, each recipe taken, the invariants, witnesses, liveness predicates,
// action properties and isFinal. A place is live in a state if it is read there, or read by the
// recipe of a step taken there, or live in the step's successor and not assigned by the step, or,
// below an object the step moved whole to another place, live below that place after it; the
// least such sets, by a backward fixpoint over the graph. Liveness is over-approximated where a
// recipe reads what it wrote, or changes what it moved, never under: a place called dead is dead. The search is unreduced (no symmetry, no
// partial-order reduction) and visits the states explore visits without them: it does not expand
// a state outside the constraint, and goes on past a violation, as explore does past a known
// finding.
import { enabledMoves, type Action, type Compiled } from './compile.ts';
import { encodeToArray } from './codec.ts';
import { compileClone } from './codec-gen.ts';
import { HarnessError } from './errors.ts';
import { fmix32 } from './fingerprint.ts';
import { covers, Footprint, recording } from './footprint.ts';
import { markBits } from './liveness/graph.ts';
import { getHeapStatistics } from 'node:v8';

export interface RedundancyOptions {
  /** The analysis refuses a config with more reachable states (it holds every state and its reads). */
  readonly maxStates: number;
  /** The share of the process's heap limit the graph may fill before the analysis stops in one line (default 0.8). */
  readonly heapShare?: number;
  /** How many of the places measured one at a time to report, those that merge most first. */
  readonly places: number;
}

/** What masking one place where it is dead merges, alone. */
export interface PlaceGain {
  /** The place, indices written `[]`: every device's, every page's. */
  readonly place: string;
  /** States where it holds a value and is dead. */
  readonly deadIn: number;
  /** Distinct states once it alone is masked where dead. */
  readonly statesLeft: number;
  /** Nothing ever read it, in any state: a place only written (a record no step or property consults). */
  readonly neverRead: boolean;
  /** The steps after which it becomes dead (its last read, or a write no path reads), most often first, with their share; at most two. */
  readonly diesAfter: readonly { readonly step: string; readonly share: number }[];
}

export interface Redundancy {
  readonly states: number;
  readonly transitions: number;
  /** Distinct places (paths) seen in the states or read. */
  readonly paths: number;
  /** Distinct states once every dead place is masked: what an exact dead-data reduction keeps. */
  readonly deadMasked: number;
  /** Classes of strong bisimulation, each move labelled by its step and process instance, each state by every property's value. */
  readonly bisimilar: number;
  /** The same with the steps unlabelled: invariants, witnesses and deadlocks alone. */
  readonly propertyBisimilar: number;
  /** Places measured one at a time, fewest states left first. */
  readonly places: readonly PlaceGain[];
}

interface Edge {
  readonly to: number;
  readonly step: number;
  readonly reads: Int32Array;
  /** The places the step assigned: what was below each is replaced (Footprint.assigned). */
  readonly assigned: Int32Array;
  /** Pairs (from, to): objects the step moved, whose contents live at `to` after it were live at `from` before. */
  readonly moves: Int32Array;
}

/** Interns paths and values as small integers. */
class Names {
  readonly ids = new Map<string, number>();
  readonly names: string[] = [];
  id(name: string): number {
    let i = this.ids.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.ids.set(name, i);
      this.names.push(name);
    }
    return i;
  }
}

/** The whole graph with every read and write. */
class Graph<S> {
  readonly paths = new Names();
  readonly states: S[] = [];
  readonly labels: string[] = [];
  readonly stateReads: Set<number>[] = [];
  readonly edges: Edge[][] = [];
  /** Every path read anywhere. */
  readonly everRead = new Set<number>();
  private readonly index = new Map<string, number>();
  private readonly clone: (s: S) => S;

  constructor(
    private readonly compiled: Compiled<S, unknown>,
    private readonly maxStates: number,
    private readonly heapShare: number,
  ) {
    this.clone = compileClone(compiled.codec);
    for (const s of compiled.initStates) this.add(s);
    for (let i = 0; i < this.states.length; i++) this.expand(i);
  }

  private add(s: S): number {
    const key = encodeToArray(this.compiled.codec, s).join(',');
    let id = this.index.get(key);
    if (id !== undefined) return id;
    if (this.states.length >= this.maxStates) throw new HarnessError(`redundancy: the config has more than ${this.maxStates.toLocaleString('en-US')} reachable states; the analysis holds them all (raise --max-states, or use a smaller config)`);
    id = this.states.length;
    if ((id & 1023) === 0) this.checkHeap(id);
    this.index.set(key, id);
    this.states.push(s);
    this.stateReads.push(new Set());
    return id;
  }

  /** Stop in one line before V8 runs out of heap: the graph and its reads grow with every state. */
  private checkHeap(states: number): void {
    const { used_heap_size: used, heap_size_limit: limit } = getHeapStatistics();
    if (used < this.heapShare * limit) return;
    const gb = (b: number): string => (b / 2 ** 30).toFixed(1);
    throw new HarnessError(
      `redundancy: the graph filled ${gb(used)} of this process's ${gb(limit)} GB heap at ${states.toLocaleString('en-US')} states; give node a larger heap (NODE_OPTIONS=--max-old-space-size=MB: about 35 MB per 1,000 states of a kernel config) or use a smaller config`,
    );
  }

  private read(fp: Footprint, into: Set<number>): void {
    for (const r of fp.reads) {
      const id = this.paths.id(r);
      into.add(id);
      this.everRead.add(id);
    }
  }

  private expand(i: number): void {
    const { compiled } = this;
    const s = this.states[i]!;
    const here = new Footprint();
    const rs = recording(s, here, false);
    const holds = compiled.invariants.map((inv) => inv.holds(rs));
    const reached = compiled.witnesses.map((w) => w.reached(rs));
    const marks = markBits(compiled.liveness, rs);
    const inside = compiled.constraint === undefined || compiled.constraint(rs);
    const moves = enabledMoves(compiled, rs);
    const final = moves.length === 0 && (compiled.isFinal?.(rs) ?? false);
    this.labels.push(`${moves.length === 0 ? (final ? 'F' : 'D') : 'E'}${inside ? '' : 'C'}:${holds.map(Number).join('')}:${reached.map(Number).join('')}:${marks}`);
    const out: Edge[] = [];
    if (inside) {
      for (const { action, choice } of moves) {
        const next = this.clone(s);
        const fp = new Footprint();
        action.step.apply(recording(next, fp, true) as never, action.self, choice);
        // An action property's reads of the successor count as the successor's own.
        const after = new Footprint();
        if (compiled.actionProperties.length > 0) {
          const taken = { process: action.process.name, self: action.self, step: action.step.name, choice };
          const rn = recording(next, after, false);
          for (const p of compiled.actionProperties) p.holds(rs, rn, taken);
        }
        const to = this.add(next);
        this.read(after, this.stateReads[to]!);
        out.push(this.edge(to, action, fp));
      }
    }
    this.read(here, this.stateReads[i]!);
    this.edges.push(out);
  }

  private edge(to: number, action: Action<S>, fp: Footprint): Edge {
    const ids = (ps: ReadonlySet<string>): Int32Array => Int32Array.from([...ps].map((p) => this.paths.id(p)));
    const reads = ids(fp.reads);
    for (const r of reads) this.everRead.add(r);
    return { to, step: action.index, reads, assigned: ids(fp.assigned), moves: Int32Array.from(fp.moves.flat().map((p) => this.paths.id(p))) };
  }
}

/** A state's places and values: every object's path with its shape, every leaf's with its value, as footprint.ts names them. */
function flatten(v: unknown, path: string, paths: Names, values: Names, out: number[]): void {
  if (v !== null && typeof v === 'object') {
    const array = Array.isArray(v);
    out.push(paths.id(path), values.id(array ? `[${v.length}]` : '{}'));
    if (array) out.push(paths.id(path === '' ? 'length' : `${path}/length`), values.id(String(v.length)));
    for (const [k, x] of Object.entries(v)) flatten(x, path === '' ? k : `${path}/${k}`, paths, values, out);
    return;
  }
  out.push(paths.id(path), values.id(typeof v === 'string' ? `"${v}"` : String(v)));
}

const isLive = (bits: Uint32Array, p: number): boolean => (bits[p >>> 5]! & (1 << (p & 31))) !== 0;
const setLive = (bits: Uint32Array, p: number): void => void (bits[p >>> 5] = (bits[p >>> 5]! | (1 << (p & 31))) >>> 0);
const setDead = (bits: Uint32Array, p: number): void => void (bits[p >>> 5] = (bits[p >>> 5]! & ~(1 << (p & 31))) >>> 0);

/**
 * The least live sets: read here, or by a step taken here, or live after a step that does not
 * assign it, or live after it below the place a step moved an object to.
 */
function liveSets(g: Graph<unknown>): Uint32Array[] {
  const n = g.paths.names.length;
  const words = (n + 31) >>> 5;
  const covered = new Map<number, Int32Array>();
  const coveredBy = (w: number): Int32Array => {
    let c = covered.get(w);
    if (c === undefined) {
      const at = g.paths.names[w]!;
      c = Int32Array.from(g.paths.names.flatMap((p, i) => (covers(at, p) ? [i] : [])));
      covered.set(w, c);
    }
    return c;
  };
  // For a move (from, to): each path below `to` with its counterpart below `from`.
  const moved = new Map<string, Int32Array>();
  const movedBy = (from: number, to: number): Int32Array => {
    const key = `${from}>${to}`;
    let m = moved.get(key);
    if (m === undefined) {
      const src = g.paths.names[from]!;
      const dst = g.paths.names[to]!;
      m = Int32Array.from([...coveredBy(to)].flatMap((x) => {
        const y = g.paths.ids.get(src + g.paths.names[x]!.slice(dst.length));
        return y === undefined ? [] : [x, y];
      }));
      moved.set(key, m);
    }
    return m;
  };
  const live = g.states.map((_, i) => {
    const bits = new Uint32Array(words);
    for (const r of g.stateReads[i]!) setLive(bits, r);
    for (const e of g.edges[i]!) for (const r of e.reads) setLive(bits, r);
    return bits;
  });
  const after = new Uint32Array(words);
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = g.states.length - 1; i >= 0; i--) {
      const mine = live[i]!;
      for (const e of g.edges[i]!) {
        const next = live[e.to]!;
        after.set(next);
        for (const w of e.assigned) for (const x of coveredBy(w)) setDead(after, x);
        // What a moved object holds where it is live after the step was live where it came from
        // (as if the step then changed none of it: more live, never less).
        for (let k = 0; k < e.moves.length; k += 2) {
          const pairs = movedBy(e.moves[k]!, e.moves[k + 1]!);
          for (let q = 0; q < pairs.length; q += 2) if (isLive(next, pairs[q]!)) setLive(after, pairs[q + 1]!);
        }
        for (let j = 0; j < words; j++) {
          const v = (mine[j]! | after[j]!) >>> 0;
          if (v !== mine[j]) {
            mine[j] = v;
            changed = true;
          }
        }
      }
    }
  }
  return live;
}

/** One place's value as two 32-bit lanes; a state's hash is the lane-wise sum over its places, so masking a place adjusts it. */
function entryLanes(path: number, value: number): [number, number] {
  return [fmix32(Math.imul(path + 1, 0x9e3779b1) ^ fmix32(value + 0x632be5ab)) | 0, fmix32(Math.imul(value + 1, 0x85ebca77) ^ fmix32(path + 0x27d4eb2f)) | 0];
}

/** Distinct states by their lanes (a 64-bit hash, as the search's fingerprints). */
function distinct(a: Int32Array, b: Int32Array): number {
  const seen = new Set<string>();
  for (let i = 0; i < a.length; i++) seen.add(`${a[i]}:${b[i]}`);
  return seen.size;
}

/** Classes of the coarsest partition that respects the labels and, for each state, the set of (step, class) it moves to. */
function bisimulationClasses(g: Graph<unknown>, labelled: boolean): number {
  const ids = new Map<string, number>();
  let cls = Int32Array.from(g.labels.map((l) => {
    let c = ids.get(l);
    if (c === undefined) ids.set(l, (c = ids.size));
    return c;
  }));
  for (let count = ids.size; ; ) {
    const sigs = new Map<string, number>();
    const next = new Int32Array(cls.length);
    for (let i = 0; i < cls.length; i++) {
      const moves = [...new Set(g.edges[i]!.map((e) => (labelled ? `${e.step}.${cls[e.to]}` : `${cls[e.to]}`)))].sort();
      const sig = `${cls[i]}|${moves.join(' ')}`;
      let c = sigs.get(sig);
      if (c === undefined) sigs.set(sig, (c = sigs.size));
      next[i] = c;
    }
    cls = next;
    if (sigs.size === count) return count;
    count = sigs.size;
  }
}

/**
 * Per place, the actions after which it becomes dead, and how often: a move from a state where a
 * path of the place is live to one where it is dead (the move read it last), or that assigns it
 * where it is dead (a value no path reads).
 */
function deathsByPlace(g: Graph<unknown>, live: readonly Uint32Array[], placeOf: Int32Array): Map<number, Map<number, number>> {
  const deaths = new Map<number, Map<number, number>>();
  const died = new Set<number>();
  g.edges.forEach((edges, i) => {
    const before = live[i]!;
    for (const e of edges) {
      const after = live[e.to]!;
      died.clear();
      for (let j = 0; j < before.length; j++) {
        let bits = (before[j]! & ~after[j]!) >>> 0;
        while (bits !== 0) {
          const low = bits & -bits;
          died.add(j * 32 + 31 - Math.clz32(low));
          bits = (bits ^ low) >>> 0;
        }
      }
      for (const w of e.assigned) if (!isLive(after, w)) died.add(w);
      for (const p of died) {
        const place = placeOf[p]!;
        let byAction = deaths.get(place);
        if (byAction === undefined) deaths.set(place, (byAction = new Map()));
        byAction.set(e.step, (byAction.get(e.step) ?? 0) + 1);
      }
    }
  });
  return deaths;
}

/** A place with its indices written `[]`. */
const generic = (path: string): string => path.replace(/(^|\/)\d+(?=\/|$)/g, '$1[]');

export function measureRedundancy<S>(compiled: Compiled<S, unknown>, options: RedundancyOptions): Redundancy {
  const g = new Graph(compiled, options.maxStates, options.heapShare ?? 0.8);
  const values = new Names();
  const flats = g.states.map((s) => {
    const out: number[] = [];
    flatten(s, '', g.paths, values, out);
    return Int32Array.from(out);
  });
  const live = liveSets(g as Graph<unknown>);
  const places = new Names();
  const placeOf = Int32Array.from(g.paths.names.map((p) => places.id(generic(p))));
  const n = g.states.length;
  // Each state's lanes whole, and with every dead place masked; per place, the states where it is
  // dead and what masking it there alone changes.
  const whole = [new Int32Array(n), new Int32Array(n)] as const;
  const masked = [new Int32Array(n), new Int32Array(n)] as const;
  const byPlace = places.names.map(() => ({ states: [] as number[], da: [] as number[], db: [] as number[], values: new Set<number>() }));
  for (let i = 0; i < n; i++) {
    const f = flats[i]!;
    let a = 0;
    let b = 0;
    let ma = 0;
    let mb = 0;
    for (let k = 0; k < f.length; k += 2) {
      const [ea, eb] = entryLanes(f[k]!, f[k + 1]!);
      a = (a + ea) | 0;
      b = (b + eb) | 0;
      if (isLive(live[i]!, f[k]!)) {
        ma = (ma + ea) | 0;
        mb = (mb + eb) | 0;
        continue;
      }
      const [da, db] = entryLanes(f[k]!, -1);
      ma = (ma + da) | 0;
      mb = (mb + db) | 0;
      const at = byPlace[placeOf[f[k]!]!]!;
      if (at.values.size < 2) at.values.add(f[k + 1]!);
      const last = at.states.length - 1;
      if (at.states[last] !== i) {
        at.states.push(i);
        at.da.push(0);
        at.db.push(0);
      }
      at.da[at.states.length - 1] = (at.da[at.states.length - 1]! + da - ea) | 0;
      at.db[at.states.length - 1] = (at.db[at.states.length - 1]! + db - eb) | 0;
    }
    whole[0][i] = a;
    whole[1][i] = b;
    masked[0][i] = ma;
    masked[1][i] = mb;
  }
  const alone = (at: (typeof byPlace)[number]): number => {
    const a = whole[0].slice();
    const b = whole[1].slice();
    at.states.forEach((i, k) => {
      a[i] = (a[i]! + at.da[k]!) | 0;
      b[i] = (b[i]! + at.db[k]!) | 0;
    });
    return distinct(a, b);
  };
  const read = new Set([...g.everRead].map((p) => placeOf[p]!));
  const deaths = deathsByPlace(g as Graph<unknown>, live, placeOf);
  const diesAfter = (place: number): { step: string; share: number }[] => {
    const byStep = [...(deaths.get(place) ?? new Map<number, number>())].sort((x, y) => y[1] - x[1] || x[0] - y[0]);
    const total = byStep.reduce((t, [, k]) => t + k, 0);
    return byStep.slice(0, 2).map(([a, k]) => ({ step: compiled.actions[a]!.stepKey, share: k / total }));
  };
  // Only a place whose dead values vary can merge states.
  const measured = byPlace
    .map((at, p) => ({ at, p }))
    .filter(({ at }) => at.values.size > 1)
    .map(({ at, p }) => ({ place: places.names[p]!, deadIn: at.states.length, statesLeft: alone(at), neverRead: !read.has(p), diesAfter: diesAfter(p) }))
    .sort((x, y) => x.statesLeft - y.statesLeft || x.place.localeCompare(y.place))
    .slice(0, options.places);
  return {
    states: n,
    transitions: g.edges.reduce((t, es) => t + es.length, 0),
    paths: g.paths.names.length,
    deadMasked: distinct(masked[0], masked[1]),
    bisimilar: bisimulationClasses(g as Graph<unknown>, true),
    propertyBisimilar: bisimulationClasses(g as Graph<unknown>, false),
    places: measured,
  };
}
