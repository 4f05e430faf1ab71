// A model and a variant written where a user keeps them: examples/spinlock is copied to a folder
// outside the repository (once without a package.json, once in an ES-module package) and run with
// the real command line, which must load both and resolve their imports of `sva-check`.
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT, tempDir } from './helpers/cli.ts';

function run(args: readonly string[], cwd: string): { code: number; out: string } {
  try {
    return { code: 0, out: execFileSync(process.execPath, [join(ROOT, 'bin/sva-check.mjs'), ...args], { cwd, encoding: 'utf8', stdio: 'pipe' }) };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { code: err.status, out: `${err.stdout}${err.stderr}` };
  }
}

function copyExample(packageJson: object | null): string {
  const dir = tempDir('sva-check-user-');
  cpSync(join(ROOT, 'examples/spinlock'), dir, { recursive: true });
  if (packageJson) writeFileSync(join(dir, 'package.json'), JSON.stringify(packageJson));
  return dir;
}

describe('a model and a variant from a folder of their own', () => {
  it('without a package.json: explore proves the lock, diff shows the broken patch', () => {
    const dir = copyExample(null);
    const explored = run(['explore', '--model', join(dir, 'model.ts'), '-p', 'N=3', '--no-save'], dir);
    expect(explored.out).toContain('witnesses: all 1 reached');
    expect(explored.code).toBe(0);
    const diffed = run(['diff', '--model', join(dir, 'model.ts'), '--variant', join(dir, 'no-test.ts'), '--no-save'], dir);
    expect(diffed.out).toContain('As the variant expects: violates mutual-exclusion.');
    expect(diffed.code).toBe(1);
  }, 60_000);

  it('liveness: the lock starves a waiter under weak fairness, as a lasso that replays from its file', () => {
    const dir = copyExample(null);
    const explored = run(['explore', '--model', join(dir, 'model.ts'), '--variant', join(dir, 'weak-fairness.ts'), '--out', join(dir, 'cex')], dir);
    expect(explored.out).toContain('Liveness property waiter-acquires violated after 4 steps');
    expect(explored.out).toContain('-- back to state 1: the cycle repeats for ever --');
    expect(explored.code).toBe(1);
    const replayed = run(['replay', join(dir, 'cex', 'spinlock--defaults--spinlock-weak-fairness--waiter-acquires.json')], dir);
    expect(replayed.out).toContain('waiter-acquires still violated');
    expect(replayed.code).toBe(1);
  }, 60_000);

  it('with sva-check installed from the checkout: npx sva-check explores the model and diffs the variant', () => {
    const dir = copyExample(null);
    // As a user's shell runs them: without the npm_* settings of an npm that may have started this
    // test (CI runs the suite under `npm exec --package=node@24`, whose package npx would then want).
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', ROOT], { cwd: dir, stdio: 'pipe', env });
    const npx = (args: readonly string[]): string => execFileSync('npx', ['--no-install', 'sva-check', ...args], { cwd: dir, encoding: 'utf8', stdio: 'pipe', env });
    expect(npx(['explore', '--model', 'model.ts', '--no-save'])).toContain('Result: ok.');
    let diffed = '';
    try {
      npx(['diff', '--model', 'model.ts', '--variant', 'no-test.ts', '--no-save']);
    } catch (e) {
      diffed = (e as { stdout: string }).stdout;
    }
    expect(diffed).toContain('As the variant expects: violates mutual-exclusion.');
  }, 60_000);

  it('in an ES-module package', () => {
    const dir = copyExample({ type: 'module' });
    const diffed = run(['diff', '--model', join(dir, 'model.ts'), '--variant', join(dir, 'no-test.ts'), '--no-save'], dir);
    expect(diffed.out).toContain('As the variant expects: violates mutual-exclusion.');
  }, 60_000);
});

describe('sva-check new', () => {
  it('writes a model and a variant that run as written, and never writes over a file', async () => {
    const dir = tempDir('sva-check-new-');
    expect((await cli(['new', 'model', 'my-lock'], dir)).out).toBe('wrote my-lock.ts; run it with: npx sva-check explore --model my-lock.ts');
    const variant = await cli(['new', 'variant', 'my-patch', '--model', join(dir, 'my-lock.ts')], dir);
    expect(variant.code).toBe(0);
    // The variant lists the steps it could replace.
    expect(readFileSync(join(dir, 'my-patch.ts'), 'utf8')).toContain('//   thread/want\n//   thread/test_and_set\n//   thread/unlock\n');
    const diffed = run(['diff', '--model', join(dir, 'my-lock.ts'), '--variant', join(dir, 'my-patch.ts'), '--no-save'], dir);
    expect(diffed.out).toContain('As the variant expects: every property holds.');
    expect(diffed.code).toBe(0);
    const again = await cli(['new', 'model', 'my-lock'], dir);
    expect(again.code).toBe(2);
    expect(again.err).toBe('sva-check: my-lock.ts: exists; nothing written');
    expect((await cli(['new', 'variant', 'x'], dir)).err).toBe('sva-check: new variant: --model M names the model the variant edits');
  }, 60_000);
});
