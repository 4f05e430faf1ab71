// Loading what the user names: a model or variant module by catalog name or by any file path, a
// config by name or path. Every failure is a HarnessError whose message starts with the file.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { z } from 'zod';
import type { Catalog } from './catalog.ts';
import { HarnessError, unreadable } from './errors.ts';
import type { AnyModel } from './model.ts';
import { composeVariants, type AnyVariant } from './variant.ts';
import { importUserModule } from './user-modules.ts';
import { formatZodError } from './zod-errors.ts';

export interface Workspace {
  /** Repository root: catalog paths are relative to it. */
  readonly root: string;
  /** Where relative paths given on the command line start. */
  readonly cwd: string;
  readonly catalog: Catalog;
}

const KEBAB = /^[a-z0-9][a-z0-9-]*$/;

export const ConfigFileSchema = z
  .object({
    name: z.string().regex(KEBAB, 'a config name is kebab-case'),
    model: z.string().min(1),
    description: z.string().optional(),
    params: z.record(z.string(), z.unknown()).default({}),
    /** Bounds the config is checked within ("all invariants hold up to this bound"); options override. */
    bounds: z
      .object({
        maxDepth: z.number().int().min(0).max(1_000_000).optional(),
        maxStates: z.number().int().min(1).optional(),
        maxSeconds: z.number().positive().optional(),
      })
      .strict()
      .optional(),
    expect: z
      .object({
        verdict: z.enum(['ok', 'violation', 'incomplete']),
        distinctStates: z.number().int().positive().optional(),
        statesGenerated: z.number().int().positive().optional(),
        depth: z.number().int().nonnegative().optional(),
        /** Steps the search never fires at this config (`process/step`); absent: every step fires. */
        neverFired: z.array(z.string()).optional(),
        violates: z.array(z.string()).default([]),
        /**
         * Violations of the baseline that are known findings of the design it follows: the search
         * records them and goes on, and only anything else makes `explore` exit 1.
         */
        findings: z
          .array(
            z
              .object({
                property: z.string().min(1),
                length: z.number().int().positive(),
                writeup: z.string().min(1),
              })
              .strict(),
          )
          .default([]),
        seconds: z.number().positive().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof ConfigFileSchema>;
export type Finding = NonNullable<ConfigFile['expect']>['findings'][number];

export interface LoadedConfig {
  readonly file: string;
  readonly config: ConfigFile;
}

function looksLikePath(name: string): boolean {
  return name.includes('/') || name.includes('\\') || /\.(json|ts|mts|js|mjs)$/.test(name);
}

function display(ws: Workspace, file: string): string {
  const rel = relative(ws.cwd, file);
  if (rel === '') return '.';
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

export function configNames(ws: Workspace): string[] {
  const dir = resolve(ws.root, ws.catalog.configsDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

export function readJsonFile(ws: Workspace, file: string, what: string): unknown {
  const shown = display(ws, file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw unreadable(shown, what, e);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new HarnessError(`${shown}: the ${what} is not valid JSON (${(e as Error).message})`);
  }
}

export function loadConfig(ws: Workspace, nameOrPath: string): LoadedConfig {
  const file = looksLikePath(nameOrPath)
    ? resolve(ws.cwd, nameOrPath)
    : resolve(ws.root, ws.catalog.configsDir, `${nameOrPath}.json`);
  if (!existsSync(file)) {
    const known = configNames(ws).join(', ');
    throw new HarnessError(`${display(ws, file)}: no such config file (known configs: ${known})`);
  }
  const parsed = ConfigFileSchema.safeParse(readJsonFile(ws, file, 'config'));
  if (!parsed.success) throw new HarnessError(`${display(ws, file)}: ${formatZodError(parsed.error)}`);
  return { file, config: parsed.data };
}

/** Resolves a catalog name, or a path, to an absolute module file. */
function catalogFile(ws: Workspace, what: 'model' | 'variant', table: Readonly<Record<string, string>>, nameOrPath: string): string {
  if (looksLikePath(nameOrPath)) return resolve(ws.cwd, nameOrPath);
  const path = table[nameOrPath];
  if (path === undefined) {
    const known = Object.keys(table).sort().join(', ');
    throw new HarnessError(`unknown ${what} '${nameOrPath}' (known ${what}s: ${known}; or give a path to a .ts file)`);
  }
  return resolve(ws.root, path);
}

export const modelFile = (ws: Workspace, nameOrPath: string): string => catalogFile(ws, 'model', ws.catalog.models, nameOrPath);

export const variantFile = (ws: Workspace, idOrPath: string): string => catalogFile(ws, 'variant', ws.catalog.variants, idOrPath);

async function importDefault(ws: Workspace, file: string, what: string): Promise<unknown> {
  const shown = display(ws, file);
  if (!existsSync(file)) throw new HarnessError(`${shown}: no such ${what} file`);
  let mod: { default?: unknown };
  try {
    mod = await importUserModule(ws.root, file);
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new HarnessError(`${shown}: cannot load the ${what} module (${msg})`);
  }
  if (mod.default === undefined) throw new HarnessError(`${shown}: the ${what} module has no default export`);
  return mod.default;
}

const FUNCTION = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'expected a function');

const ModelShape = z.object({
  name: z.string().min(1),
  description: z.string(),
  follows: z.string(),
  params: z.custom((v) => typeof v === 'object' && v !== null && 'safeParse' in v, 'expected a zod schema'),
  init: FUNCTION,
  codec: FUNCTION,
  processes: FUNCTION,
  invariants: z.array(z.object({ name: z.string().min(1), description: z.string(), source: z.string(), holds: FUNCTION })),
});

const VariantShape = z.object({
  id: z.string().regex(KEBAB, 'a variant id is kebab-case'),
  title: z.string().min(1),
  source: z.string().min(1),
  model: z.string().min(1),
  expect: z.object({ violates: z.array(z.string()), fixes: z.array(z.string()).optional(), config: z.string().regex(KEBAB).optional() }),
  state: z.record(z.string(), z.object({ codec: FUNCTION, init: FUNCTION })).optional(),
});

/** Imports a module's default export and checks its shape against the contract. */
async function importChecked(ws: Workspace, file: string, what: string, shape: z.ZodType): Promise<unknown> {
  const value = await importDefault(ws, file, what);
  const checked = shape.safeParse(value);
  if (!checked.success) {
    throw new HarnessError(`${display(ws, file)}: the default export is not a ${what} (${formatZodError(checked.error)})`);
  }
  return value;
}

export async function loadModel(ws: Workspace, nameOrPath: string): Promise<{ file: string; model: AnyModel }> {
  const file = modelFile(ws, nameOrPath);
  return { file, model: (await importChecked(ws, file, 'model', ModelShape)) as AnyModel };
}

/**
 * A variant by id or path; `a+b` (what `--variant a --variant b` makes) composes variants in that
 * order. The file of a composition is its parts' files joined by `+`.
 */
export async function loadVariant(ws: Workspace, idOrPath: string): Promise<{ file: string; variant: AnyVariant }> {
  if (idOrPath.includes('+') && !existsSync(resolve(ws.cwd, idOrPath))) {
    const parts = [];
    for (const part of idOrPath.split('+')) parts.push(await loadVariant(ws, part));
    return { file: parts.map((p) => p.file).join('+'), variant: composeVariants(parts.map((p) => p.variant)) };
  }
  const file = variantFile(ws, idOrPath);
  return { file, variant: (await importChecked(ws, file, 'variant', VariantShape)) as AnyVariant };
}

/** Validates a config's params against the model's schema, reporting every bad path on one line. */
export function parseParams(model: AnyModel, params: unknown, where: string): unknown {
  const parsed = model.params.safeParse(params);
  if (!parsed.success) throw new HarnessError(`${where}: params for model ${model.name}: ${formatZodError(parsed.error)}`);
  // A symmetry the params declare and the model cannot reduce by is a fault of these params too.
  try {
    model.symmetry?.(parsed.data);
  } catch (e) {
    if (e instanceof HarnessError) throw new HarnessError(`${where}: params for model ${model.name}: ${e.message.replace(/^params: /, '')}`);
    throw e;
  }
  return parsed.data;
}

export function displayPath(ws: Workspace, file: string): string {
  return display(ws, file);
}
