// The iopf-small config explores to 'ok' with its recorded count, every witness is reached, and
// the parameter schema rejects bounds out of range. (The big `iopf` config runs in bench/, not here.)
import { describe, expect, it } from 'vitest';
import iopf from '../../spec/iopf.ts';
import small from '../../spec/configs/iopf-small.json' with { type: 'json' };
import big from '../../spec/configs/iopf.json' with { type: 'json' };
import { iopfWitnesses } from '../../spec/witnesses.ts';
import { exploreAll, smallParams } from './iopf-helpers.ts';

describe('iopf-small', () => {
  const r = exploreAll(iopf, smallParams);

  it('explores exhaustively to ok with the recorded distinct-state count', () => {
    expect(r.kind).toBe(small.expect.verdict);
    expect(r.stats.distinctStates).toBe(small.expect.distinctStates);
  });

  it('fires every step at least once', () => {
    expect(r.stats.neverFired).toEqual([]);
  });

  for (const w of iopfWitnesses) {
    it(`reaches witness ${w.name}`, () => {
      expect(r.witnesses.find((x) => x.name === w.name)?.reached).toBe(true);
    });
  }
});

describe('iopf params', () => {
  it('defaults are the iopf-small bounds', () => {
    expect(iopf.params.parse({})).toEqual(smallParams);
  });
  it('accepts the iopf bounds', () => {
    expect(iopf.params.safeParse(big.params).success).toBe(true);
  });
  it.each([{ devices: 0 }, { devices: 4 }, { queue: 0 }, { workers: 9 }, { groups: 5 }, { requests: 0 }, { pasidStop: 'never' }, { bogus: 1 }])(
    'rejects %o',
    (p) => {
      expect(iopf.params.safeParse(p).success).toBe(false);
    },
  );
});
