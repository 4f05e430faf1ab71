// Where progress goes while a search runs: a line rewritten in place on a terminal (at most once a
// second, which the search itself paces), nothing when output is piped or --quiet is given.
import type { Progress } from './result.ts';

export interface Reporter {
  progress(p: Progress): void;
  /** Clears whatever the reporter left on screen, before the final report is printed. */
  done(): void;
}

export const silentReporter: Reporter = { progress: () => undefined, done: () => undefined };

export function ttyReporter(write: (s: string) => void): Reporter {
  let shown = false;
  return {
    progress(p) {
      const rate = p.seconds > 0 ? Math.round(p.distinctStates / p.seconds) : 0;
      const line =
        `${p.distinctStates.toLocaleString('en-US')} distinct, ${p.statesGenerated.toLocaleString('en-US')} generated, ` +
        `depth ${p.depth}, frontier ${p.frontier.toLocaleString('en-US')}, ${rate.toLocaleString('en-US')} states/s, ${p.seconds.toFixed(0)} s`;
      write(`\r\x1b[K${line}`);
      shown = true;
    },
    done() {
      if (shown) write('\r\x1b[K');
      shown = false;
    },
  };
}

export function pickReporter(options: { quiet: boolean; json: boolean; isTTY: boolean; write: (s: string) => void }): Reporter {
  return options.quiet || options.json || !options.isTTY ? silentReporter : ttyReporter(options.write);
}
