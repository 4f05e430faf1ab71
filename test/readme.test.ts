// The README's example model is real code: it is extracted, written to a file outside the
// repository and explored through the command line, as a reader would.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { cli, ROOT, tempDir } from './helpers/cli.ts';

it('the README example model explores: mutual exclusion holds and its witness is reached', async () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /```ts\n(import \{ codec, defineModel, step, z \} from 'sva-check';[\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBeDefined();
  // In-process, the test runner's own loader reads the file: point it at this checkout's API (the real
  // command line resolves 'sva-check' itself: test/examples.test.ts).
  const source = block!.replace(/from 'sva-check';.*$/m, `from '${join(ROOT, 'explorer/index.ts')}';`);
  expect(source.split('\n').length).toBeLessThanOrEqual(45);
  const dir = tempDir();
  writeFileSync(join(dir, 'spinlock.ts'), source);
  const run = await cli(['explore', '--model', join(dir, 'spinlock.ts'), '--param', 'N=3', '--json', '--no-save'], dir);
  expect(run.err).toBe('');
  const report = JSON.parse(run.out) as { result: string; witnesses: { reached: boolean }[]; neverFired: string[] };
  expect(report.result).toBe('ok');
  expect(report.witnesses).toEqual([expect.objectContaining({ name: 'someone-waits', reached: true })]);
  expect(report.neverFired).toEqual([]);
});
