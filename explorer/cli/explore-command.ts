// `sva-check explore`: exhaustive search of one model, config and variant.
import { availableParallelism, freemem, totalmem } from 'node:os';
import { explore, type ExploreOptions } from '../bfs.ts';
import { exploreParallel } from '../parallel/coordinator.ts';
import { checkpointPlan, type CheckpointCliOptions } from './checkpoint-plan.ts';
import { exploreOnThread } from '../thread/search-thread.ts';
import { pickReporter } from '../reporter.ts';
import type { Finding } from '../load.ts';
import type { ExploreResult, Violation } from '../result.ts';
import { renderTrace } from '../trace/render.ts';
import type { RenderFormat } from '../render/input.ts';
import { renderViolation } from './render-command.ts';
import { formatStats, formatWitnesses, verdictLine } from './format.ts';
import type { CliContext } from './io.ts';
import { checkFolder, saveViolations } from './save.ts';
import { type Target, type TargetOptions } from './target.ts';

const KIND_NAMES = { invariant: 'Invariant', action: 'Action property', liveness: 'Liveness property', witness: 'Witness', deadlock: 'Deadlock' } as const;

export interface BoundOptions {
  readonly maxDepth?: number;
  readonly maxStates?: number;
  readonly maxSeconds?: number;
  readonly maxMemory?: number;
  readonly continue?: boolean;
  readonly deadlock?: boolean;
  readonly liveness?: boolean;
  readonly checkSymmetry?: boolean;
  readonly por?: boolean;
  readonly checkIndependence?: boolean;
}

export interface ExploreCommandOptions extends TargetOptions, BoundOptions, CheckpointCliOptions {
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly out: string;
  readonly save?: boolean;
  /** Print each trace in this format, and nothing else on standard output (the verdict goes to standard error). */
  readonly render?: RenderFormat;
  /** Threads to expand states on (default: the number of cores). */
  readonly workers?: number;
}

/** The config's own bounds, with any bound given on the command line taking precedence. */
function boundsFor(target: Target, options: BoundOptions): BoundOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...(target.config?.bounds ?? {}), ...defined } as BoundOptions;
}

export function exploreTarget(ctx: CliContext, target: Target, cliOptions: BoundOptions & { json?: boolean; quiet?: boolean }, extra: Partial<ExploreOptions> = {}): ExploreResult {
  const { options, reporter } = searchSetup(ctx, target, cliOptions, extra);
  const result = explore(target.compiled, options);
  reporter.done();
  return result;
}

/**
 * `exploreTarget` on `asked` threads (default: the cores; explorer/parallel/), the same result as on
 * one. A checkpointed search runs on a thread of its own, so that Ctrl-C reaches it and it writes
 * its checkpoint (thread/search-thread.ts), with its worker threads beside it.
 */
export async function exploreTargetOn(
  ctx: CliContext,
  target: Target,
  cliOptions: BoundOptions & { json?: boolean; quiet?: boolean },
  extra: Partial<ExploreOptions>,
  asked: number | undefined,
): Promise<ExploreResult> {
  const { options, reporter } = searchSetup(ctx, target, cliOptions, extra);
  const workers = asked ?? availableParallelism();
  const source = { modelFile: target.modelFile, variantFile: target.variantFile, params: target.params };
  const onInterrupt = (): void => ctx.io.err('interrupted: the search stops at its next check and writes its checkpoint (Ctrl-C again quits without it)');
  const result = options.checkpoint
    ? await exploreOnThread(source, options, { onInterrupt }, workers)
    : workers > 1
      ? await exploreParallel(target.compiled, options, { workers, source })
      : explore(target.compiled, options);
  reporter.done();
  return result;
}

function searchSetup(ctx: CliContext, target: Target, cliOptions: BoundOptions & { json?: boolean; quiet?: boolean }, extra: Partial<ExploreOptions>) {
  const options = { ...cliOptions, ...boundsFor(target, cliOptions) };
  const reporter = pickReporter({
    quiet: options.quiet ?? false,
    json: options.json ?? false,
    isTTY: ctx.io.isTTY,
    write: ctx.io.progress,
  });
  // Default memory guard: stop cleanly well before the machine runs out.
  const maxMemoryBytes = (options.maxMemory ?? Math.floor((Math.min(totalmem(), freemem() + process.memoryUsage.rss()) * 0.8) / 2 ** 20)) * 2 ** 20;
  const exploreOptions: ExploreOptions = {
    continueAfterViolation: options.continue ?? false,
    known: knownFindings(target).map((f) => f.property),
    checkDeadlock: options.deadlock ?? true,
    checkSymmetry: options.checkSymmetry ?? false,
    liveness: options.liveness ?? true,
    por: options.por ?? true,
    checkIndependence: options.checkIndependence ?? false,
    maxMemoryBytes,
    // The frontier outgrows the rest of the search; beyond a quarter of the budget it goes to disk.
    frontierMemoryBytes: Math.floor(maxMemoryBytes / 4),
    onProgress: (p) => reporter.progress(p),
    ...extra,
    ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
    ...(options.maxStates === undefined ? {} : { maxStates: options.maxStates }),
    ...(options.maxSeconds === undefined ? {} : { maxSeconds: options.maxSeconds }),
  };
  return { options: exploreOptions, reporter };
}

/** The config's recorded findings: violations of the design the baseline follows, written up. */
export function knownFindings(target: Target): readonly Finding[] {
  return target.config?.expect?.findings ?? [];
}

/** The witnesses the config records as never reached: parts of the model it does not exercise. */
export function recordedMisses(target: Target): readonly string[] {
  const witnesses = new Set((target.model.witnesses ?? []).map((w) => w.name));
  return (target.config?.expect?.violates ?? []).filter((p) => witnesses.has(p));
}

/** The violations that are neither recorded findings nor recorded misses: these alone make `explore` fail. */
export function newViolations(target: Target, result: ExploreResult): Violation[] {
  const known = new Set(knownFindings(target).map((f) => f.property));
  const misses = new Set(recordedMisses(target));
  return result.kind === 'violation' ? result.violations.filter((v) => !known.has(v.property) && !(v.kind === 'witness' && misses.has(v.property))) : [];
}

export function describeTarget(target: Target): string {
  const variant = target.variant ? `variant ${target.variant.id} (${target.variant.title})` : 'baseline';
  return `model ${target.model.name} (${target.model.follows}), config ${target.configName ?? '(defaults)'} ${JSON.stringify(target.params)}, ${variant}`;
}

export async function exploreCommand(ctx: CliContext, options: ExploreCommandOptions, given: ReadonlySet<string> = new Set()): Promise<number> {
  const plan = await checkpointPlan(ctx, options, given);
  const target = plan.target;
  options = plan.options;
  if (options.save !== false) checkFolder(ctx.ws, '--out', options.out);
  const result = await exploreTargetOn(ctx, target, options, plan.explore, options.workers);
  const resumeHint = plan.finish(result);
  const violations = result.kind === 'violation' ? result.violations : [];
  const files = options.save === false ? violations.map(() => null) : saveViolations(ctx.ws, target, violations, options.out);
  if (options.render) {
    for (const v of violations) if (v.trace.length > 0) ctx.io.out(renderViolation(ctx, target, v, options.render));
    ctx.io.err(verdictLine(result, knownFindings(target).map((f) => f.property), recordedMisses(target)));
  } else if (options.json) {
    ctx.io.out(JSON.stringify(resultJson(target, result, files)));
  } else {
    ctx.io.out(`sva-check explore: ${describeTarget(target)}`);
    const findings = knownFindings(target);
    violations.forEach((v, i) => {
      const finding = findings.find((f) => f.property === v.property);
      const kind = v.kind === 'deadlock' ? 'Deadlock (no enabled step, not a final state)' : `${KIND_NAMES[v.kind]} ${v.property} violated`;
      if (finding) ctx.io.out(`Known finding (recorded at ${finding.length} steps; write-up: ${finding.writeup}):`);
      ctx.io.out(`${kind}${v.trace.length > 0 ? ` after ${v.length} steps` : ''}: ${v.description}`);
      if (v.detail) ctx.io.out(`  ${v.detail}`);
      if (v.trace.length > 0) ctx.io.out(renderTrace(v.trace, v.loop));
      const file = files[i];
      if (file) ctx.io.out(`  counterexample saved: ${file}\n  reproduce: npx sva-check replay ${file}`);
    });
    ctx.io.out(verdictLine(result, findings.map((f) => f.property), recordedMisses(target)));
    const cut = result.kind === 'incomplete' ? result.reason : result.kind === 'violation' ? result.incomplete : undefined;
    for (const line of [...formatStats(result.stats, cut), ...formatWitnesses(result.witnesses)]) ctx.io.out(line);
    if (cut !== undefined) ctx.io.out(PAST_THE_BOUND);
  }
  if (resumeHint !== null) ctx.io.err(resumeHint);
  return newViolations(target, result).length > 0 ? 1 : 0;
}

/** Where a search stopped short: the walks that go past its bound (bench/RESULTS.md: at `sva`, F2 in 5 s at breadth first's length). */
const PAST_THE_BOUND =
  'past the bound: `sva-check simulate` with the same target takes random walks beyond it, and shortens the first violation it meets (it proves nothing of the walks it does not take)';

export function resultJson(target: Target, result: ExploreResult, files: readonly (string | null)[]): Record<string, unknown> {
  const s = result.stats;
  return {
    model: target.model.name,
    follows: target.model.follows,
    config: target.configName,
    params: target.params,
    variant: target.variant?.id ?? null,
    result: result.kind,
    ...(result.kind === 'incomplete' ? { reason: result.reason } : {}),
    ...(result.kind === 'violation' && result.incomplete ? { reason: result.incomplete } : {}),
    distinctStates: s.distinctStates,
    statesGenerated: s.statesGenerated,
    depth: s.depth,
    // TLC counts the states on the longest shortest path, the initial state included.
    depthTlc: s.depth + 1,
    workers: s.workers ?? 1,
    levels: s.levels,
    frontierPeak: s.frontierPeak,
    seconds: s.seconds,
    statesPerSecond: s.statesPerSecond,
    bytesPerState: s.bytesPerState,
    collisionProbability: s.collisionProbability,
    stepCounts: Object.fromEntries(s.stepCounts.map((c) => [c.step, c.fired])),
    neverFired: s.neverFired,
    witnesses: result.witnesses,
    newViolations: newViolations(target, result).map((v) => v.property),
    violations: (result.kind === 'violation' ? result.violations : []).map((v, i) => ({
      property: v.property,
      kind: v.kind,
      known: knownFindings(target).some((f) => f.property === v.property),
      length: v.length,
      file: files[i] ?? null,
      ...(v.detail === undefined ? {} : { detail: v.detail }),
      ...(v.loop === undefined ? {} : { loop: v.loop }),
    })),
    ...(s.liveness === undefined ? {} : { liveness: s.liveness }),
    ...(s.reduction === undefined ? {} : { reduction: s.reduction }),
    ...(s.checkpoint === undefined ? {} : { checkpoint: s.checkpoint }),
    ...(s.checkpointFailed === undefined ? {} : { checkpointFailed: s.checkpointFailed }),
  };
}
