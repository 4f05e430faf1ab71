// The suite's static half: the typecheck and the lint, run side by side (each is mostly one core's
// work), each one's output printed whole once it ends; fails when either fails.
import { spawn } from 'node:child_process';

const run = (name, args) =>
  new Promise((done) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => {
      process.stdout.write(`> ${name}${code === 0 ? '' : ` (failed, exit ${code})`}\n${out}`);
      done(code ?? 1);
    });
  });

const codes = await Promise.all([
  run('typecheck: tsc --noEmit', ['node_modules/typescript/bin/tsc', '--noEmit']),
  run('lint: eslint .', ['node_modules/eslint/bin/eslint.js', '.']),
]);
process.exit(codes.some((c) => c !== 0) ? 1 : 0);
