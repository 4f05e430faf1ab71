// Every saved counterexample is a test: it passes while the file's recorded expectation holds (it
// still violates under its variant, or, marked "fixed", it no longer does under the baseline). Every
// file is strict ITF: Quint's own reader (`ofItf`) takes it and it holds no null; and replay still
// reads the files written before strict ITF.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { expectationHolds, fileTarget, replayFile } from '../explorer/cli/replay-command.ts';
import { ROOT, tempDir, workspace } from './helpers/cli.ts';

const dir = join(ROOT, 'counterexamples');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
// Quint's ITF reader, as its own package ships it (CommonJS).
const { ofItf } = createRequire(import.meta.url)('@informalsystems/quint/dist/src/itf.js') as { ofItf: (trace: unknown) => unknown[] };

/** The paths of every null in a JSON value. */
function nulls(v: unknown, path = '$'): string[] {
  if (v === null) return [path];
  if (Array.isArray(v)) return v.flatMap((x, i) => nulls(x, `${path}[${i}]`));
  if (typeof v === 'object') return Object.entries(v as object).flatMap(([k, x]) => nulls(x, `${path}.${k}`));
  return [];
}

/** A strict file as sva-check wrote it before strict ITF: null for None, plain arrays for sets and tuples. */
function legacy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(legacy);
  if (typeof v !== 'object' || v === null) return v;
  const o = v as Record<string, unknown>;
  if (o['tag'] === 'None' && Object.keys(o).length === 2) return null;
  if (o['tag'] === 'Some' && Object.keys(o).length === 2) return legacy(o['value']);
  if ('#set' in o) return legacy(o['#set']);
  if ('#tup' in o) return legacy(o['#tup']);
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, legacy(x)]));
}

describe('counterexamples/', () => {
  it('holds at least one saved counterexample', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s replays as recorded', async (file) => {
    const { holds, report } = await expectationHolds(workspace(), join(dir, file));
    const outcome = report.outcome.kind === 'reproduced' ? 'reproduced' : `not reproduced: ${report.outcome.reason}`;
    expect(holds, `${file} (expect ${report.doc['#meta'].expect}): ${outcome}`).toBe(true);
  });

  it("every file names its property as the model now describes it, so that exploring again writes the same file and no '-2' beside it", async () => {
    for (const file of files) {
      const { doc, target } = await fileTarget(workspace(), join(dir, file));
      const { name, description } = doc['#meta'].property;
      const m = target.model;
      const now = [...m.invariants, ...(m.witnesses ?? []), ...(m.actionProperties ?? []), ...(m.liveness ?? [])].find((p) => p.name === name);
      if (now) expect(description, file).toBe(now.description);
    }
  });

  it("every file is strict ITF: no null, and Quint's ofItf reads every state", () => {
    for (const file of files) {
      const doc = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { states: unknown[] };
      expect(nulls(doc), file).toEqual([]);
      expect(ofItf(doc), file).toHaveLength(doc.states.length);
    }
  });

  it('replay reads the files written before strict ITF (nulls, plain arrays)', async () => {
    // A file of that time, kept as it was written, and a current one turned back into that form.
    const old = await replayFile(workspace(), join(ROOT, 'test/fixtures/legacy-itf/diehard--defaults--baseline--NotSolved.json'));
    expect(old.outcome.kind).toBe('reproduced');
    const withOptions = files.find((f) => readFileSync(join(dir, f), 'utf8').includes('"tag":"None"') && f.startsWith('iopf--'))!;
    const doc = JSON.parse(readFileSync(join(dir, withOptions), 'utf8')) as Record<string, unknown>;
    const meta = doc['#meta'] as Record<string, unknown>;
    const before = { ...(legacy(doc) as object), '#meta': { ...meta, variant: meta['variant'] ?? null } };
    expect(nulls(before).length).toBeGreaterThan(0);
    const file = join(tempDir(), withOptions);
    writeFileSync(file, JSON.stringify(before));
    expect((await replayFile(workspace(), file)).outcome.kind).toBe('reproduced');
  });
});
