// The iopf variants about object lifetimes and the fix for the known finding F1, at iopf-small:
// track-group, fault-param-refcount, the complete-group-after-free mutation and
// flush-priq-waits-for-handler.
import { describe, expect, it } from 'vitest';
import completeGroupAfterFree from '../../spec/variants/iopf/complete-group-after-free.ts';
import faultParamRefcount from '../../spec/variants/iopf/fault-param-refcount.ts';
import flushPriqWaitsForHandler from '../../spec/variants/iopf/flush-priq-waits-for-handler.ts';
import trackGroup from '../../spec/variants/iopf/track-group.ts';
import small from '../../spec/configs/iopf-small.json' with { type: 'json' };
import { itHasItsVerdict, variantExplorer } from './iopf-helpers.ts';

const exploreVariant = variantExplorer();

describe('iopf lifetime variants at iopf-small', () => {
  itHasItsVerdict([trackGroup, faultParamRefcount, completeGroupAfterFree, flushPriqWaitsForHandler], exploreVariant);

  it('track-group reaches exactly the baseline states', () => {
    expect(exploreVariant(trackGroup).stats.distinctStates).toBe(small.expect.distinctStates);
  });

  it('flush-priq-waits-for-handler: every witness of the baseline is still reached', () => {
    const r = exploreVariant(flushPriqWaitsForHandler);
    expect(r.witnesses.filter((w) => !w.reached).map((w) => w.name)).toEqual([]);
  });
});
