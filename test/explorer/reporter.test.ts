// Progress goes to a terminal only: rewritten in place, cleared before the report, silent otherwise.
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

  it('--quiet, --json or a pipe get nothing', () => {
    for (const options of [{ quiet: true, json: false, isTTY: true }, { quiet: false, json: true, isTTY: true }, { quiet: false, json: false, isTTY: false }]) {
      const written: string[] = [];
      const r = pickReporter({ ...options, write: (s) => written.push(s) });
      expect(r).toBe(silentReporter);
      r.progress(progress);
      expect(written).toEqual([]);
    }
  });
});
