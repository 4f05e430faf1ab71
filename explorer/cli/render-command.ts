// `sva-check render FILE --format F`, and `--render F` on the commands that find a trace: one trace
// in the format a reader wants (text, a Mermaid sequence diagram, strict ITF, a self-contained HTML
// page, the state graph in DOT).
import { HarnessError } from '../errors.ts';
import { RENDER_FORMATS, type RenderFormat, type RenderInput } from '../render/input.ts';
import { render } from '../render/render.ts';
import type { Violation } from '../result.ts';
import { toItf } from '../trace/itf.ts';
import { traceOfFile } from '../trace/read.ts';
import type { CliContext } from './io.ts';
import { fileTarget } from './replay-command.ts';
import { traceContext } from './save.ts';
import type { Target } from './target.ts';

/** The parser of a format option (`--format`, `--render`): its value, checked, or an error naming the option. */
export const renderFormat =
  (flag: string) =>
  (raw: string): RenderFormat => {
    if ((RENDER_FORMATS as readonly string[]).includes(raw)) return raw as RenderFormat;
    throw new HarnessError(`${flag}: '${raw}' is not one of ${RENDER_FORMATS.join(', ')}`);
  };

const titleOf = (target: Target): string =>
  `model ${target.model.name}, config ${target.configName ?? '(params only)'}, ${target.variant ? `variant ${target.variant.id}` : 'baseline'}`;

/** A violation found by a run, in `format`. */
export function renderViolation(ctx: CliContext, target: Target, v: Violation, format: RenderFormat, title = titleOf(target)): string {
  const input: RenderInput = {
    trace: v.trace,
    ...(v.loop === undefined ? {} : { loop: v.loop }),
    property: { name: v.property, kind: v.kind, description: v.description },
    ...(v.detail === undefined ? {} : { detail: v.detail }),
    title,
  };
  const initIndex = Math.max(0, target.compiled.initStates.indexOf(v.trace[0]?.state));
  return render(format, input, { compiled: target.compiled, itf: () => toItf(v.trace, traceContext(ctx.ws, target, v), initIndex, target.compiled.codec) });
}

export async function renderCommand(ctx: CliContext, path: string, options: { format: RenderFormat }): Promise<number> {
  const { doc, target } = await fileTarget(ctx.ws, path);
  const meta = doc['#meta'];
  const trace = traceOfFile(target.compiled, doc);
  const violation: Violation = {
    property: meta.property.name,
    kind: meta.property.kind,
    description: meta.property.description,
    trace,
    length: trace.length - 1,
    ...(meta.detail === undefined ? {} : { detail: meta.detail }),
    ...(doc.loop === undefined ? {} : { loop: doc.loop }),
  };
  const variant = meta.variant ? `variant ${meta.variant.id}` : 'baseline';
  ctx.io.out(renderViolation(ctx, target, violation, options.format, `model ${meta.model.name}, config ${meta.config.name ?? '(params only)'}, ${variant}`));
  return 0;
}
