// `sva-check steps`: every step of a model at a config, in the order the search offers them, with
// the program counter label it runs at, the code it mirrors and where that code is. The names are
// the ones a variant's `steps.replace` takes (`process/step`).
import { HarnessError } from '../errors.ts';
import type { CliContext } from './io.ts';
import { resolveTarget, type TargetOptions } from './target.ts';
import { describeTarget } from './explore-command.ts';

interface StepRow {
  readonly key: string;
  readonly at: string;
  readonly doc: string;
  readonly source: string;
  readonly locks: string;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');

export async function stepsCommand(ctx: CliContext, options: TargetOptions & { markdown?: boolean; json?: boolean }): Promise<number> {
  if (options.json === true && options.markdown === true) throw new HarnessError('steps: --json and --markdown are two formats; give one');
  const target = await resolveTarget(ctx.ws, options);
  const processes = target.model.processes(target.params);
  const rows = processes.map((p) => ({
    process: p.name,
    instances: p.instances,
    steps: p.steps.map(
      (s): StepRow => ({
        key: `${p.name}/${s.name}`,
        at: s.at === undefined ? '' : typeof s.at === 'string' ? s.at : s.at.join(', '),
        doc: s.doc ?? '',
        source: s.source ?? '',
        locks: s.locks ?? '',
      }),
    ),
  }));
  if (options.json) {
    ctx.io.out(JSON.stringify({ model: target.model.name, config: target.configName, variant: target.variant?.id ?? null, processes: rows }));
    return 0;
  }
  if (options.markdown) {
    ctx.io.out(`### ${target.model.name} at ${target.configName ?? 'its defaults'}${target.variant ? `, variant ${target.variant.id}` : ''}\n`);
    for (const p of rows) {
      ctx.io.out(`#### \`${p.process}\` (${p.instances} instance${p.instances === 1 ? '' : 's'})\n`);
      ctx.io.out('| step | at | what it mirrors | where | locks held |');
      ctx.io.out('|---|---|---|---|---|');
      for (const s of p.steps) ctx.io.out(`| \`${s.key}\` | ${s.at === '' ? 'any' : `\`${s.at}\``} | ${cell(s.doc)} | ${cell(s.source)} | ${cell(s.locks)} |`);
      ctx.io.out('');
    }
    return 0;
  }
  ctx.io.out(`sva-check steps: ${describeTarget(target)}`);
  for (const p of rows) {
    ctx.io.out(`${p.process} (${p.instances}):`);
    for (const s of p.steps) {
      ctx.io.out(`  ${s.key}${s.at === '' ? '' : ` [at ${s.at}]`}: ${s.doc}`);
      if (s.source !== '') ctx.io.out(`      ${s.source}`);
      if (s.locks !== '') ctx.io.out(`      locks: ${s.locks}`);
    }
  }
  return 0;
}
