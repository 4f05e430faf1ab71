// --checkpoint DIR and --resume DIR: what a checkpointed run adds to the search (where and how often
// to write it), and a resumed run's target and options, read back from the checkpoint and checked
// against the model as it is now. A checkpointed one-thread search runs on a thread of its own so that
// Ctrl-C writes its checkpoint (thread/search-thread.ts); a run killed otherwise resumes from its last
// periodic checkpoint.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ExploreOptions } from '../bfs.ts';
import { checkpointEntry, hasCheckpoint, layoutSignature, readCheckpoint, removeCheckpoint, type CheckpointIdentity } from '../checkpoint.ts';
import type { Codec } from '../codec.ts';
import { HarnessError } from '../errors.ts';
import { displayPath } from '../load.ts';
import type { ExploreResult } from '../result.ts';
import type { CliContext } from './io.ts';
import { resolveTarget, type Target, type TargetOptions } from './target.ts';
import { checkFolder } from './save.ts';

export interface CheckpointCliOptions {
  readonly checkpoint?: string;
  /** Seconds between two checkpoints. */
  readonly checkpointEvery?: number;
  readonly resume?: string;
}

export const DEFAULT_CHECKPOINT_SECONDS = 300;

/** The options a run saves with its checkpoint: everything but what only shapes the output. */
const OUTPUT_ONLY = new Set(['json', 'quiet', 'out', 'save', 'render', 'checkpoint', 'resume', 'config', 'model', 'variant', 'param', 'workers']);

export interface CheckpointPlan<O> {
  readonly target: Target;
  readonly options: O;
  readonly explore: Partial<ExploreOptions>;
  /** After the search: a finished search no longer needs its checkpoint; a stopped one says how to go on. */
  finish(result: ExploreResult): string | null;
}

/** This run's output options as flags, for the command that goes on (a resume takes its own anew). */
function outputFlags(options: Readonly<Record<string, unknown>>): string {
  const flags: string[] = [];
  if (options['save'] === false) flags.push('--no-save');
  if (options['out'] !== undefined && options['out'] !== 'counterexamples') flags.push(`--out ${String(options['out'])}`);
  if (options['workers'] !== undefined) flags.push(`--workers ${String(options['workers'])}`);
  if (options['json'] === true) flags.push('--json');
  return flags.map((f) => ` ${f}`).join('');
}

/** Bounds on what a run may spend: a resumed run may take new ones, since they do not change what the search finds within them. */
const SPENDING = new Set(['maxSeconds', 'maxStates', 'maxMemory', 'checkpointEvery']);

/** What a run checks (TargetOptions), saved beside its other options. */
const TARGET = new Set(['config', 'model', 'variant', 'param']);

/** The options given as --no-X, true by default. */
const NEGATABLE = new Set(['liveness', 'deadlock', 'por', 'save']);

/** An option's value as the command line gives it: `--max-depth 30`, `--no-liveness`, `-p devices=1`. */
function asFlag(key: string, value: unknown): string {
  const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  if (key === 'param') {
    const entries = Object.entries((value ?? {}) as Record<string, unknown>);
    return entries.length === 0 ? 'no --param' : entries.map(([k, v]) => `-p ${k}=${JSON.stringify(v)}`).join(' ');
  }
  if (value === undefined) return `no ${flag}`;
  if (value === true) return NEGATABLE.has(key) ? `no --no-${flag.slice(2)}` : flag;
  if (value === false) return `--no-${flag.slice(2)}`;
  return `${flag} ${Array.isArray(value) ? value.join(' ') : String(value)}`;
}

/**
 * A resumed run goes on with the options its run was started with; of those the command line gives
 * again (`given`), each must be the run's own, but the bounds on what it spends, which it takes.
 */
function resumedOptions<O extends object>(shown: string, identity: CheckpointIdentity, options: O, given: ReadonlySet<string>): O {
  const saved = identity.options;
  const args = identity.args as Readonly<Record<string, unknown>>;
  const now = options as Readonly<Record<string, unknown>>;
  for (const key of given) {
    const target = TARGET.has(key);
    if (SPENDING.has(key) || (OUTPUT_ONLY.has(key) && !target)) continue;
    const own = target ? args[key] : saved[key];
    if (JSON.stringify(now[key]) !== JSON.stringify(own)) {
      throw new HarnessError(`${shown}: the search goes on with the options it was started with; ${asFlag(key, now[key])} is not one of them (it ran with ${asFlag(key, own)}): start a new run for it`);
    }
  }
  const taken = Object.fromEntries(Object.entries(now).filter(([k]) => (OUTPUT_ONLY.has(k) && k !== 'resume') || (SPENDING.has(k) && given.has(k))));
  return { ...saved, ...taken } as O;
}

export async function checkpointPlan<O extends TargetOptions & CheckpointCliOptions>(ctx: CliContext, options: O, given: ReadonlySet<string> = new Set()): Promise<CheckpointPlan<O>> {
  if (options.resume !== undefined && options.checkpoint !== undefined) throw new HarnessError('--resume DIR goes on writing to DIR: give it without --checkpoint');
  const folderArg = options.resume ?? options.checkpoint;
  if (folderArg === undefined && options.checkpointEvery !== undefined) throw new HarnessError('--checkpoint-every: a run writes checkpoints only with --checkpoint DIR (or --resume DIR)');
  if (folderArg === undefined) return { target: await resolveTarget(ctx.ws, options), options, explore: {}, finish: () => null };
  const folder = resolve(ctx.ws.cwd, folderArg);
  const shown = displayPath(ctx.ws, folder);
  let target: Target;
  let runOptions: O = options;
  let identity: CheckpointIdentity;
  const explore: { -readonly [K in keyof ExploreOptions]?: ExploreOptions[K] } = {};
  if (options.resume !== undefined) {
    const read = readCheckpoint(folder);
    identity = read.identity;
    target = await resolveTarget({ ...ctx.ws, cwd: identity.cwd }, identity.args as TargetOptions);
    const now = layoutSignature(target.compiled.codec as Codec<unknown>);
    if (target.model.name !== identity.model || now !== identity.layout || target.compiled.stepKeys.join() !== identity.steps.join()) {
      throw new HarnessError(`${shown}: the checkpoint was written for another version of model ${identity.model} (its state layout or steps differ); it cannot be resumed`);
    }
    // The saved run's options, with this command's output options and bounds on spending.
    runOptions = resumedOptions(shown, identity, options, given);
    explore.resume = read.snapshot;
  } else {
    checkFolder(ctx.ws, '--checkpoint', folder);
    if (hasCheckpoint(folder)) throw new HarnessError(`${shown}: holds a checkpoint already; go on with --resume ${folderArg}, or name another folder`);
    // A checkpoint replaces what has its name: only an earlier checkpoint may.
    const entry = checkpointEntry(folder);
    if (existsSync(entry)) throw new HarnessError(`${displayPath(ctx.ws, entry)}: is not a checkpoint; nothing written (name another folder)`);
    target = await resolveTarget(ctx.ws, options);
    identity = {
      args: { config: options.config, model: options.model, variant: options.variant, param: options.param },
      cwd: ctx.ws.cwd,
      model: target.model.name,
      variant: target.variant?.id ?? null,
      params: target.params,
      layout: layoutSignature(target.compiled.codec as Codec<unknown>),
      steps: target.compiled.stepKeys,
      options: Object.fromEntries(Object.entries(options).filter(([k, v]) => !OUTPUT_ONLY.has(k) && v !== undefined)),
    };
  }
  const seconds = (runOptions.checkpointEvery ?? DEFAULT_CHECKPOINT_SECONDS) as number;
  explore.checkpoint = { folder, everyMs: seconds * 1000, identity };
  return {
    target,
    options: runOptions,
    explore,
    finish: (result) => {
      const stopped = result.kind === 'incomplete' || (result.kind === 'violation' && result.incomplete !== undefined);
      if (stopped && result.stats.checkpoint) return `search written to ${shown}; go on with: npx sva-check explore --resume ${folderArg}${outputFlags(runOptions as Readonly<Record<string, unknown>>)}`;
      if (!stopped) removeCheckpoint(folder);
      return null;
    },
  };
}
