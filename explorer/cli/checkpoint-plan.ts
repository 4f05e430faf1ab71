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

export async function checkpointPlan<O extends TargetOptions & CheckpointCliOptions>(ctx: CliContext, options: O): Promise<CheckpointPlan<O>> {
  if (options.resume !== undefined && options.checkpoint !== undefined) throw new HarnessError('--resume DIR goes on writing to DIR: give it without --checkpoint');
  const folderArg = options.resume ?? options.checkpoint;
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
    // The saved run's options, with this command's output options.
    const output = Object.fromEntries(Object.entries(options).filter(([k]) => OUTPUT_ONLY.has(k) && k !== 'resume'));
    runOptions = { ...identity.options, ...output } as O;
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
