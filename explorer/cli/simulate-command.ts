// `sva-check simulate`: seeded random walks with fast-check; a violating walk is shortened, printed
// with the seed and path that replay it, and saved like any counterexample.
import { simulate, type SimulatedViolation, type SimulateProgress } from '../simulate.ts';
import { pickLineReporter } from '../reporter.ts';
import { renderTrace } from '../trace/render.ts';
import { describeTarget } from './explore-command.ts';
import { n } from './format.ts';
import type { CliContext } from './io.ts';
import { checkFolder, saveViolations } from './save.ts';
import type { RenderFormat } from '../render/input.ts';
import { renderViolation } from './render-command.ts';
import { resolveTarget, type TargetOptions } from './target.ts';

export interface SimulateCommandOptions extends TargetOptions {
  readonly walks: number;
  readonly maxLength: number;
  readonly seed?: number;
  readonly path?: string;
  readonly shrinkWalks: number;
  readonly continue?: boolean;
  readonly deadlock?: boolean;
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly out: string;
  readonly save?: boolean;
  readonly render?: RenderFormat;
}

/**
 * Walks the shortening may try, by default: at `sva` a walk found after 68 steps shortens to 41 in
 * some 900 (each pass tries every move left out, and every other move in its place).
 */
export const SHRINK_WALKS = 20_000;

function progressLine(): (p: SimulateProgress) => string {
  return (p) =>
    p.phase === 'walking'
      ? `${n(p.walks)} walks, ${n(p.steps)} steps, ${p.violated === 0 ? 'no violation yet' : `${n(p.violated)} violating`}, ${p.seconds.toFixed(0)} s`
      : `shortening a violating walk: ${n(p.tried)} walks tried, the shortest ${n(p.failing ?? 0)} steps, ${p.seconds.toFixed(0)} s`;
}

export async function simulateCommand(ctx: CliContext, options: SimulateCommandOptions): Promise<number> {
  const target = await resolveTarget(ctx.ws, options);
  if (options.save !== false) checkFolder(ctx.ws, '--out', options.out);
  const reporter = pickLineReporter({ quiet: options.quiet ?? false, json: options.json ?? false, isTTY: ctx.io.isTTY, write: ctx.io.progress }, progressLine);
  const result = simulate(target.compiled, {
    walks: options.walks,
    maxLength: options.maxLength,
    checkDeadlock: options.deadlock ?? true,
    shrinkWalks: options.shrinkWalks,
    continueAfterViolation: options.continue ?? false,
    onProgress: (p) => reporter.progress(p),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  reporter.done();
  const replayFlags = (seed: number, path?: string): string =>
    `--seed ${seed}${path ? ` --path ${path}` : ''} --walks ${options.walks} --max-length ${options.maxLength} --shrink-walks ${options.shrinkWalks}`;
  if (result.kind === 'ok') {
    if (options.json) {
      ctx.io.out(JSON.stringify({ model: target.model.name, config: target.configName, variant: target.variant?.id ?? null, result: 'ok', seed: result.seed, walks: result.walks, steps: result.steps, seconds: result.seconds }));
    } else {
      ctx.io.out(`sva-check simulate: ${describeTarget(target)}`);
      ctx.io.out(`Result: ok. ${result.walks} random walk${result.walks === 1 ? '' : 's'}, ${result.steps} step${result.steps === 1 ? '' : 's'}, no violation (seed ${result.seed}, ${result.seconds.toFixed(2)} s).`);
    }
    return 0;
  }
  const files = options.save === false ? result.violations.map(() => null) : saveViolations(ctx.ws, target, result.violations.map((x) => x.violation), options.out);
  if (options.render) {
    for (const x of result.violations) ctx.io.out(renderViolation(ctx, target, x.violation, options.render));
  } else if (options.json) {
    ctx.io.out(
      JSON.stringify({
        model: target.model.name,
        config: target.configName,
        variant: target.variant?.id ?? null,
        result: 'violation',
        seed: result.seed,
        walks: result.walks,
        violations: result.violations.map(({ violation: v, path, foundLength, shrinkTried, shrinkCut }, i) => ({
          property: v.property,
          kind: v.kind,
          length: v.length,
          path,
          shrink: { from: foundLength, walks: shrinkTried, cut: shrinkCut },
          file: files[i] ?? null,
        })),
      }),
    );
  } else {
    ctx.io.out(`sva-check simulate: ${describeTarget(target)}`);
    result.violations.forEach((x, i) => {
      const v = x.violation;
      ctx.io.out(`${v.kind === 'deadlock' ? 'Deadlock' : `${v.kind === 'action' ? 'Action property' : 'Invariant'} ${v.property} violated`} after ${v.length} steps (${shortening(x)}): ${v.description}`);
      ctx.io.out(renderTrace(v.trace, v.loop));
      if (files[i]) ctx.io.out(`  counterexample saved: ${files[i]}`);
      if (x.path !== null) ctx.io.out(`  replay this walk: the same simulate command with ${replayFlags(result.seed, x.path)}`);
      else ctx.io.out(`  this walk went on past ${[...x.past].join(', ')}: ${files[i] ? 'its saved file replays it' : 'without --no-save, its saved file would replay it'}`);
    });
    if (options.continue) ctx.io.out(`${n(result.walks)} random walks (seed ${result.seed}, ${result.seconds.toFixed(2)} s): ${result.violations.length} propert${result.violations.length === 1 ? 'y' : 'ies'} violated.`);
  }
  return 1;
}

/** How the walk was shortened: from how many steps, over how many walks, and whether the budget cut it short. */
function shortening(r: SimulatedViolation): string {
  const from = `found after ${n(r.foundLength)} steps, shortened over ${n(r.shrinkTried)} walks`;
  return r.shrinkCut ? `${from}, where --shrink-walks stopped it: perhaps not the shortest` : from;
}
