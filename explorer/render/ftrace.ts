// A trace as the kernel's event log would show it: one line per event a step emits, in the format
// the model declares (the steps' tracepoints, Model.trace's printer), and a `#` line for every step
// that prints nothing (lock sections, workqueue steps, CD writes, invalidations, CMD_SYNCs), so a
// reader sees both what a log would hold and what happened between its lines.
import type { Compiled } from '../compile.ts';
import type { RenderInput } from './input.ts';
import { stepLabel } from './input.ts';

export function toFtrace<S, C>(compiled: Compiled<S, C>, input: RenderInput): string {
  const trace = compiled.model.trace;
  const tracepoints = new Map(compiled.actions.map((a) => [a.stepKey, a.step.tracepoint]));
  const lines = [`# sva-check: ${input.title}`, `# ${input.property.kind} ${input.property.name}: ${input.property.description}`];
  if (trace?.print) lines.push(`# event lines: ${trace.format}; a line starting with # is a step that prints nothing`);
  else lines.push(`# model ${compiled.model.name} declares no event log: every step is shown as a # line`);
  const last = input.trace.length - 1;
  input.trace.forEach((t, i) => {
    const m = t.move;
    if (!m) return;
    const before = input.trace[i - 1]!.state as S;
    const event = trace?.print ? tracepoints.get(`${m.process}/${m.step}`)?.(before, t.state as S, m.self, m.choice) : null;
    lines.push(event && trace?.print ? `${event.event}: ${trace.print(event)}` : `#   ${i}. ${m.process}[${m.self}] ${stepLabel(t)}`);
    if (i === input.loop && input.loop < last) lines.push('# -- the cycle starts here --');
  });
  if (input.loop !== undefined) lines.push(input.loop < last ? `# -- back to state ${input.loop}: the cycle repeats for ever --` : '# -- the behaviour stutters here for ever --');
  lines.push(`# ^ ${input.property.name} violated after ${last} steps`);
  return lines.join('\n');
}
