// `sva-check new model NAME` and `new variant NAME --model M`: a starting file in the current folder
// that runs as written (a model that explores to "ok", a variant that changes nothing yet and lists
// the steps it could replace), never written over a file that exists.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compile } from '../compile.ts';
import { HarnessError } from '../errors.ts';
import { displayPath, loadModel } from '../load.ts';
import type { CliContext } from './io.ts';

const KEBAB = /^[a-z0-9][a-z0-9-]*$/;

export async function newCommand(ctx: CliContext, kind: string, name: string, options: { model?: string }): Promise<number> {
  if (!KEBAB.test(name)) throw new HarnessError(`new ${kind}: '${name}' is not a kebab-case name`);
  const file = resolve(ctx.ws.cwd, `${name}.ts`);
  if (existsSync(file)) throw new HarnessError(`${displayPath(ctx.ws, file)}: exists; nothing written`);
  let text: string;
  let next: string;
  if (kind === 'model') {
    text = modelTemplate(ctx.ws.root, name);
    next = `npx sva-check explore --model ${displayPath(ctx.ws, file)}`;
  } else if (kind === 'variant') {
    if (options.model === undefined) throw new HarnessError('new variant: --model M names the model the variant edits');
    const { model } = await loadModel(ctx.ws, options.model);
    const steps = compile(model, model.params.parse({})).stepKeys;
    text = variantTemplate(name, model.name, steps);
    next = `npx sva-check diff --model ${options.model} --variant ${displayPath(ctx.ws, file)}`;
  } else {
    throw new HarnessError(`new: '${kind}' is neither 'model' nor 'variant'`);
  }
  writeFileSync(file, text, { flag: 'wx' });
  ctx.io.out(`wrote ${displayPath(ctx.ws, file)}; run it with: ${next}`);
  return 0;
}

/** The example model (examples/spinlock/model.ts, type-checked and tested), renamed. */
function modelTemplate(root: string, name: string): string {
  const example = readFileSync(join(root, 'examples/spinlock/model.ts'), 'utf8');
  const body = example.replace(/^(\/\/.*\n)+/, '').replace("name: 'spinlock'", `name: '${name}'`);
  return `// ${name}: N threads contend for one test-and-set lock. Replace the state, steps and invariants with
// your own; \`npx sva-check explore --model ./${name}.ts\` checks every interleaving.
${body}`;
}

function variantTemplate(name: string, model: string, steps: readonly string[]): string {
  const listed = steps.map((k) => `//   ${k}`).join('\n');
  return `// ${name}: a change to model ${model}. Replace, add or remove its steps by name (\`process/step\`;
// \`npx sva-check steps --model ${model}\` says which kernel code each mirrors), state what you expect,
// and run \`npx sva-check diff --model ${model} --variant ./${name}.ts\`. The steps at the default params:
${listed}
import { defineVariant } from 'sva-check';

export default defineVariant({
  id: '${name}',
  title: 'what the change does, in one line',
  source: 'the patch, commit or review message it comes from',
  model: '${model}',
  // What it violates beyond the config's known findings ([]: nothing), and the findings it fixes.
  expect: { violates: [] },
  steps: {
    replace: {},
    remove: [],
  },
});
`;
}
