// Every variant the catalog ships for a kernel model has its verdict asserted by a test: each
// variant file is imported by a test under test/spec/ that explores it (the verdict tests are split
// by area so the suite's workers run them side by side).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { catalog } from '../../spec/catalog.ts';
import { ROOT } from '../helpers/cli.ts';

it('every kernel variant in the catalog is explored by a verdict test', () => {
  const dir = join(ROOT, 'test/spec');
  const tests = readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
  const kernel = Object.entries(catalog.variants).filter(([, path]) => path.startsWith('spec/variants/'));
  expect(kernel.length).toBeGreaterThan(20);
  const unasserted = kernel.filter(([, path]) => !tests.includes(`'../../${path}'`)).map(([id]) => id);
  expect(unasserted).toEqual([]);
});
