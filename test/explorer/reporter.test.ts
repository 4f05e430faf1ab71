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

  it('a log gets a plain line at most every 10 s of search', () => {
    const written: string[] = [];
    const r = pickReporter({ quiet: false, json: false, isTTY: false, write: (s) => written.push(s) });
    for (const seconds of [1, 2, 9.9, 10, 11, 19, 20.5, 25, 31]) r.progress({ ...progress, seconds });
    r.done();
    expect(written).toEqual([10, 20.5, 31].map((s) => `progress: 1,234,567 distinct, 4,000,000 generated, depth 12, frontier 5,000, ${Math.round(1234567 / s).toLocaleString('en-US')} states/s, ${s.toFixed(0)} s\n`));
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
