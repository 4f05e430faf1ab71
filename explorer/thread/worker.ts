// The search thread: builds the model from its source and runs the search (with worker threads of
// its own when asked for more than one), reading its interrupt request from memory the main thread
// shares, and posting progress and the result back.
import { parentPort, workerData } from 'node:worker_threads';
import { explore, type ExploreOptions } from '../bfs.ts';
import { errorMessage, ModelError } from '../errors.ts';
import { exploreParallel } from '../parallel/coordinator.ts';
import { compileSource } from '../parallel/source.ts';
import type { ThreadStart } from './search-thread.ts';

const port = parentPort!;
const start = workerData as ThreadStart;
const flag = new Int32Array(start.interrupt);
try {
  const compiled = await compileSource(start.source);
  const options: ExploreOptions = {
    ...start.options,
    interrupt: {
      get requested() {
        return Atomics.load(flag, 0) !== 0;
      },
    },
    onProgress: (progress) => port.postMessage({ type: 'progress', progress }),
  };
  const result = start.workers > 1 ? await exploreParallel(compiled, options, { workers: start.workers, source: start.source }) : explore(compiled, options);
  port.postMessage({ type: 'done', result });
} catch (e) {
  const trace = e instanceof ModelError ? e.trace : undefined;
  port.postMessage({ type: 'failed', name: e instanceof Error ? e.name : 'Error', message: errorMessage(e), trace });
}
