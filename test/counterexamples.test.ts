// Every saved counterexample is a test: it passes while the file's recorded expectation holds (it
// still violates under its variant, or, marked "fixed", it no longer does under the baseline).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectationHolds } from '../explorer/cli/replay-command.ts';
import { ROOT, workspace } from './helpers/cli.ts';

const dir = join(ROOT, 'counterexamples');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe('counterexamples/', () => {
  it('holds at least one saved counterexample', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s replays as recorded', async (file) => {
    const { holds, report } = await expectationHolds(workspace(), join(dir, file));
    const outcome = report.outcome.kind === 'reproduced' ? 'reproduced' : `not reproduced: ${report.outcome.reason}`;
    expect(holds, `${file} (expect ${report.doc['#meta'].expect}): ${outcome}`).toBe(true);
  });
});
