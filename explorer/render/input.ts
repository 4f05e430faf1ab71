// What every trace rendering is made from: the trace, where its cycle starts (a lasso), the
// property it violates and the run it comes from.
import type { PropertyKind, TraceState } from '../result.ts';

export const RENDER_FORMATS = ['text', 'ftrace', 'mermaid', 'itf', 'html', 'dot'] as const;
export type RenderFormat = (typeof RENDER_FORMATS)[number];

export interface RenderInput {
  readonly trace: readonly TraceState[];
  /** A lasso's cycle start (Violation.loop). */
  readonly loop?: number;
  readonly property: { readonly name: string; readonly kind: PropertyKind; readonly description: string };
  readonly detail?: string;
  /** One line: model, config, variant. */
  readonly title: string;
}

/** `process[self]` of every step, in order of first appearance: the lifelines of a sequence diagram. */
export function lifelines(trace: readonly TraceState[]): string[] {
  const seen: string[] = [];
  for (const t of trace) {
    const name = t.move ? `${t.move.process}[${t.move.self}]` : null;
    if (name !== null && !seen.includes(name)) seen.push(name);
  }
  return seen;
}

/** The step's line: `step choice (at pc)`. */
export function stepLabel(t: TraceState): string {
  const m = t.move;
  if (!m) return 'initial state';
  return `${m.step}${m.shown === '' ? '' : ` ${m.shown}`}${m.pc === '' ? '' : ` (at ${m.pc})`}`;
}
