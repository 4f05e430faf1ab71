// `sva-check redundancy`: how much of a config's state space is dead data, and how much any exact
// reduction keeping its properties could merge (explorer/redundancy.ts). It tells a model's author
// which places to clear where the kernel frees them or returns, and what that would gain.
import { measureRedundancy, type RedundancyOptions } from '../redundancy.ts';
import { n as count } from './format.ts';
import type { CliContext } from './io.ts';
import { resolveTarget, type TargetOptions } from './target.ts';
import { describeTarget } from './explore-command.ts';

const ratio = (of: number, left: number): string => `${(of / left).toFixed(2)}x`;

export async function redundancyCommand(ctx: CliContext, options: TargetOptions & RedundancyOptions & { json?: boolean }): Promise<number> {
  const target = await resolveTarget(ctx.ws, options);
  const r = measureRedundancy(target.compiled, options);
  if (options.json) {
    ctx.io.out(JSON.stringify({ model: target.model.name, config: target.configName, variant: target.variant?.id ?? null, ...r }));
    return 0;
  }
  ctx.io.out(`sva-check redundancy: ${describeTarget(target)}`);
  ctx.io.out(`${count(r.states)} states, ${count(r.transitions)} transitions (unreduced: no symmetry, no partial-order reduction), ${count(r.paths)} places`);
  ctx.io.out(`dead data masked: ${count(r.deadMasked)} distinct states (${ratio(r.states, r.deadMasked)} fewer): what clearing every place where no path reads it again would keep`);
  ctx.io.out(`bisimilar with the steps named: ${count(r.bisimilar)} classes (${ratio(r.states, r.bisimilar)}): the most an exact reduction keeping every property and step could merge`);
  ctx.io.out(`bisimilar by the properties alone: ${count(r.propertyBisimilar)} classes (${ratio(r.states, r.propertyBisimilar)})`);
  if (r.places.length > 0) {
    ctx.io.out('places whose dead values vary, each masked alone:');
    for (const p of r.places) {
      const dies = p.diesAfter.map((d) => `${d.step} (${Math.round(100 * d.share)}%)`).join(', ');
      ctx.io.out(`  ${p.place}: dead in ${count(p.deadIn)} states; ${count(p.statesLeft)} states left (${ratio(r.states, p.statesLeft)})${p.neverRead ? '; never read by any step or property' : ''}${dies === '' ? '' : `; dies after ${dies}`}`);
    }
  }
  ctx.io.out('reads are observed in every state, so the dead places are exact for this config; a variant or a larger config may read more');
  return 0;
}
