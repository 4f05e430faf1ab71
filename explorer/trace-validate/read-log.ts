// Reads an event log through the model's parser: one event per line; blank lines and `#` lines (an
// ftrace header) are skipped, leading blanks (a quoted log) ignored, and so is the prefix the ftrace
// `trace` file and `trace-cmd report` put before an event (task-pid, optional tgid, [cpu], optional
// irq/preempt flags, timestamp). A line the parser refuses makes
// the log unreadable: one error naming the file, the line and why.
import { readFileSync } from 'node:fs';
import { HarnessError, unreadable } from '../errors.ts';
import type { ModelTrace } from './events.ts';
import type { TraceLine } from './search.ts';

export interface ReadLog<E> {
  readonly lines: readonly TraceLine[];
  /** The model's own events, line by line (what its `fit` reads). */
  readonly events: readonly E[];
}

const SHOWN = 80;

/** `kworker/u8:2-123 (  123) [002] d..1. 1234.567890: ` and the shorter forms of older kernels. */
const FTRACE_PREFIX = /^.+?-\d+\s+(?:\(\s*(?:\d+|-+)\)\s+)?\[\d+\]\s+(?:[^\s]{4,6}\s+)?\d+\.\d+:\s+/;

/** The event part of a line, without an ftrace prefix; the line itself when it has none. */
export function stripFtracePrefix(line: string): string {
  return line.replace(FTRACE_PREFIX, '');
}

export function parseLog<E>(shown: string, text: string, trace: ModelTrace<unknown, unknown, E>): ReadLog<E> {
  const lines: TraceLine[] = [];
  const events: E[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = stripFtracePrefix(raw.trim());
    if (line === '' || line.startsWith('#')) return;
    const parsed = trace.parse(line);
    if ('error' in parsed) {
      const quoted = line.length > SHOWN ? `${line.slice(0, SHOWN)}...` : line;
      throw new HarnessError(`${shown}:${i + 1}: not a line of ${trace.format} (${parsed.error}): ${JSON.stringify(quoted)}`);
    }
    events.push(parsed.event);
    lines.push({ line: i + 1, text: line, logged: trace.logged(parsed.event) });
  });
  return { lines, events };
}

export function readLog<E>(file: string, shown: string, trace: ModelTrace<unknown, unknown, E>): ReadLog<E> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw unreadable(shown, 'log', e);
  }
  return parseLog(shown, text, trace);
}
