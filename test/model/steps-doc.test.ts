// model/STEPS.md is what the step definitions say now (npm run steps rewrites it).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { STEPS_FILE, stepsDoc } from '../../scripts/steps-doc.ts';
import { ROOT } from '../helpers/cli.ts';

it('model/STEPS.md is up to date with the step definitions (run npm run steps)', async () => {
  expect(readFileSync(resolve(ROOT, STEPS_FILE), 'utf8')).toBe(await stepsDoc());
});

it('every step of the kernel models says what it mirrors, where, and the locks it holds', async () => {
  const rows = (await stepsDoc()).split('\n').filter((l) => l.startsWith('| `'));
  expect(rows.length).toBeGreaterThan(40);
  for (const row of rows) {
    const cells = row.split(' | ');
    expect(cells[2]!.trim(), row).not.toBe('');
    expect(cells[3]!.trim(), row).not.toBe('');
    expect(cells[4]!.replace(/\|$/, '').trim(), row).not.toBe('');
  }
});
