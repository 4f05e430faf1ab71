// `sva-check simulate`: seeded random walks with fast-check; a violating walk is shrunk, printed
// with the seed and path that replay it, and saved like any counterexample.
import { simulate } from '../simulate.ts';
import { renderTrace } from '../trace/render.ts';
import { describeTarget } from './explore-command.ts';
import type { CliContext } from './io.ts';
import { saveViolations } from './save.ts';
import type { RenderFormat } from '../render/input.ts';
import { renderViolation } from './render-command.ts';
import { resolveTarget, type TargetOptions } from './target.ts';

export interface SimulateCommandOptions extends TargetOptions {
  readonly walks: number;
  readonly maxLength: number;
  readonly seed?: number;
  readonly path?: string;
  readonly deadlock?: boolean;
  readonly json?: boolean;
  readonly out: string;
  readonly save?: boolean;
  readonly render?: RenderFormat;
}

export async function simulateCommand(ctx: CliContext, options: SimulateCommandOptions): Promise<number> {
  const target = await resolveTarget(ctx.ws, options);
  const result = simulate(target.compiled, {
    walks: options.walks,
    maxLength: options.maxLength,
    checkDeadlock: options.deadlock ?? true,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  const replayFlags = (seed: number, path?: string): string =>
    `--seed ${seed}${path ? ` --path ${path}` : ''} --walks ${options.walks} --max-length ${options.maxLength}`;
  if (result.kind === 'ok') {
    if (options.json) {
      ctx.io.out(JSON.stringify({ model: target.model.name, config: target.configName, variant: target.variant?.id ?? null, result: 'ok', seed: result.seed, walks: result.walks, steps: result.steps, seconds: result.seconds }));
    } else {
      ctx.io.out(`sva-check simulate: ${describeTarget(target)}`);
      ctx.io.out(`Result: ok. ${result.walks} random walks, ${result.steps} steps, no violation (seed ${result.seed}, ${result.seconds.toFixed(2)} s).`);
    }
    return 0;
  }
  const v = result.violation;
  const [file] = options.save === false ? [null] : saveViolations(ctx.ws, target, [v], options.out);
  if (options.render) {
    ctx.io.out(renderViolation(ctx, target, v, options.render));
  } else if (options.json) {
    ctx.io.out(JSON.stringify({ model: target.model.name, config: target.configName, variant: target.variant?.id ?? null, result: 'violation', seed: result.seed, path: result.path, violations: [{ property: v.property, kind: v.kind, length: v.length, file: file ?? null }] }));
  } else {
    ctx.io.out(`sva-check simulate: ${describeTarget(target)}`);
    ctx.io.out(`${v.kind === 'deadlock' ? 'Deadlock' : `${v.kind === 'action' ? 'Action property' : 'Invariant'} ${v.property} violated`} after ${v.length} steps (shrunk): ${v.description}`);
    ctx.io.out(renderTrace(v.trace, v.loop));
    if (file) ctx.io.out(`  counterexample saved: ${file}`);
    ctx.io.out(`  replay this walk: the same simulate command with ${replayFlags(result.seed, result.path)}`);
  }
  return 1;
}
