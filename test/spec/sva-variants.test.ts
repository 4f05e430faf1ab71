// The sva variants about the release, the notifier and the PASID's sharing: each one's expected
// verdict at sva-small, or at two masters of one domain where the variant is about sharing between
// devices (the lifetime variants are in sva-variants-lifetime.test.ts).
import { describe, expect, it } from 'vitest';
import type { State } from '../../model/state.ts';
import sva from '../../spec/sva.ts';
import ioasidInactiveState from '../../spec/variants/sva/ioasid-inactive-state.ts';
import notifierRegisterNotGet from '../../spec/variants/sva/notifier-register-not-get.ts';
import releaseClearsStallBits from '../../spec/variants/sva/release-clears-stall-bits.ts';
import releaseClearsValid from '../../spec/variants/sva/release-clears-valid.ts';
import releaseWithoutInvalidate from '../../spec/variants/sva/release-without-invalidate.ts';
import { expectedVerdict } from '../../explorer/verdict.ts';
import { releaseStep } from '../../model/sva/processes.ts';
import { exploreSva, svaKnown, svaPair, svaVariant, svaVerdict, violatedSva, withWitnesses } from './sva-helpers.ts';
import { applyVariant, defineVariant } from '../../explorer/variant.ts';
import type { IopfParams } from '../../model/params.ts';

describe('sva variants at sva-small', () => {
  for (const v of [releaseWithoutInvalidate, releaseClearsValid, releaseClearsStallBits]) {
    it(`${v.id} → ${v.expect.violates.join(', ') || 'nothing beyond the known findings'}`, () => {
      expect(svaVerdict(svaVariant(v))).toEqual(expectedVerdict(v.expect, svaKnown));
    });
  }

  it('release-without-invalidate: the stale entry comes from a translation filled before the exit', () => {
    const r = exploreSva(svaVariant(releaseWithoutInvalidate));
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'no-stale-atc-after-release') : undefined;
    const steps = v!.trace.map((t) => t.move?.step);
    expect(steps).toContain('ats_translation_request');
    expect(steps.indexOf('ats_translation_request')).toBeLessThan(steps.indexOf('arm_smmu_mm_release'));
  });

  it('release-clears-stall-bits without STALL_FORCE: nothing fires (the transactions just abort)', () => {
    const v5 = defineVariant<State, IopfParams>({
      id: 'release-clears-stall-bits-no-force',
      title: 'v5 release on an SMMU without STALL_FORCE',
      source: 'test',
      model: 'sva',
      expect: { violates: [] },
      steps: { replace: { 'exit_mmap/arm_smmu_mm_release': (c: IopfParams) => releaseStep(c, { quiet_stall: 'always' }) } },
    });
    expect(svaVerdict(applyVariant(sva, v5))).toEqual({ violates: [], fixes: [] });
  });

  it('notifier-register-not-get and ioasid-inactive-state change nothing with one device', () => {
    expect(svaVerdict(svaVariant(notifierRegisterNotGet))).toEqual({ violates: [], fixes: [] });
    expect(svaVerdict(svaVariant(ioasidInactiveState))).toEqual({ violates: [], fixes: [] });
  });
});

describe('sva variants with two masters of one domain bound to one mm', () => {
  it(`notifier-register-not-get → ${notifierRegisterNotGet.expect.violates.join(', ')}`, () => {
    // The baseline violates only witnesses at sva-pair (its config records that; configs.test checks it).
    const params = svaPair();
    expect(violatedSva(withWitnesses(svaVariant(notifierRegisterNotGet), []), params)).toEqual([...notifierRegisterNotGet.expect.violates].sort());
  }, 120_000);

  it('ioasid-inactive-state: every invariant holds, but a fault of the device still bound, after the other device\'s unbind, no longer finds the mm', () => {
    const params = svaPair({ dma: false });
    expect(violatedSva(withWitnesses(sva, []), params)).toEqual([]);
    expect(violatedSva(withWitnesses(svaVariant(ioasidInactiveState), []), params)).toEqual([...ioasidInactiveState.expect.violates]);
  }, 60_000);
});
