// Tarjan's strongly connected components over a part of the state graph, iteratively (the graphs have
// paths far longer than the call stack). Components are emitted in reverse topological order: every
// component reachable from one is emitted before it.
import { OUTSIDE, type StateGraph } from './graph.ts';

const UNVISITED = -1;

export function components<S>(
  graph: StateGraph<S>,
  roots: Iterable<number>,
  member: (v: number) => boolean,
  emit: (component: number[]) => void,
): void {
  const n = graph.states;
  const index = new Int32Array(n).fill(UNVISITED);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const callNode: number[] = [];
  const callEdge: number[] = [];
  let counter = 0;
  const enter = (v: number): void => {
    index[v] = counter;
    low[v] = counter;
    counter++;
    stack.push(v);
    onStack[v] = 1;
    callNode.push(v);
    callEdge.push(graph.first(v));
  };
  for (const root of roots) {
    if (index[root] !== UNVISITED || !member(root)) continue;
    enter(root);
    while (callNode.length > 0) {
      const top = callNode.length - 1;
      const v = callNode[top]!;
      const end = graph.end(v);
      let e = callEdge[top]!;
      let descended = false;
      while (e < end) {
        const w = graph.target(e++);
        if (w === OUTSIDE || !member(w)) continue;
        if (index[w] === UNVISITED) {
          callEdge[top] = e;
          enter(w);
          descended = true;
          break;
        }
        if (onStack[w] === 1 && index[w]! < low[v]!) low[v] = index[w]!;
      }
      if (descended) continue;
      callNode.pop();
      callEdge.pop();
      if (low[v] === index[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component.push(w);
        } while (w !== v);
        emit(component);
      }
      if (callNode.length > 0) {
        const u = callNode[callNode.length - 1]!;
        if (low[v]! < low[u]!) low[u] = low[v]!;
      }
    }
  }
}
