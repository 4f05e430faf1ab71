// A model whose state graph is given as data: state = node number, one step `go` whose choices are
// the node's successors. With fast-check generating graphs, the explorer's counts and traces can be
// compared with an independent breadth-first search over the same graph.
import { z } from 'zod';
import { int, record } from '../../explorer/codec.ts';
import { defineModel, step, type Model } from '../../explorer/model.ts';

export interface Graph {
  readonly edges: readonly (readonly number[])[];
  readonly initial: readonly number[];
  /** Nodes where the invariant `avoid-bad` fails. */
  readonly bad: readonly number[];
  /** Nodes accepted as final when they have no successor. */
  readonly final?: readonly number[];
}

interface Node {
  at: number;
}

export function graphModel(g: Graph): Model<Node, Record<string, never>> {
  const n = g.edges.length;
  return defineModel<Node, Record<string, never>>({
    name: 'graph',
    description: 'a state graph given as data',
    follows: 'test fixture',
    params: z.object({}).strict(),
    init: () => g.initial.map((at) => ({ at })),
    codec: () => record<Node>({ at: int(0, Math.max(0, n - 1)) }),
    processes: () => [
      {
        name: 'walker',
        instances: 1,
        steps: [step<Node, number>({ name: 'go', choices: (s) => g.edges[s.at] ?? [], apply: (d, _self, to) => void (d.at = to) })],
      },
    ],
    invariants: [{ name: 'avoid-bad', description: 'never at a bad node', source: 'test', holds: (s) => !g.bad.includes(s.at) }],
    isFinal: (s) => (g.final ?? []).includes(s.at),
  });
}

/** Independent oracle: BFS distances from the initial nodes (-1: unreachable). */
export function distances(g: Graph): number[] {
  const dist = g.edges.map(() => -1);
  const queue: number[] = [];
  for (const i of g.initial) {
    if (dist[i] === -1) {
      dist[i] = 0;
      queue.push(i);
    }
  }
  for (let k = 0; k < queue.length; k++) {
    const u = queue[k]!;
    for (const v of g.edges[u] ?? []) {
      if (dist[v] === -1) {
        dist[v] = dist[u]! + 1;
        queue.push(v);
      }
    }
  }
  return dist;
}
