// Liveness on the explored graph. `from ~> to` fails exactly when some reachable `from` state that is
// not a `to` state reaches, through states that are not `to` states, a set of states a fair behaviour
// can stay in for ever: a strongly connected set in which every weak condition is taken or disabled
// somewhere, and every strong condition taken or disabled everywhere (Emerson-Lei: a component that
// fails only strong conditions may still hold such a set once the states enabling them are removed),
// or a single state where every condition is disabled, where the behaviour stutters.
import { OUTSIDE, type StateGraph } from './graph.ts';
import type { CompiledLiveness, Condition } from './fairness.ts';
import { components } from './scc.ts';

export interface Lasso {
  /** Index of the property in the model's liveness list. */
  readonly property: number;
  /** The state where `from` holds and `to` is never reached after. */
  readonly trigger: number;
  /** Edges from the trigger to the state the cycle starts from. */
  readonly stem: readonly number[];
  /** Edges of the cycle back to its first state; empty: the behaviour stutters there for ever. */
  readonly cycle: readonly number[];
}

interface Context<S> {
  readonly graph: StateGraph<S>;
  readonly conditions: readonly Condition[];
  readonly actionOf: (move: number) => number;
  /** By action: the conditions (bit i for conditions[i], up to 32) it counts for. */
  readonly conditionBits: Uint32Array;
}

const MAX_CONDITIONS = 32;

/** One shortest-stem lasso per violated property, in the model's order. */
export function findLassos<S>(graph: StateGraph<S>, properties: readonly CompiledLiveness<S>[], initialStates: number, actionOf: (move: number) => number): Lasso[] {
  const found: Lasso[] = [];
  properties.forEach((p, k) => {
    const lasso = lassoOf({ graph, conditions: p.conditions, actionOf, conditionBits: conditionBits(p.conditions) }, k, p.from === undefined, initialStates);
    if (lasso) found.push(lasso);
  });
  return found;
}

function lassoOf<S>(ctx: Context<S>, k: number, fromInit: boolean, initialStates: number): Lasso | null {
  const { graph } = ctx;
  const open = (v: number): boolean => !graph.to(v, k);
  const roots: number[] = [];
  const limit = fromInit ? Math.min(initialStates, graph.states) : graph.states;
  for (let v = 0; v < limit; v++) if (open(v) && (fromInit || graph.from(v, k))) roots.push(v);
  if (roots.length === 0) return null;

  const componentOf = new Int32Array(graph.states).fill(-1);
  const leadsToFair: boolean[] = [];
  const fairSetOf = new Map<number, ReadonlySet<number>>();
  components(graph, roots, open, (component) => {
    const id = leadsToFair.length;
    for (const v of component) componentOf[v] = id;
    const fair = fairSubset(ctx, component, open);
    if (fair) for (const v of fair) fairSetOf.set(v, fair);
    // Every component reachable from this one was emitted before it.
    leadsToFair.push(fair !== null || component.some((v) => leavesToFair(graph, v, open, componentOf, id, leadsToFair)));
  });
  const trigger = roots.find((v) => leadsToFair[componentOf[v]!] === true);
  if (trigger === undefined) return null;

  const toFair = shortestPath(ctx.graph, trigger, open, { node: (v) => fairSetOf.has(v) })!;
  const entry = toFair.end;
  const fair = fairSetOf.get(entry)!;
  const inFair = (v: number): boolean => fair.has(v);
  const stutter = shortestPath(graph, entry, inFair, { node: (v) => allDisabledAt(ctx, v) });
  if (stutter) return { property: k, trigger, stem: [...toFair.edges, ...stutter.edges], cycle: [] };
  return { property: k, trigger, stem: toFair.edges, cycle: fairCycle(ctx, entry, fair) };
}

function conditionBits(conditions: readonly Condition[]): Uint32Array {
  const bits = new Uint32Array(conditions[0]?.actions.length ?? 0);
  conditions.slice(0, MAX_CONDITIONS).forEach((c, i) => c.actions.forEach((on, a) => (bits[a]! |= on << i)));
  return bits;
}

/** Whether every condition is disabled at `v`: no non-stuttering step of any of them leaves it. */
function allDisabledAt<S>(ctx: Context<S>, v: number): boolean {
  if (ctx.conditions.length === 0) return true;
  if (ctx.conditions.length > MAX_CONDITIONS) return ctx.conditions.every((c) => !enabledAt(ctx, v, c));
  for (let e = ctx.graph.first(v); e < ctx.graph.end(v); e++) if (ctx.conditionBits[ctx.actionOf(ctx.graph.move(e))] !== 0) return false;
  return true;
}

/** Whether a step from `v`, inside `member`, reaches another component that leads to a fair set. */
function leavesToFair<S>(graph: StateGraph<S>, v: number, member: (v: number) => boolean, componentOf: Int32Array, id: number, leadsToFair: readonly boolean[]): boolean {
  for (let e = graph.first(v); e < graph.end(v); e++) {
    const w = graph.target(e);
    if (w !== OUTSIDE && member(w) && componentOf[w] !== id && leadsToFair[componentOf[w]!] === true) return true;
  }
  return false;
}

/** Whether some non-stuttering step of the condition's actions leaves `v` (into the graph or not). */
function enabledAt<S>(ctx: Context<S>, v: number, c: Condition): boolean {
  for (let e = ctx.graph.first(v); e < ctx.graph.end(v); e++) if (c.actions[ctx.actionOf(ctx.graph.move(e))] === 1) return true;
  return false;
}

/** Whether an edge of the condition's actions stays inside `set`. */
function takenIn<S>(ctx: Context<S>, set: ReadonlySet<number>, c: Condition): boolean {
  for (const v of set) {
    for (let e = ctx.graph.first(v); e < ctx.graph.end(v); e++) {
      if (set.has(ctx.graph.target(e)) && c.actions[ctx.actionOf(ctx.graph.move(e))] === 1) return true;
    }
  }
  return false;
}

/** A subset of a component a fair behaviour can stay in for ever, or null. */
function fairSubset<S>(ctx: Context<S>, component: readonly number[], member: (v: number) => boolean): ReadonlySet<number> | null {
  // A single state (stutters are not edges, so it has no step to itself): a stutter there is fair
  // exactly when every condition is disabled.
  if (component.length === 1) return allDisabledAt(ctx, component[0]!) ? new Set(component) : null;
  const set = new Set(component);
  const failingStrong: Condition[] = [];
  for (const c of ctx.conditions) {
    if (takenIn(ctx, set, c)) continue;
    const enabled = component.filter((v) => enabledAt(ctx, v, c)).length;
    if (!c.strong && enabled === component.length) return null;
    if (c.strong && enabled > 0) failingStrong.push(c);
  }
  if (failingStrong.length === 0) return set;
  const rest = new Set(component.filter((v) => failingStrong.every((c) => !enabledAt(ctx, v, c))));
  let found: ReadonlySet<number> | null = null;
  components(ctx.graph, rest, (v) => rest.has(v) && member(v), (sub) => {
    found ??= fairSubset(ctx, sub, (v) => rest.has(v) && member(v));
  });
  return found;
}

/** A cycle from `entry` inside `fair` that meets every condition; `fair` is strongly connected. */
function fairCycle<S>(ctx: Context<S>, entry: number, fair: ReadonlySet<number>): number[] {
  const inFair = (v: number): boolean => fair.has(v);
  const edges: number[] = [];
  const visited = new Set<number>([entry]);
  let at = entry;
  const follow = (path: Path): void => {
    for (const e of path.edges) {
      edges.push(e);
      visited.add(ctx.graph.target(e));
    }
    at = path.end;
  };
  for (const c of ctx.conditions) {
    const usesAction = (e: number): boolean => c.actions[ctx.actionOf(ctx.graph.move(e))] === 1;
    if (edges.some(usesAction)) continue;
    if (!c.strong && [...visited].some((v) => !enabledAt(ctx, v, c))) continue;
    if (c.strong && [...fair].every((v) => !enabledAt(ctx, v, c))) continue;
    follow(shortestPath(ctx.graph, at, inFair, { edge: (e) => usesAction(e), ...(c.strong ? {} : { node: (v: number) => !enabledAt(ctx, v, c) }) })!);
  }
  if (edges.length === 0) {
    // Every condition holds at the entry already: any step inside the set, then back.
    follow(shortestPath(ctx.graph, at, inFair, { edge: () => true })!);
  }
  if (at !== entry) follow(shortestPath(ctx.graph, at, inFair, { node: (v) => v === entry })!);
  return edges;
}

interface Path {
  readonly edges: number[];
  readonly end: number;
}

/**
 * Breadth-first from `start` inside `member`: the shortest path to a node `goal.node` accepts (the
 * start itself included), or through an edge `goal.edge` accepts (which then ends the path).
 */
function shortestPath<S>(
  graph: StateGraph<S>,
  start: number,
  member: (v: number) => boolean,
  goal: { readonly node?: (v: number) => boolean; readonly edge?: (e: number) => boolean },
): Path | null {
  if (goal.node?.(start)) return { edges: [], end: start };
  // node → [the edge that reached it, the node it left]
  const via = new Map<number, readonly [number, number]>([[start, [-1, -1]]]);
  const pathTo = (v: number, last?: number): Path => {
    const edges: number[] = last === undefined ? [] : [last];
    for (let at = v; at !== start; ) {
      const [e, parent] = via.get(at)!;
      edges.push(e);
      at = parent;
    }
    return { edges: edges.reverse(), end: last === undefined ? v : graph.target(last) };
  };
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const u = queue[head]!;
    for (let e = graph.first(u); e < graph.end(u); e++) {
      const w = graph.target(e);
      if (w === OUTSIDE || !member(w)) continue;
      if (goal.edge?.(e)) return pathTo(u, e);
      if (via.has(w)) continue;
      via.set(w, [e, u]);
      if (goal.node?.(w)) return pathTo(w);
      queue.push(w);
    }
  }
  return null;
}
