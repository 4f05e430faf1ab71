// Two kinds of failure that are not verdicts: bad input (one line, exit code 2) and a model that
// broke its contract (one line and, where there is one, the trace to the state; exit code 3).
import type { TraceState } from './result.ts';

/** Bad input or misuse of the harness: a malformed file, an unknown name, a bound out of range. */
export class HarnessError extends Error {
  override readonly name = 'HarnessError';
}

/** A model broke its contract at run time: a step threw, a state did not fit its codec. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  /** The path from an initial state to the state the model could not handle, where the search has it. */
  trace?: readonly TraceState[];
}

/** What a thrown value says: an Error's message, or the value itself. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A step's choices, guard or recipe threw: a ModelError naming the step (one already is kept as it is). */
export function stepError(modelName: string, stepKey: string, part: string, e: unknown): ModelError {
  if (e instanceof ModelError) return e;
  return new ModelError(`model ${modelName}: step ${stepKey} threw in its ${part}: ${errorMessage(e)}`);
}

/** Why the file system refused a path, in words where the code is a common one. */
export function fileTrouble(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'it is a folder';
    case 'ENOTDIR':
      return 'a part of its path is a file';
    case 'EACCES':
      return 'permission denied';
    default:
      return code ?? errorMessage(e);
  }
}

/** A file the user named that cannot be read, in one line: which, and why. */
export function unreadable(shown: string, what: string, e: unknown): HarnessError {
  return new HarnessError(`${shown}: cannot read the ${what} (${fileTrouble(e)})`);
}
