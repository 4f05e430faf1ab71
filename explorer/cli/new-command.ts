// `sva-check new model NAME` and `new variant NAME --model M`: a starting file in the current folder
// that runs as written (a model that explores to "ok", a variant that changes nothing yet and lists
// the steps it could replace), never written over a file that exists.
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
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
    text = modelTemplate(name);
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

function modelTemplate(name: string): string {
  return `// ${name}: N threads take one test-and-set lock. Replace the state, steps and invariants with
// your own; \`npx sva-check explore --model ./${name}.ts\` checks every interleaving.
import { codec, defineModel, step, z } from 'sva-check';

interface State {
  pc: ('idle' | 'critical')[];
  holder: number | null;
}

export default defineModel<State, { N: number }>({
  name: '${name}',
  description: 'N threads take one test-and-set lock',
  follows: 'what the model mirrors (a kernel version, a spec)',
  params: z.object({ N: z.number().int().min(1).max(6).default(2) }).strict(),
  init: ({ N }) => [{ pc: Array<'idle'>(N).fill('idle'), holder: null }],
  codec: ({ N }) => codec.record<State>({ pc: codec.array(N, codec.literal(['idle', 'critical'] as const)), holder: codec.nullable(codec.int(0, N - 1)) }),
  processes: ({ N }) => [
    {
      name: 'thread',
      instances: N,
      pc: (s, self) => s.pc[self]!,
      steps: [
        step<State>({
          name: 'lock',
          at: 'idle',
          enabled: (s) => s.holder === null,
          apply: (d, self) => {
            d.holder = self;
            d.pc[self] = 'critical';
          },
        }),
        step<State>({
          name: 'unlock',
          at: 'critical',
          apply: (d, self) => {
            d.holder = null;
            d.pc[self] = 'idle';
          },
        }),
      ],
    },
  ],
  invariants: [
    {
      name: 'mutual-exclusion',
      description: 'at most one thread holds the lock',
      source: 'the lock',
      holds: (s) => s.pc.filter((p) => p === 'critical').length <= 1,
    },
  ],
});
`;
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
