// Liveness violations as counterexamples: the stored shortest path to the trigger, then the lasso's
// stem and cycle re-executed step by step, like every other trace.
import type { Compiled } from '../compile.ts';
import type { Violation, TraceState } from '../result.ts';
import type { U32Vec } from '../store.ts';
import { extendTrace, rebuildTrace } from '../trace/rebuild.ts';
import { findLassos } from './check.ts';
import type { StateGraph } from './graph.ts';

export function livenessViolations<S, C>(
  compiled: Compiled<S, C>,
  graph: StateGraph<S>,
  tree: { readonly parents: U32Vec; readonly moves: U32Vec; readonly actionBits: number },
  initialStates: number,
): Violation<S>[] {
  const { parents, moves, actionBits } = tree;
  const actionOf = (move: number): number => move % (1 << actionBits);
  // One counterexample per property: the first of its instances that fails.
  const named = new Set<string>();
  return findLassos(graph, compiled.liveness, initialStates, actionOf).filter((lasso) => {
    const name = compiled.liveness[lasso.property]!.name;
    if (named.has(name)) return false;
    named.add(name);
    return true;
  }).map((lasso) => {
    const p = compiled.liveness[lasso.property]!;
    let trace: TraceState<S>[] = rebuildTrace(compiled, parents, moves, actionBits, lasso.trigger);
    for (const e of lasso.stem) trace = extendTrace(compiled, trace, graph.move(e), actionBits);
    const loop = trace.length - 1;
    for (const e of lasso.cycle) trace = extendTrace(compiled, trace, graph.move(e), actionBits);
    const fairness = p.conditions.length === 0 ? 'no fairness assumed' : `fair: ${p.conditions.map((c) => c.label).join(', ')}`;
    const shape = lasso.cycle.length === 0 ? `stutters for ever at state ${loop}: no fair step is enabled there` : `cycles through states ${loop}..${trace.length - 1} for ever`;
    return {
      property: p.name,
      kind: 'liveness',
      description: p.description,
      trace,
      length: trace.length - 1,
      loop,
      detail: `${p.instance === null ? '' : `for i = ${p.instance}: `}${shape} (${fairness})`,
    };
  });
}
