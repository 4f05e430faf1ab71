// `sva-check list`: what can be named on the command line, each with one line saying what it is.
import { configNames, loadConfig, loadModel, loadVariant } from '../load.ts';
import type { CliContext } from './io.ts';

export async function listCommand(ctx: CliContext, options: { json?: boolean }): Promise<number> {
  const { ws } = ctx;
  const models = [];
  for (const name of Object.keys(ws.catalog.models).sort()) {
    const { model } = await loadModel(ws, name);
    models.push({
      name,
      description: model.description,
      follows: model.follows,
      invariants: model.invariants.map((i) => ({ name: i.name, description: i.description, source: i.source })),
      witnesses: (model.witnesses ?? []).map((w) => ({ name: w.name, description: w.description })),
    });
  }
  const configs = configNames(ws).map((name) => {
    const { config } = loadConfig(ws, name);
    return { name, model: config.model, description: config.description ?? '', findings: config.expect?.findings ?? [] };
  });
  const variants = [];
  for (const id of Object.keys(ws.catalog.variants).sort()) {
    const { variant } = await loadVariant(ws, id);
    variants.push({ id, model: variant.model, title: variant.title, source: variant.source, expect: variant.expect.violates, fixes: variant.expect.fixes ?? [] });
  }
  if (options.json) {
    ctx.io.out(JSON.stringify({ defaultConfig: ws.catalog.defaultConfig, models, configs, variants }));
    return 0;
  }
  ctx.io.out('Models:');
  for (const m of models) {
    ctx.io.out(`  ${m.name} — ${m.description} (follows ${m.follows})`);
    for (const i of m.invariants) ctx.io.out(`      invariant ${i.name}: ${i.description} [${i.source}]`);
    for (const w of m.witnesses) ctx.io.out(`      witness ${w.name}: ${w.description}`);
  }
  ctx.io.out(`Configs (default: ${ws.catalog.defaultConfig}):`);
  for (const c of configs) {
    ctx.io.out(`  ${c.name} [${c.model}] — ${c.description}`);
    for (const f of c.findings) ctx.io.out(`      known finding ${f.property} (${f.length} steps): ${f.writeup}`);
  }
  ctx.io.out('Variants:');
  for (const v of variants) {
    const verdict = `${v.expect.length === 0 ? 'nothing beyond the known findings' : `violates ${v.expect.join(', ')}`}${v.fixes.length > 0 ? `; fixes ${v.fixes.join(', ')}` : ''}`;
    ctx.io.out(`  ${v.id} [${v.model}] — ${v.title} (${v.source}); expected: ${verdict}`);
  }
  return 0;
}
