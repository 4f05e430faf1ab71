// The CLI's view of the outside world, injected so tests run commands in-process.
import type { Workspace } from '../load.ts';

export interface Io {
  /** A line (or block) for standard output; a newline is added. */
  readonly out: (text: string) => void;
  /** An error line for standard error; a newline is added. */
  readonly err: (text: string) => void;
  /** Raw text for the progress line on standard error (no newline added). */
  readonly progress: (text: string) => void;
  readonly isTTY: boolean;
}

export interface CliContext {
  readonly io: Io;
  readonly ws: Workspace;
}
