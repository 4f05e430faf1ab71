// `sva-check replay FILE`: re-execute a saved counterexample and say whether it still violates.
import { resolve } from 'node:path';
import { HarnessError } from '../errors.ts';
import { displayPath, readJsonFile, type Workspace } from '../load.ts';
import { CounterexampleSchema, variantOf, type CounterexampleFile } from '../trace/itf.ts';
import { fromItfValue } from '../trace/itf-value.ts';
import { replayTrace, type ReplayOutcome } from '../trace/replay.ts';
import { formatZodError } from '../zod-errors.ts';
import type { CliContext } from './io.ts';
import { resolveTarget, type Target } from './target.ts';
import type { RenderFormat } from '../render/input.ts';
import { renderCommand } from './render-command.ts';

export interface ReplayReport {
  readonly doc: CounterexampleFile;
  readonly outcome: ReplayOutcome;
  /** Whether the replay ran under the file's variant (false: under the baseline). */
  readonly underVariant: boolean;
}

export function readCounterexample(ws: Workspace, file: string): CounterexampleFile {
  const parsed = CounterexampleSchema.safeParse(readJsonFile(ws, file, 'counterexample'));
  if (!parsed.success) throw new HarnessError(`${displayPath(ws, file)}: not a counterexample file (${formatZodError(parsed.error)})`);
  return parsed.data;
}

/** A counterexample file and the model, variant and params it was recorded on, resolved as explore resolves them. */
export async function fileTarget(ws: Workspace, path: string, options: { baseline?: boolean } = {}): Promise<{ file: string; doc: CounterexampleFile; target: Target; underVariant: boolean }> {
  const file = resolve(ws.cwd, path);
  const doc = readCounterexample(ws, file);
  const meta = doc['#meta'];
  const variant = variantOf(doc);
  const underVariant = variant !== null && !(options.baseline ?? false);
  // The params as written: ITF values (a null param is Quint's None).
  const params = fromItfValue(undefined, meta.config.params);
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new HarnessError(`${displayPath(ws, file)}: #meta.config.params is not an object of params`);
  }
  // Recorded paths are relative to the repository's root.
  let target;
  try {
    target = await resolveTarget(
      { ...ws, cwd: ws.root },
      {
        model: meta.model.file ?? meta.model.name,
        ...(underVariant && variant ? { variant: variant.file ?? variant.id } : {}),
        param: params as Record<string, unknown>,
      },
    );
  } catch (e) {
    if (e instanceof HarnessError) throw new HarnessError(`${displayPath(ws, file)}: ${e.message}`);
    throw e;
  }
  if (target.baseline.name !== meta.model.name) {
    throw new HarnessError(`${displayPath(ws, file)}: recorded for model '${meta.model.name}', but that file holds '${target.baseline.name}'`);
  }
  return { file, doc, target, underVariant };
}

export async function replayFile(ws: Workspace, path: string, options: { baseline?: boolean } = {}): Promise<ReplayReport> {
  const { file, doc, target, underVariant } = await fileTarget(ws, path, options);
  let outcome: ReplayOutcome;
  try {
    outcome = replayTrace(target.compiled, doc);
  } catch (e) {
    if (e instanceof HarnessError) throw new HarnessError(`${displayPath(ws, file)}: ${e.message}`);
    throw e;
  }
  return { doc, outcome, underVariant };
}

/** Whether the file's recorded expectation holds: it still violates, or the fix made it pass. */
export async function expectationHolds(ws: Workspace, path: string): Promise<{ holds: boolean; report: ReplayReport }> {
  const doc = readCounterexample(ws, resolve(ws.cwd, path));
  const fixed = doc['#meta'].expect === 'fixed';
  const report = await replayFile(ws, path, { baseline: fixed });
  const reproduced = report.outcome.kind === 'reproduced';
  return { holds: fixed ? !reproduced : reproduced, report };
}

export async function replayCommand(ctx: CliContext, path: string, options: { baseline?: boolean; json?: boolean; render?: RenderFormat }): Promise<number> {
  const { doc, outcome, underVariant } = await replayFile(ctx.ws, path, options);
  const meta = doc['#meta'];
  const under = underVariant && meta.variant ? `variant ${meta.variant.id}` : 'the baseline';
  // Under the model it was recorded on, a file that stops matching is stale or edited: bad input.
  // Under --baseline a trace of a variant may well leave the baseline's paths: that is how a fix shows.
  if (outcome.kind === 'diverged' && !options.baseline) {
    throw new HarnessError(`${path}: no longer matches ${under} of model ${meta.model.name} (${outcome.reason}); explore again to record a current trace`);
  }
  if (options.render) {
    ctx.io.err(`${path}: ${outcome.kind.replace('-', ' ')} under ${under} after ${outcome.steps} steps`);
    await renderCommand(ctx, path, { format: options.render });
  } else if (options.json) {
    ctx.io.out(JSON.stringify({ file: path, property: meta.property.name, under, ...outcome }));
  } else if (outcome.kind === 'reproduced') {
    ctx.io.out(`${path}: ${meta.property.name} still violated under ${under} after ${outcome.steps} steps (model ${meta.model.name}).`);
  } else if (outcome.kind === 'not-reproduced') {
    ctx.io.out(`${path}: ${meta.property.name} no longer violated under ${under}: the trace still applies, and ${outcome.reason}.`);
  } else {
    ctx.io.out(`${path}: ${meta.property.name} does not reproduce under ${under}: its path leaves the model there (${outcome.reason}).`);
  }
  return outcome.kind === 'reproduced' ? 1 : 0;
}
