// A checkpointed search runs on a thread of its own (the parallel one with its worker threads beside
// it), so that Ctrl-C reaches it: on the main thread a signal handler would run only once the search
// is over. The first Ctrl-C asks the search to stop at its next check (about every thousand states,
// or the next chunk of a level) and write its checkpoint; a second one ends the process at once.
import { Worker } from 'node:worker_threads';
import type { ExploreOptions } from '../bfs.ts';
import { HarnessError, ModelError } from '../errors.ts';
import type { WorkerSource } from '../parallel/source.ts';
import type { ExploreResult, Progress } from '../result.ts';

export interface ThreadStart {
  readonly source: WorkerSource;
  /** The search's options without its callbacks (they cannot cross to a thread). */
  readonly options: Omit<ExploreOptions, 'onProgress' | 'interrupt'>;
  /** One Int32: non-zero once Ctrl-C asked the search to stop. */
  readonly interrupt: SharedArrayBuffer;
  /** Threads that expand states: above one, the parallel search runs on this thread with its workers. */
  readonly workers: number;
}

type Message =
  | { readonly type: 'progress'; readonly progress: Progress }
  | { readonly type: 'done'; readonly result: ExploreResult }
  | { readonly type: 'failed'; readonly name: string; readonly message: string; readonly trace?: ModelError['trace'] };

export interface ThreadHooks {
  /** Called on the first Ctrl-C, before the search has stopped. */
  readonly onInterrupt?: () => void;
}

export function exploreOnThread(source: WorkerSource, options: ExploreOptions, hooks: ThreadHooks = {}, workers = 1): Promise<ExploreResult> {
  const { onProgress, interrupt: _mainThreadOnly, ...rest } = options;
  const flag = new SharedArrayBuffer(4);
  const start: ThreadStart = { source, options: rest, interrupt: flag, workers };
  const worker = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: start });
  const onSigint = (): void => {
    if (Atomics.exchange(new Int32Array(flag), 0, 1) !== 0) process.exit(130);
    hooks.onInterrupt?.();
  };
  process.on('SIGINT', onSigint);
  return new Promise<ExploreResult>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void): void => {
      if (settled) return;
      settled = true;
      process.off('SIGINT', onSigint);
      f();
      void worker.terminate();
    };
    worker.on('message', (m: Message) => {
      if (m.type === 'progress') onProgress?.(m.progress);
      else if (m.type === 'done') settle(() => resolve(m.result));
      else settle(() => reject(rebuildError(m)));
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.on('exit', (code) => settle(() => reject(new Error(`the search thread exited (code ${code}) before it returned`))));
  });
}

function rebuildError(m: Extract<Message, { type: 'failed' }>): Error {
  if (m.name === 'HarnessError') return new HarnessError(m.message);
  if (m.name !== 'ModelError') return new Error(m.message);
  const e = new ModelError(m.message);
  if (m.trace !== undefined) e.trace = m.trace;
  return e;
}
