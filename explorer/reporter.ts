// Where progress goes while a search runs: a line rewritten in place on a terminal (at most once a
// second, which the search itself paces), a plain line at most every 10 s when output is not a
// terminal (a CI log), nothing with --quiet or --json.
import type { Progress } from './result.ts';

export interface Reporter {
  progress(p: Progress): void;
  /** Clears whatever the reporter left on screen, before the final report is printed. */
  done(): void;
}

export const silentReporter: Reporter = { progress: () => undefined, done: () => undefined };

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

export function ttyReporter(write: (s: string) => void): Reporter {
  let shown = false;
  const rate = rateMeter();
  return {
    progress(p) {
      write(`\r\x1b[K${progressLine(p, rate(p))}`);
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
export function logReporter(write: (s: string) => void): Reporter {
  let next = LOG_EVERY_SECONDS;
  const rate = rateMeter();
  return {
    progress(p) {
      if (p.seconds < next) return;
      write(`progress: ${progressLine(p, rate(p))}\n`);
      next = p.seconds + LOG_EVERY_SECONDS;
    },
    done: () => undefined,
  };
}

export function pickReporter(options: { quiet: boolean; json: boolean; isTTY: boolean; write: (s: string) => void }): Reporter {
  if (options.quiet || options.json) return silentReporter;
  return options.isTTY ? ttyReporter(options.write) : logReporter(options.write);
}
