// `sva-check diff`: baseline and variant explored on the same config, side by side: which
// properties the variant newly breaks (with shortest counterexamples), which it newly satisfies,
// and how the state space changed.
import { renderTrace } from '../trace/render.ts';
import type { ExploreResult, Violation } from '../result.ts';
import { expectedVerdict, sameVerdict, verdictOf } from '../verdict.ts';
import { exploreTarget, knownFindings, resultJson, type BoundOptions } from './explore-command.ts';
import { HarnessError } from '../errors.ts';
import type { CliContext } from './io.ts';
import { checkFolder, saveViolations } from './save.ts';
import type { RenderFormat } from '../render/input.ts';
import { renderViolation } from './render-command.ts';
import { resolveTarget, type TargetOptions } from './target.ts';

export interface DiffCommandOptions extends TargetOptions, BoundOptions {
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly out: string;
  readonly save?: boolean;
  readonly render?: RenderFormat;
}

const violationsOf = (r: ExploreResult): readonly Violation[] => (r.kind === 'violation' ? r.violations : []);

export async function diffCommand(ctx: CliContext, options: DiffCommandOptions): Promise<number> {
  const { variant: variantRef, ...rest } = options;
  // Without one it would search the baseline twice and compare it with itself.
  if (variantRef === undefined) throw new HarnessError('diff: give the variant to compare with the baseline (--variant ID or FILE)');
  const baseTarget = await resolveTarget(ctx.ws, rest);
  const varTarget = await resolveTarget(ctx.ws, { ...rest, variant: variantRef });
  if (options.save !== false) checkFolder(ctx.ws, '--out', options.out);
  const bounds = { ...options, continue: true };
  const base = exploreTarget(ctx, baseTarget, bounds);
  const changed = exploreTarget(ctx, varTarget, bounds);
  const baseFailed = new Set(violationsOf(base).map((v) => v.property));
  const varFailed = new Set(violationsOf(changed).map((v) => v.property));
  const newlyFailing = violationsOf(changed).filter((v) => !baseFailed.has(v.property));
  const newlyHolding = [...baseFailed].filter((p) => !varFailed.has(p));
  const files = options.save === false ? newlyFailing.map(() => null) : saveViolations(ctx.ws, varTarget, newlyFailing, options.out);
  // A variant's expectation is what it violates beyond the baseline's own record at this config:
  // its known findings and the witnesses the config expects it never to reach.
  const known = knownFindings(varTarget).map((f) => f.property);
  const expectedV = expectedVerdict(varTarget.variant?.expect ?? { violates: [] }, known);
  const actualV = verdictOf(changed, known, varTarget.config?.expect?.violates ?? []);
  const asExpected = sameVerdict(expectedV, actualV);
  const expected = expectedV.violates;
  const actual = actualV.violates;
  const fixes = (v: typeof actualV): string => (v.fixes.length > 0 ? `, fixes the known findings ${v.fixes.join(', ')}` : '');

  if (options.render) {
    for (const v of newlyFailing) if (v.trace.length > 0) ctx.io.out(renderViolation(ctx, varTarget, v, options.render));
  } else if (options.json) {
    ctx.io.out(
      JSON.stringify({
        baseline: resultJson(baseTarget, base, []),
        variant: resultJson(varTarget, changed, []),
        newlyFailing: newlyFailing.map((v, i) => ({ property: v.property, kind: v.kind, length: v.length, file: files[i] ?? null })),
        newlyHolding,
        expected,
        asExpected,
        ...(varTarget.variant?.expect.config === undefined ? {} : { expectationConfig: varTarget.variant.expect.config }),
      }),
    );
  } else {
    const id = varTarget.variant?.id ?? '(none)';
    ctx.io.out(`sva-check diff: model ${baseTarget.model.name}, config ${baseTarget.configName ?? '(defaults)'}, variant ${id}${varTarget.variant ? ` — ${varTarget.variant.title} [${varTarget.variant.source}]` : ''}`);
    const c = varTarget.compiled;
    const liveness = [...new Set(c.liveness.map((l) => l.name))];
    const props = [...c.invariants.map((i) => i.name), ...c.actionProperties.map((a) => a.name), ...liveness, 'deadlock', ...c.witnesses.map((w) => w.name)];
    const extra = [...baseFailed].filter((p) => !props.includes(p));
    const width = Math.max(...[...props, ...extra].map((p) => p.length), 8);
    ctx.io.out(`  ${'property'.padEnd(width)}  ${'baseline'.padEnd(9)}  variant`);
    for (const p of [...props, ...extra]) {
      const unchecked = (r: ExploreResult): boolean => liveness.includes(p) && r.stats.liveness?.checked !== true;
      const cell = (failed: Set<string>, r: ExploreResult): string => (failed.has(p) ? 'VIOLATED' : unchecked(r) ? 'unchecked' : r.kind === 'incomplete' ? 'holds*' : 'holds');
      ctx.io.out(`  ${p.padEnd(width)}  ${cell(baseFailed, base).padEnd(9)}  ${cell(varFailed, changed)}`);
    }
    ctx.io.out(`  ${'states'.padEnd(width)}  ${String(base.stats.distinctStates).padEnd(9)}  ${changed.stats.distinctStates}`);
    if (base.kind === 'incomplete' || changed.kind === 'incomplete') ctx.io.out('  * within the bounds only: the search stopped early');
    newlyFailing.forEach((v, i) => {
      // A witness no longer reached is a behaviour the variant lost (a repeated bind that now fails).
      if (v.kind === 'witness') return ctx.io.out(`Newly unreached (a behaviour the variant loses): ${v.property}: ${v.description}`);
      ctx.io.out(`Newly violated: ${v.property}${v.trace.length > 0 ? ` after ${v.length} steps` : ''}: ${v.description}`);
      if (v.detail) ctx.io.out(`  ${v.detail}`);
      if (v.trace.length > 0) ctx.io.out(renderTrace(v.trace, v.loop));
      const file = files[i];
      if (file) ctx.io.out(`  counterexample saved: ${file}`);
    });
    const witnesses = new Set([...baseTarget.compiled.witnesses, ...varTarget.compiled.witnesses].map((w) => w.name));
    for (const p of newlyHolding) ctx.io.out(witnesses.has(p) ? `Newly reached (a behaviour the variant adds): ${p}` : `Newly holds: ${p}`);
    if (newlyFailing.length === 0 && newlyHolding.length === 0) ctx.io.out('No property changes its verdict.');
    const statedFor = varTarget.variant?.expect.config;
    if (varTarget.variant && statedFor !== undefined && statedFor !== baseTarget.configName) {
      ctx.io.out(
        `The variant's expectation is stated for config ${statedFor} (run with --config ${statedFor}); here it violates ${actual.length === 0 ? 'nothing beyond the known findings' : actual.join(', ')}${fixes(actualV)}.`,
      );
    } else if (varTarget.variant) {
      ctx.io.out(
        asExpected
          ? `As the variant expects: ${expected.length === 0 ? (known.length === 0 ? 'every property holds' : 'no violation beyond the known findings') : `violates ${expected.join(', ')}`}${fixes(expectedV)}.`
          : `NOT as the variant expects: expected ${expected.length === 0 ? 'no violation' : expected.join(', ')}${fixes(expectedV)}, got ${actual.length === 0 ? 'no violation' : actual.join(', ')}${fixes(actualV)}.`,
      );
    }
  }
  return newlyFailing.length > 0 ? 1 : 0;
}
