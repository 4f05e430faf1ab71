// A trace as a Mermaid sequence diagram: one lifeline per process instance, one self-message per
// step with what it changed as a note, the violating step highlighted, a lasso's cycle in a loop box.
import { stateChanges } from '../trace/render.ts';
import { lifelines, stepLabel, type RenderInput } from './input.ts';

const MAX_NOTE = 3;

/** Mermaid ids are words: `driver[0]` becomes `driver_0`. */
const id = (name: string): string => name.replace(/[^A-Za-z0-9_]/g, '_').replace(/_+$/, '');
/** Text inside a message or note: no `;`, `#` or line breaks, which Mermaid reads as syntax. */
const text = (s: string): string => s.replace(/[;#\n]/g, ' ').replace(/"/g, "'");

export function toMermaid(input: RenderInput): string {
  const { trace, loop } = input;
  const last = trace.length - 1;
  const lines = ['sequenceDiagram', `  title ${text(`${input.property.name} (${input.property.kind}): ${input.title}`)}`];
  for (const name of lifelines(trace)) lines.push(`  participant ${id(name)} as ${name}`);
  trace.forEach((t, i) => {
    if (!t.move) return;
    if (loop !== undefined && loop < last && i === loop + 1) lines.push('  loop the cycle repeats for ever');
    const who = id(`${t.move.process}[${t.move.self}]`);
    const highlight = i === last && input.property.kind !== 'liveness';
    if (highlight) lines.push('  rect rgb(255, 210, 210)');
    lines.push(`  ${who}->>${who}: ${i}. ${text(stepLabel(t))}`);
    const changes = stateChanges(trace[i - 1]!.state, t.state);
    const shown = changes.slice(0, MAX_NOTE).map(text);
    if (changes.length > MAX_NOTE) shown.push(`… ${changes.length - MAX_NOTE} more`);
    if (shown.length > 0) lines.push(`  Note right of ${who}: ${shown.join('<br/>')}`);
    if (highlight) lines.push(`  Note over ${who}: ${text(`${input.property.name} violated`)}`, '  end');
    if (loop !== undefined && loop < last && i === last) lines.push('  end');
  });
  if (loop !== undefined && loop === last) {
    const first = lifelines(trace)[0];
    if (first) lines.push(`  Note over ${id(first)}: ${text(`stutters here for ever: ${input.property.name} violated`)}`);
  }
  return lines.join('\n');
}
