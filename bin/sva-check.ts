// The one place where the generic explorer meets this repository's catalog of models, configs and
// variants.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../explorer/cli/main.ts';
import { catalog } from '../spec/catalog.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// A reader that stops early (`sva-check steps | head`) closes the pipe: stop quietly, as cat does.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
const code = await runCli(
  process.argv.slice(2),
  {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    progress: (text) => process.stderr.write(text),
    isTTY: process.stderr.isTTY === true,
  },
  { root, cwd: process.cwd(), catalog },
);
process.exitCode = code;
