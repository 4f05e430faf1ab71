// The iopf model's parameter schema: its defaults are the iopf-small bounds, and bounds out of range
// are rejected. (configs.test explores iopf-small: its count, witnesses and steps that fire.)
import { describe, expect, it } from 'vitest';
import iopf from '../../spec/iopf.ts';
import big from '../../spec/configs/iopf.json' with { type: 'json' };
import { smallParams } from './iopf-helpers.ts';

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
