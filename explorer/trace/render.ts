// A trace as text for a terminal: the initial state in full, then for each step the changes it
// made, leaf by leaf ("faults[0].grpid: 1 -> 2"), so a reviewer reads what each kernel step did.
import type { TraceState } from '../result.ts';

const MAX_LEAVES = 40;

function leaves(value: unknown, path: string, out: Map<string, string>): void {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(path, '[]');
    value.forEach((v, i) => leaves(v, `${path}[${i}]`, out));
  } else if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) out.set(path, '{}');
    for (const [k, v] of entries) leaves(v, path === '' ? k : `${path}.${k}`, out);
  } else {
    out.set(path === '' ? 'state' : path, JSON.stringify(value) ?? 'undefined');
  }
}

function flatten(value: unknown): Map<string, string> {
  const out = new Map<string, string>();
  leaves(value, '', out);
  return out;
}

function limit(lines: string[]): string[] {
  return lines.length <= MAX_LEAVES ? lines : [...lines.slice(0, MAX_LEAVES), `… ${lines.length - MAX_LEAVES} more`];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function short(v: unknown): string {
  if (v === undefined) return '(none)';
  const text = JSON.stringify(v);
  return text.length <= 80 ? text : `${text.slice(0, 77)}...`;
}

function diff(a: unknown, b: unknown, path: string, out: string[]): void {
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) diff(a[key], b[key], path === '' ? key : `${path}.${key}`, out);
  } else if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((v, i) => diff(v, b[i], `${path}[${i}]`, out));
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    out.push(`${path === '' ? 'state' : path}: ${short(a)} -> ${short(b)}`);
  }
}

/** What changed between two states, one line per changed field (a list that grew or shrank as a whole). */
export function stateChanges(before: unknown, after: unknown): string[] {
  const out: string[] = [];
  diff(before, after, '', out);
  return out;
}

/**
 * The trace, one step a paragraph; `loop` (a lasso's) marks where its cycle starts, or where the
 * behaviour stutters for ever when it is the last state.
 */
export function renderTrace(trace: readonly TraceState[], loop: number | undefined, indent = '  '): string {
  const lines: string[] = [];
  const last = trace.length - 1;
  const marks = (i: number): void => {
    if (loop === undefined) return;
    if (i === loop && loop < last) lines.push(`${indent}-- the cycle starts at state ${loop} --`);
    if (i === last) lines.push(loop < last ? `${indent}-- back to state ${loop}: the cycle repeats for ever --` : `${indent}-- the behaviour stutters here for ever --`);
  };
  trace.forEach((t, i) => {
    if (!t.move) {
      lines.push(`${indent}${i}  initial state`);
      for (const [path, v] of [...flatten(t.state)].slice(0, MAX_LEAVES)) lines.push(`${indent}     ${path} = ${v}`);
    } else {
      const m = t.move;
      const choice = m.shown === '' ? '' : ` ${m.shown}`;
      const pc = m.pc === '' ? '' : ` (at ${m.pc})`;
      lines.push(`${indent}${i}  ${m.process}[${m.self}] ${m.step}${choice}${pc}`);
      const changes = stateChanges(trace[i - 1]!.state, t.state);
      for (const c of limit(changes.length > 0 ? changes : ['(no change)'])) lines.push(`${indent}     ${c}`);
    }
    marks(i);
  });
  return lines.join('\n');
}
