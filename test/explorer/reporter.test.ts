// Progress on a terminal is rewritten in place and cleared before the report; a log (no terminal) gets
// a plain line at most every 10 s; --quiet and --json get nothing.
import { describe, expect, it } from 'vitest';
import { pickReporter, silentReporter } from '../../explorer/reporter.ts';

const progress = { distinctStates: 1234567, statesGenerated: 4000000, depth: 12, frontier: 5000, seconds: 2 };

describe('reporters', () => {
  it('a terminal gets one line rewritten in place, then cleared', () => {
    const written: string[] = [];
    const r = pickReporter({ quiet: false, json: false, isTTY: true, write: (s) => written.push(s) });
    r.progress(progress);
    r.done();
    expect(written[0]).toBe('\r\x1b[K1,234,567 distinct, 4,000,000 generated, depth 12, frontier 5,000, 617,284 states/s, 2 s');
    expect(written[1]).toBe('\r\x1b[K');
  });

  it('a log gets a plain line at most every 10 s of search, with the states a second since the line before', () => {
    const written: string[] = [];
    const r = pickReporter({ quiet: false, json: false, isTTY: false, write: (s) => written.push(s) });
    for (const seconds of [1, 2, 9.9, 10, 11, 19, 20.5, 25, 31]) r.progress({ ...progress, distinctStates: seconds * 1000, seconds });
    r.done();
    expect(written).toEqual([
      'progress: 10,000 distinct, 4,000,000 generated, depth 12, frontier 5,000, 1,000 states/s, 10 s\n',
      'progress: 20,500 distinct, 4,000,000 generated, depth 12, frontier 5,000, 1,000 states/s, 21 s\n',
      'progress: 31,000 distinct, 4,000,000 generated, depth 12, frontier 5,000, 1,000 states/s, 31 s\n',
    ]);
  });

  it("a resumed search's rate is its pace now, not its average over the runs before", () => {
    const written: string[] = [];
    const r = pickReporter({ quiet: false, json: false, isTTY: true, write: (s) => written.push(s) });
    // Resumed at 1,000 s and 1,000,000 states, going at 50,000 a second.
    r.progress({ ...progress, distinctStates: 1_000_000, seconds: 1000 });
    r.progress({ ...progress, distinctStates: 1_050_000, seconds: 1001 });
    expect(written[1]).toMatch(/, 50,000 states\/s, 1001 s$/);
  });

  it('--quiet or --json get nothing', () => {
    for (const options of [{ quiet: true, json: false, isTTY: true }, { quiet: false, json: true, isTTY: false }]) {
      const written: string[] = [];
      const r = pickReporter({ ...options, write: (s) => written.push(s) });
      expect(r).toBe(silentReporter);
      r.progress(progress);
      expect(written).toEqual([]);
    }
  });
});
