// Where progress goes while a search runs: a line rewritten in place on a terminal (at most once a
// second, which the search itself paces), a plain line at most every 10 s when output is not a
// terminal (a CI log), nothing with --quiet or --json.
import type { Progress } from './result.ts';

export interface Reporter<P = Progress> {
  progress(p: P): void;
  /** Clears whatever the reporter left on screen, before the final report is printed. */
  done(): void;
}

export const silentReporter: Reporter<never> = { progress: () => undefined, done: () => undefined };

/**
 * States a second since the last line shown, as TLC's progress reports its rates: the search's pace
 * now, not its average (a resumed search's seconds count the runs before it). The first line: since
 * the search began.
 */
function rateMeter(): (p: Progress) => number {
  let last = { distinctStates: 0, seconds: 0 };
  return (p) => {
    const dt = p.seconds - last.seconds;
    const rate = dt > 0 ? Math.round((p.distinctStates - last.distinctStates) / dt) : 0;
    last = p;
    return rate;
  };
}

function progressLine(p: Progress, rate: number): string {
  return (
    `${p.distinctStates.toLocaleString('en-US')} distinct, ${p.statesGenerated.toLocaleString('en-US')} generated, ` +
    `depth ${p.depth}, frontier ${p.frontier.toLocaleString('en-US')}, ${rate.toLocaleString('en-US')} states/s, ${p.seconds.toFixed(0)} s`
  );
}

/** A search's progress line, with its current pace. */
function searchLine(): (p: Progress) => string {
  const rate = rateMeter();
  return (p) => progressLine(p, rate(p));
}

/** `line(p)` rewritten in place, on a terminal. */
function ttyLines<P>(write: (s: string) => void, line: (p: P) => string): Reporter<P> {
  let shown = false;
  return {
    progress(p) {
      write(`\r\x1b[K${line(p)}`);
      shown = true;
    },
    done() {
      if (shown) write('\r\x1b[K');
      shown = false;
    },
  };
}

/** Seconds between two progress lines in a log. */
export const LOG_EVERY_SECONDS = 10;

/** One line per LOG_EVERY_SECONDS of search time, each ending in a newline: what a CI log can hold. */
function logLines<P extends { readonly seconds: number }>(write: (s: string) => void, line: (p: P) => string): Reporter<P> {
  let next = LOG_EVERY_SECONDS;
  return {
    progress(p) {
      if (p.seconds < next) return;
      write(`progress: ${line(p)}\n`);
      next = p.seconds + LOG_EVERY_SECONDS;
    },
    done: () => undefined,
  };
}

export interface ReporterChoice {
  readonly quiet: boolean;
  readonly json: boolean;
  readonly isTTY: boolean;
  readonly write: (s: string) => void;
}

export function pickReporter(options: ReporterChoice): Reporter {
  return pickLineReporter(options, searchLine);
}

/** As pickReporter, for progress of another kind, each shown by a line `makeLine()` gives. */
export function pickLineReporter<P extends { readonly seconds: number }>(options: ReporterChoice, makeLine: () => (p: P) => string): Reporter<P> {
  if (options.quiet || options.json) return silentReporter;
  return options.isTTY ? ttyLines(options.write, makeLine()) : logLines(options.write, makeLine());
}
