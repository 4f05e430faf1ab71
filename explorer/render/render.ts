// One trace in the format asked for. `itf` needs the run's context to stand alone, `dot` the model to
// explore; the other formats are the trace alone.
import type { Compiled } from '../compile.ts';
import type { CounterexampleFile } from '../trace/itf.ts';
import { renderTrace } from '../trace/render.ts';
import { formatCounterexample } from '../trace/save.ts';
import { stateGraphDot } from './dot.ts';
import { toHtml } from './html.ts';
import type { RenderFormat, RenderInput } from './input.ts';
import { toMermaid } from './mermaid.ts';
import { toFtrace } from './ftrace.ts';

export interface RenderContext<S, C> {
  readonly compiled: Compiled<S, C>;
  /** The trace as the counterexample file sva-check saves for it. */
  readonly itf: () => CounterexampleFile;
}

export function render<S, C>(format: RenderFormat, input: RenderInput, ctx: RenderContext<S, C>): string {
  switch (format) {
    case 'text':
      return renderTrace(input.trace, input.loop);
    case 'ftrace':
      return toFtrace(ctx.compiled, input);
    case 'mermaid':
      return toMermaid(input);
    case 'html':
      return toHtml(input);
    case 'itf':
      return formatCounterexample(ctx.itf()).trimEnd();
    case 'dot':
      return stateGraphDot(ctx.compiled, input.trace);
  }
}
