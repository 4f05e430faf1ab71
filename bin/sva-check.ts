// The one place where the generic explorer meets this repository's catalog of models, configs and
// variants.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../explorer/cli/main.ts';
import { catalog } from '../spec/catalog.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
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
