// `explore --workers N`: checked at the edge, the same report with any N (liveness included; for
// checkpoints see checkpoint.test.ts), and how many threads ran in the report.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/cli.ts';

const PRODCONS = ['--model', 'test/models/prodcons.ts', '-p', 'N=3', '-p', 'K=5'];

describe('explore --workers', () => {
  it('rejects a count that is not a whole number from 1 to 256 in one line, exit 2', async () => {
    for (const bad of ['0', '257', 'two', '1.5', '-3', '']) {
      const run = await cli(['explore', ...PRODCONS, '--workers', bad, '--no-save']);
      expect(run.code, bad).toBe(2);
      expect(run.err.trim().split('\n'), bad).toEqual([`sva-check: --workers: expected a whole number from 1 to 256, got '${bad}'`]);
    }
  });

  it('reports the same search with 1 and 2 workers, and how many threads ran', async () => {
    const json = async (workers: string): Promise<Record<string, unknown>> => {
      const run = await cli(['explore', ...PRODCONS, '--workers', workers, '--json', '--no-save']);
      expect(run.code).toBe(0);
      return JSON.parse(run.out) as Record<string, unknown>;
    };
    const one = await json('1');
    const two = await json('2');
    expect(one['workers']).toBe(1);
    // A search this small may finish before the threads have started: it does not wait for them.
    expect([1, 2]).toContain(two['workers']);
    for (const key of ['result', 'distinctStates', 'statesGenerated', 'depth', 'stepCounts', 'witnesses', 'violations']) expect(two[key], key).toEqual(one[key]);
    expect(one['distinctStates']).toBe(93_184);
  });

  it('runs the partial-order reduction on several threads: the same report as on one', async () => {
    const json = async (workers: string): Promise<Record<string, unknown>> => {
      const run = await cli(['explore', '--config', 'default', '--max-depth', '24', '--no-liveness', '--workers', workers, '--json', '--no-save']);
      expect(run.code).toBe(0);
      return JSON.parse(run.out) as Record<string, unknown>;
    };
    const one = await json('1');
    const two = await json('2');
    expect(two['workersNote']).toBeUndefined();
    for (const key of ['result', 'distinctStates', 'statesGenerated', 'depth', 'stepCounts', 'witnesses', 'violations', 'reduction']) expect(two[key], key).toEqual(one[key]);
    expect(one['distinctStates']).toBe(1_590);
  });

  it('saves a counterexample found on several threads that replays', async () => {
    const out = tempDir();
    const run = await cli(['explore', '--model', 'test/models/peterson.ts', '--variant', 'test/models/variants/peterson-no-victim.ts', '-p', 'N=3', '--no-liveness', '--workers', '3', '--out', out]);
    expect(run.code).toBe(1);
    expect(run.out).toContain('Invariant Mutex violated after 12 steps');
    const [file] = readdirSync(out);
    const replay = await cli(['replay', join(out, file!)]);
    expect(replay.out).toContain('Mutex still violated under variant peterson-no-victim after 12 steps');
  });

  it('checks liveness on several threads: the same report as on one', async () => {
    const json = async (workers: string): Promise<Record<string, unknown>> => {
      const run = await cli(['explore', '--model', 'test/models/peterson.ts', '-p', 'N=4', '--workers', workers, '--json', '--no-save']);
      expect(run.code).toBe(0);
      return JSON.parse(run.out) as Record<string, unknown>;
    };
    const one = await json('1');
    const two = await json('2');
    expect(two['workersNote']).toBeUndefined();
    // As above: the search may end before its threads have started (test/explorer/parallel/ makes them share every level).
    expect([1, 2]).toContain(two['workers']);
    for (const key of ['result', 'distinctStates', 'statesGenerated', 'violations']) expect(two[key], key).toEqual(one[key]);
    const liveness = (r: Record<string, unknown>): unknown => ({ ...(r['liveness'] as Record<string, unknown>), seconds: 0 });
    expect(liveness(two)).toEqual(liveness(one));
    expect(liveness(one)).toMatchObject({ checked: true });
  });

});
