// The kernel models' liveness properties fire under the variants that break them, as lassos whose
// last state is where the behaviour stays for ever (their saved files replay in counterexamples.test.ts).
import { describe, expect, it } from 'vitest';
import type { ExploreResult, Violation } from '../../explorer/result.ts';
import priqDrainedNoWakeUp from '../../spec/variants/iopf/priq-drained-no-wake-up.ts';
import unbindKeepsPasid from '../../spec/variants/sva/unbind-keeps-pasid.ts';
import type { State } from '../../model/state.ts';
import { itHasItsVerdict, variantExplorer } from './iopf-helpers.ts';
import { expectedVerdict } from '../../explorer/verdict.ts';
import { exploreSva, svaKnown, svaVariant, svaVerdict } from './sva-helpers.ts';

const lasso = (r: ExploreResult<State>, property: string): Violation<State> | undefined =>
  r.kind === 'violation' ? r.violations.find((v) => v.property === property && v.kind === 'liveness') : undefined;

const exploreVariant = variantExplorer();

describe('liveness of the fault path at iopf-small', () => {
  itHasItsVerdict([priqDrainedNoWakeUp], exploreVariant);

  it('flush-returns: the driver sleeps for ever in arm_smmu_flush_priq once the thread drained the queue', () => {
    const v = lasso(exploreVariant(priqDrainedNoWakeUp), 'flush-returns');
    const last = v!.trace.at(-1)!.state;
    expect(v!.loop).toBe(v!.length);
    expect(last.drivers[0]).toBe('flush_priq_wait');
    expect(last.priq_flush[0]!.woken).toBe(false);
    expect(last.hwq.entries).toEqual([]);
  });
});

describe('liveness of the SVA side at sva-small', () => {
  it(`unbind-keeps-pasid → ${unbindKeepsPasid.expect.violates.join(', ')}`, () => {
    expect(svaVerdict(svaVariant(unbindKeepsPasid))).toEqual(expectedVerdict(unbindKeepsPasid.expect, svaKnown));
  });

  it('unbind-frees: the unbind returned and its PASID reference is still held in the bond\'s name', () => {
    const v = lasso(exploreSva(svaVariant(unbindKeepsPasid)), 'unbind-frees');
    const last = v!.trace.at(-1)!.state;
    expect(last.drivers[0]).not.toMatch(/^unbind/);
    expect(last.ioasid.xa.some((a) => a?.holders.some((h) => h.kind === 'bond' && h.dev === 0))).toBe(true);
  });
});
