// A search worker thread: builds the model from its source, then expands the share of each level it
// is sent (expand.ts) and posts its results back, the chunks' buffers transferred; then, kept for
// the next search in the process, builds that one's model.
import { parentPort, workerData } from 'node:worker_threads';
import { layoutSignature } from '../checkpoint.ts';
import type { Codec } from '../codec.ts';
import { awaitFinished, Expander, type ExpandSettings } from './expand.ts';
import type { LevelSpec } from './level.ts';
import type { PoolLoad } from './pool.ts';
import { compileSource } from './source.ts';

const port = parentPort!;
let expander: Expander<unknown> | null = null;

/** Builds the model a search's threads expand, and says so (or why not). */
async function load(start: PoolLoad): Promise<void> {
  try {
    expander = null;
    const compiled = await compileSource(start.source);
    const settings: ExpandSettings = { ...start.settings, stopping: new Set(start.settings.stopping) };
    expander = new Expander(compiled, settings);
    port.postMessage({ type: 'ready', steps: compiled.stepKeys, layout: layoutSignature(compiled.codec as Codec<unknown>) });
  } catch (e) {
    port.postMessage({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
  }
}

function run(level: LevelSpec): void {
  try {
    if (expander === null) throw new Error('no model loaded');
    const expanded = expander.run(level);
    awaitFinished(level);
    const report = expander.resolve(expanded, level);
    port.postMessage({ type: 'report', report }, [...report.claims, ...report.states, ...report.edges, ...report.fired].map((r) => r.buffer as ArrayBuffer));
    if (level.grower === true && level.growAfter) port.postMessage({ type: 'grown', capacity: expander.growAfter(level) });
  } catch (e) {
    port.postMessage({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
  }
}

// One message at a time, in order: a later search's load waits for the first one's (pool.ts keeps
// the threads for the next search in the process).
let queue = load(workerData as PoolLoad);
port.on('message', (m: LevelSpec | { load: PoolLoad }) => {
  queue = queue.then(() => ('load' in m ? load(m.load) : run(m)));
});
