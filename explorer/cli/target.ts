// What a command checks: a model, the params it runs with, and at most one variant, resolved from
// --config / --model / --variant / --param, or from the catalog's default config.
import { dirname, resolve } from 'node:path';
import { compile, type Compiled } from '../compile.ts';
import { HarnessError } from '../errors.ts';
import { displayPath, loadConfig, loadModel, loadVariant, parseParams, type ConfigFile, type Workspace } from '../load.ts';
import type { AnyModel } from '../model.ts';
import { applyVariant, type AnyVariant } from '../variant.ts';

export interface TargetOptions {
  readonly config?: string;
  readonly model?: string;
  readonly variant?: string;
  readonly param?: Record<string, unknown>;
  /** Where `param` comes from, for its errors (default: the command line). */
  readonly paramSource?: string;
}

export interface Target {
  readonly baseline: AnyModel;
  readonly model: AnyModel;
  readonly modelFile: string;
  readonly config: ConfigFile | null;
  readonly configName: string | null;
  readonly params: unknown;
  readonly variant: AnyVariant | null;
  readonly variantFile: string | null;
  readonly compiled: Compiled<unknown, unknown>;
}

export async function resolveTarget(ws: Workspace, options: TargetOptions): Promise<Target> {
  let config: ConfigFile | null = null;
  let where = options.paramSource ?? 'command line';
  let modelRef = options.model;
  let modelBase = ws.cwd;
  if (options.config !== undefined || options.model === undefined) {
    const loaded = loadConfig(ws, options.config ?? ws.catalog.defaultConfig);
    config = loaded.config;
    where = displayPath(ws, loaded.file);
    if (modelRef !== undefined && modelRef !== config.model) {
      throw new HarnessError(`${where}: the config is for model '${config.model}', not '${modelRef}'`);
    }
    modelRef = config.model;
    modelBase = dirname(loaded.file);
  }
  const ref = modelRef!;
  const { file: modelFile, model: baseline } = await loadModel(
    { ...ws, cwd: ref.includes('/') && config ? modelBase : ws.cwd },
    ref,
  );
  let variant: AnyVariant | null = null;
  let variantFile: string | null = null;
  let model = baseline;
  if (options.variant !== undefined) {
    const loaded = await loadVariant(ws, options.variant);
    variant = loaded.variant;
    variantFile = loaded.file;
    try {
      model = applyVariant(baseline, variant);
    } catch (e) {
      if (e instanceof HarnessError) throw new HarnessError(`${displayPath(ws, loaded.file)}: ${e.message}`);
      throw e;
    }
  }
  const params = paramsOf(model, config, options.param ?? {}, where);
  return {
    baseline,
    model,
    modelFile: resolve(modelFile),
    config,
    configName: config?.name ?? null,
    params,
    variant,
    variantFile,
    compiled: compileNamingTheFile(ws, model, params, variant, variantFile, modelFile),
  };
}

/** Variant edits are checked when the processes are built: an error then names the file at fault. */
function compileNamingTheFile(
  ws: Workspace,
  model: AnyModel,
  params: unknown,
  variant: AnyVariant | null,
  variantFile: string | null,
  modelFile: string,
): Compiled<unknown, unknown> {
  try {
    return compile(model, params);
  } catch (e) {
    if (!(e instanceof HarnessError)) throw e;
    const blame = variant && variantFile && (e.message.startsWith(`variant ${variant.id}`) || namesAnEditOf(variant, e.message)) ? variantFile : modelFile;
    throw new HarnessError(`${displayPath(ws, blame)}: ${e.message}`);
  }
}

/** Whether the message is about a liveness property the variant adds or replaces. */
function namesAnEditOf(variant: AnyVariant, message: string): boolean {
  const edits = variant.liveness;
  const names = [...Object.keys(edits?.replace ?? {}), ...(edits?.add ?? []).map((p) => p.name)];
  return names.some((name) => message.includes(`liveness property ${name} `));
}

/** The config's params with the command line's over them; what is wrong is blamed on the overrides where the config's alone are valid. */
function paramsOf(model: AnyModel, config: ConfigFile | null, overrides: Record<string, unknown>, where: string): unknown {
  const merged = { ...(config?.params ?? {}), ...overrides };
  try {
    return parseParams(model, merged, where);
  } catch (e) {
    if (!(e instanceof HarnessError) || config === null || Object.keys(overrides).length === 0) throw e;
    parseParams(model, config.params, where);
    return parseParams(model, merged, `--param over ${where}`);
  }
}
