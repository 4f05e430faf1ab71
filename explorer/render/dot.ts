// The explored state graph in Graphviz DOT, for tiny configs: every state (its id, and its values in
// a tooltip), every step as an edge labelled `process[self] step`, the trace's path drawn red.
// Refused above a size limit: a picture of thousands of states shows nothing.
import { encodeToArray } from '../codec.ts';
import { applyWithImmer, enabledMoves, type Compiled } from '../compile.ts';
import { HarnessError } from '../errors.ts';
import type { TraceState } from '../result.ts';

export const DOT_LIMIT = 500;

const q = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export function stateGraphDot<S, C>(compiled: Compiled<S, C>, trace: readonly TraceState[] = []): string {
  const key = (s: S): string => encodeToArray(compiled.codec, compiled.canonicalize ? compiled.canonicalize(s) : s).join(',');
  const ids = new Map<string, number>();
  const states: S[] = [];
  const edges: { from: number; to: number; label: string }[] = [];
  const add = (s: S): number => {
    const k = key(s);
    const known = ids.get(k);
    if (known !== undefined) return known;
    if (states.length >= DOT_LIMIT) {
      throw new HarnessError(`dot: the state graph of this config has more than ${DOT_LIMIT} states; dot is for tiny configs (lower the bounds with --param)`);
    }
    ids.set(k, states.length);
    states.push(s);
    return states.length - 1;
  };
  compiled.initStates.forEach(add);
  for (let i = 0; i < states.length; i++) {
    const s = states[i]!;
    for (const m of enabledMoves(compiled, s)) {
      const to = add(applyWithImmer(m.action, s, m.choice));
      edges.push({ from: i, to, label: `${m.action.process.name}[${m.action.self}] ${m.action.step.name}` });
    }
  }
  const path = trace.map((t) => ids.get(key(t.state as S)));
  const onPath = new Set(path.filter((x): x is number => x !== undefined));
  const pathEdges = new Set(path.slice(1).map((to, i) => `${path[i]}>${to}`));
  const init = new Set(compiled.initStates.map((s) => ids.get(key(s))!));
  const last = path.at(-1);
  const lines = ['digraph states {', '  rankdir=LR;', '  node [shape=circle, fontsize=10];', '  edge [fontsize=8];'];
  states.forEach((s, i) => {
    const attrs = [`label=${q(String(i))}`, `tooltip=${q(JSON.stringify(s))}`];
    if (init.has(i)) attrs.push('shape=doublecircle');
    if (onPath.has(i)) attrs.push('color=red');
    if (i === last) attrs.push('style=filled', 'fillcolor="#ffd2d2"');
    lines.push(`  s${i} [${attrs.join(', ')}];`);
  });
  for (const e of edges) {
    const red = pathEdges.has(`${e.from}>${e.to}`) ? ', color=red, penwidth=2' : '';
    lines.push(`  s${e.from} -> s${e.to} [label=${q(e.label)}${red}];`);
  }
  lines.push('}');
  return lines.join('\n');
}
