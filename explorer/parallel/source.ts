// What a worker thread needs to build the same compiled model as the coordinator: the model module,
// the variant modules and the params, all of which cross a thread boundary as plain data.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, type Compiled } from '../compile.ts';
import { loadModel, loadVariant, type Workspace } from '../load.ts';
import { applyVariant } from '../variant.ts';

export interface WorkerSource {
  /** Absolute path of the model module. */
  readonly modelFile: string;
  /** Absolute path of the variant module (compositions: the paths joined by `+`), or null. */
  readonly variantFile: string | null;
  /** The params, already validated against the model's schema. */
  readonly params: unknown;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export async function compileSource(source: WorkerSource): Promise<Compiled<unknown, unknown>> {
  // Absolute paths need no catalog.
  const ws: Workspace = { root: ROOT, cwd: ROOT, catalog: { defaultConfig: '', models: {}, configsDir: '.', variants: {} } };
  const { model: baseline } = await loadModel(ws, source.modelFile);
  const model = source.variantFile === null ? baseline : applyVariant(baseline, (await loadVariant(ws, source.variantFile)).variant);
  return compile(model, source.params);
}
