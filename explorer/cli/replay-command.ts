// `sva-check replay FILE`: re-execute a saved counterexample and say whether it still violates.
import { dirname, relative, resolve } from 'node:path';
import { HarnessError } from '../errors.ts';
import { displayPath, readJsonFile, type Workspace } from '../load.ts';
import { CounterexampleSchema, itfStates, variantOf, type CounterexampleFile } from '../trace/itf.ts';
import { fromItfValue } from '../trace/itf-value.ts';
import { rebaseTrace, replayTrace, type ReplayOutcome } from '../trace/replay.ts';
import { saveCounterexample } from '../trace/save.ts';
import { formatZodError } from '../zod-errors.ts';
import type { Codec } from '../codec.ts';
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
        paramSource: 'its #meta.config.params',
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

export async function replayCommand(ctx: CliContext, path: string, options: { baseline?: boolean; json?: boolean; render?: RenderFormat; rebase?: boolean }): Promise<number> {
  if (options.rebase) return rebaseCommand(ctx, path, options);
  const { doc, outcome, underVariant } = await replayFile(ctx.ws, path, options);
  const meta = doc['#meta'];
  const under = underVariant && meta.variant ? `variant ${meta.variant.id}` : 'the baseline';
  // Under the model it was recorded on, a file that stops matching is stale or edited: bad input.
  // Under --baseline a trace of a variant may well leave the baseline's paths: that is how a fix shows.
  if (outcome.kind === 'diverged' && !options.baseline) {
    throw new HarnessError(`${path}: no longer matches ${under} of model ${meta.model.name} (${outcome.reason}); explore again to record a current trace, or replay it with --rebase to record this path with the states the model now reaches`);
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

/**
 * `replay FILE --rebase`: the file's path re-executed on the model as it is now and saved beside it
 * with the states the model now reaches (a new name: the file itself is never overwritten), when
 * every step still applies and the property still fails at its end.
 */
async function rebaseCommand(ctx: CliContext, path: string, options: { baseline?: boolean; json?: boolean; render?: RenderFormat }): Promise<number> {
  if (options.baseline || options.json || options.render) throw new HarnessError('replay: --rebase takes none of --baseline, --json, --render');
  const { file, doc, target } = await fileTarget(ctx.ws, path);
  let rebased;
  try {
    rebased = rebaseTrace(target.compiled, doc);
  } catch (e) {
    if (e instanceof HarnessError) throw new HarnessError(`${displayPath(ctx.ws, file)}: ${e.message}`);
    throw e;
  }
  const { outcome, trace, first } = rebased;
  const meta = doc['#meta'];
  if (outcome.kind !== 'reproduced') {
    const why = outcome.kind === 'diverged' ? `its path leaves the model (${outcome.reason})` : `${meta.property.name} no longer fails (${outcome.reason})`;
    throw new HarnessError(`${path}: not rebased: ${why}`);
  }
  if (first < 0) {
    ctx.io.out(`${path}: already matches model ${meta.model.name} as it is now; nothing written.`);
    return 0;
  }
  const property = [...target.model.invariants, ...(target.model.actionProperties ?? []), ...(target.model.liveness ?? [])].find((p) => p.name === meta.property.name);
  // Only the states are new: the file's metadata stays, but for what the model now says of itself.
  const { vars, states } = itfStates(trace, doc.states[0]!['#meta'].initIndex ?? 0, target.compiled.codec as Codec<unknown>);
  const next: CounterexampleFile = {
    ...doc,
    '#meta': {
      ...meta,
      model: { ...meta.model, follows: target.model.follows },
      property: { ...meta.property, description: property?.description ?? meta.property.description },
    },
    vars,
    states,
  };
  const written = saveCounterexample(dirname(file), next, (p) => `npx sva-check replay ${relative(ctx.ws.cwd, p)}`);
  ctx.io.out(`${path}: rebased on model ${meta.model.name} as it is now: the same ${outcome.steps} steps, states from ${first} on as the model now reaches them; written to ${relative(ctx.ws.cwd, written)} (the file itself is unchanged).`);
  return 0;
}
