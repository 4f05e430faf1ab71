// A search worker thread: builds the model from its source, then expands the share of each level it
// is sent (expand.ts) and posts its results back, the chunks' buffers transferred.
import { parentPort, workerData } from 'node:worker_threads';
import { layoutSignature } from '../checkpoint.ts';
import type { Codec } from '../codec.ts';
import { Expander, type ExpandSettings } from './expand.ts';
import type { LevelSpec } from './level.ts';
import { compileSource, type WorkerSource } from './source.ts';

interface Start {
  readonly source: WorkerSource;
  readonly settings: Omit<ExpandSettings, 'stopping'> & { readonly stopping: readonly string[] };
}

const port = parentPort!;
const start = workerData as Start;
try {
  const compiled = await compileSource(start.source);
  const settings: ExpandSettings = { ...start.settings, stopping: new Set(start.settings.stopping) };
  const expander = new Expander(compiled, settings);
  port.on('message', (level: LevelSpec) => {
    try {
      const report = expander.run(level);
      port.postMessage({ type: 'report', report }, [...report.results, ...report.states, ...report.fired].map((r) => r.buffer as ArrayBuffer));
    } catch (e) {
      port.postMessage({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
    }
  });
  port.postMessage({ type: 'ready', steps: compiled.stepKeys, layout: layoutSignature(compiled.codec as Codec<unknown>) });
} catch (e) {
  port.postMessage({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
}
