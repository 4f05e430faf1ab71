// `sva-check footprints`: what each step was seen to read and write, which steps write what the
// invariants and witnesses read, and how much partial-order reduction those footprints would allow
// (explorer/footprints.ts). It tells a model's author why a search does not reduce, and a reviewer
// which state a step touches beside the locks it holds.
import { covers } from '../footprint.ts';
import { measureFootprints, type FootprintOptions, type ReductionCount } from '../footprints.ts';
import { n as count } from './format.ts';
import type { CliContext } from './io.ts';
import { resolveTarget, type TargetOptions } from './target.ts';
import { describeTarget } from './explore-command.ts';

/** The writes no other write covers: what a step replaces, said once. */
function outermost(paths: ReadonlySet<string>): string[] {
  const all = [...paths];
  return all.filter((p) => !all.some((q) => q !== p && covers(q, p))).sort();
}

const share = (r: ReductionCount): string => `${count(r.reducible)} of ${count(r.branching)} states with two or more enabled steps`;

export async function footprintsCommand(ctx: CliContext, options: TargetOptions & FootprintOptions & { json?: boolean }): Promise<number> {
  const target = await resolveTarget(ctx.ws, options);
  const { compiled } = target;
  const fp = measureFootprints(compiled, options);
  const rows = compiled.actions.map((a, i) => {
    const seen = fp.actions[i];
    return {
      step: a.stepKey,
      self: a.self,
      taken: seen !== undefined,
      reads: seen ? [...seen.reads].sort() : [],
      writes: seen ? outermost(seen.writes) : [],
      visible: fp.visible[i]!,
      conflicts: fp.dependent[i]!.length,
    };
  });
  const observed = { depth: fp.depth, states: fp.states, walks: options.walks, walkSteps: fp.walkSteps, maxLength: options.maxLength, seed: options.seed };
  if (options.json) {
    ctx.io.out(
      JSON.stringify({
        model: target.model.name,
        config: target.configName,
        variant: target.variant?.id ?? null,
        observed,
        actions: rows,
        properties: [...fp.properties].sort(),
        reduction: { withProperties: fp.withProperties, deadlocksOnly: fp.deadlocksOnly },
      }),
    );
    return 0;
  }
  const n = compiled.actions.length;
  ctx.io.out(`sva-check footprints: ${describeTarget(target)}`);
  ctx.io.out(`observed breadth first to depth ${fp.depth} (${count(fp.states)} states), then ${count(options.walks)} random walks of up to ${count(options.maxLength)} steps (${count(fp.walkSteps)} steps, seed ${options.seed})`);
  for (const r of rows) {
    const name = `${r.step}[${r.self}]`;
    if (!r.taken) {
      ctx.io.out(`  ${name}: never taken (counted as reading and writing everything)`);
      continue;
    }
    const writes = r.writes.length === 0 ? 'writes nothing' : `writes ${r.writes.slice(0, 8).join(' ')}${r.writes.length > 8 ? ` and ${r.writes.length - 8} more` : ''}`;
    ctx.io.out(`  ${name}: ${writes}; reads ${count(r.reads.length)} places; ${r.visible ? 'visible' : 'invisible'}; conflicts with ${r.conflicts} of ${n} steps`);
  }
  ctx.io.out(`the invariants and witnesses read ${count(fp.properties.size)} places; ${fp.visible.filter(Boolean).length} of ${n} steps write one of them`);
  ctx.io.out('a strong stubborn set smaller than the enabled steps (partial-order reduction) exists at:');
  ctx.io.out(`  ${share(fp.withProperties)}, keeping every invariant and witness (their up-sets)`);
  ctx.io.out(`  ${share(fp.deadlocksOnly)}, keeping deadlocks alone`);
  ctx.io.out('footprints are observed, not declared: this bounds what a reduction could gain; it does not make one sound');
  return 0;
}
