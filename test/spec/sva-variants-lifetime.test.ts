// The sva variants about object lifetimes (the unbind's order, the CD's mm_count, where the PASID is
// freed, the bind's error paths, the PRIQ flush fix): each one's expected verdict at sva-small, and
// the interleaving behind it.
import { describe, expect, it } from 'vitest';
import type { Witness } from '../../explorer/model.ts';
import type { State } from '../../model/state.ts';
import sva from '../../spec/sva.ts';
import unbindBeforeFlush from '../../spec/variants/sva/unbind-before-flush.ts';
import unbindNotifierPutFirst from '../../spec/variants/sva/unbind-notifier-put-first.ts';
import unbindNotifierPutFirstMmgrab from '../../spec/variants/sva/unbind-notifier-put-first-mmgrab.ts';
import sharedCdMmgrab from '../../spec/variants/sva/shared-cd-mmgrab.ts';
import bindErrorKeepsPasid from '../../spec/variants/sva/bind-error-keeps-pasid.ts';
import pasidFreedAtMmput from '../../spec/variants/sva/pasid-freed-at-mmput.ts';
import pasidFreedAtMmdrop from '../../spec/variants/sva/pasid-freed-at-mmdrop.ts';
import flushPriqWaitsForHandler from '../../spec/variants/iopf/flush-priq-waits-for-handler.ts';
import { expectedVerdict, verdictOf } from '../../explorer/verdict.ts';
import alloc from '../../spec/configs/sva-alloc.json' with { type: 'json' };
import { applyVariant } from '../../explorer/variant.ts';
import { exploreSva, svaKnown, svaPair, svaVariant, svaVerdict, violatedSva, withWitnesses } from './sva-helpers.ts';

describe('sva lifetime variants at sva-small', () => {
  for (const v of [unbindBeforeFlush, unbindNotifierPutFirst, unbindNotifierPutFirstMmgrab, sharedCdMmgrab, pasidFreedAtMmput, pasidFreedAtMmdrop]) {
    it(`${v.id} → ${v.expect.violates.join(', ') || 'nothing beyond the known findings'}`, () => {
      expect(svaVerdict(svaVariant(v))).toEqual(expectedVerdict(v.expect, svaKnown));
    });
  }

  it('flush-priq-waits-for-handler (a variant of model iopf) applies to sva and fixes F1 there too; F2 stays', () => {
    const fixed = applyVariant(sva, flushPriqWaitsForHandler);
    expect(svaVerdict(fixed)).toEqual({ violates: [], fixes: ['fault-param-lifetime', 'no-fault-after-pasid-free', 'nothing-leaks'] });
  });

  it('unbind-before-flush reaches no-fault-after-pasid-free sooner than the baseline, with no overflow', () => {
    const shortest = (r: ReturnType<typeof exploreSva>) =>
      r.kind === 'violation' ? r.violations.find((x) => x.property === 'no-fault-after-pasid-free') : undefined;
    const base = shortest(exploreSva(sva))!;
    const v = shortest(exploreSva(svaVariant(unbindBeforeFlush)))!;
    expect(v.length).toBeLessThan(base.length);
    expect(v.trace.some((t) => (t.state as State).hwq.overflow)).toBe(false);
    expect(base.trace.some((t) => (t.state as State).hwq.overflow)).toBe(true);
  });

  it('unbind-notifier-put-first-mmgrab: the CD\'s mmdrop frees the mm after the SRCU free, then the PASID free reads it', () => {
    const r = exploreSva(svaVariant(unbindNotifierPutFirstMmgrab));
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'no-mm-use-after-free') : undefined;
    expect(v?.length).toBe(39);
    const steps = v!.trace.map((t) => t.move?.step);
    expect(steps.indexOf('mmu_notifier_free_rcu')).toBeGreaterThan(steps.indexOf('arm_smmu_mmu_notifier_put/mmu_notifier_put'));
    const last = v!.trace.at(-1)!.state as State;
    const before = v!.trace.at(-2)!.state as State;
    expect(before.mms[0]!.count).toBe(1);
    expect(last.mms[0]!.count).toBe(0);
    expect(last.mms[0]!.context.pinned).toBe(0);
    expect(steps.at(-1)).toBe('iommu_sva_free_pasid');
  });

  it('bind-error-keeps-pasid (at sva-alloc) → refcounts-balanced: the leak is reached through a failed mmu_notifier_register, and the bind had allocated before it', () => {
    const params = sva.params.parse(alloc.params);
    const known = alloc.expect.findings.map((f) => f.property);
    expect(verdictOf(exploreSva(svaVariant(bindErrorKeepsPasid), params), known, alloc.expect.violates)).toEqual(expectedVerdict(bindErrorKeepsPasid.expect, known));
    const r = exploreSva(svaVariant(bindErrorKeepsPasid), params);
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'refcounts-balanced') : undefined;
    const moves = v!.trace.map((t) => t.move);
    expect(moves.map((m) => m?.step)).toEqual(expect.arrayContaining(['__arm_smmu_sva_bind', 'arm_smmu_mmu_notifier_get/mmu_notifier_register']));
    expect(moves.at(-1)?.choice).toBe(true);
    const last = v!.trace.at(-1)!.state as State;
    expect(last.ioasid.xa[1]).not.toBeNull();
    expect(last.arm_smmu.masters[0]!.bonds[0]).toBeNull();
  });

  it('pasid-freed-at-mmput: the unbind after the exit writes the CD at INVALID_IOASID and WARNs', () => {
    const r = exploreSva(svaVariant(pasidFreedAtMmput));
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'no-kernel-warning') : undefined;
    const steps = v!.trace.map((t) => t.move?.step);
    expect(steps.indexOf('exit_mmap')).toBeLessThan(steps.lastIndexOf('arm_smmu_sva_unbind'));
    const last = v!.trace.at(-1)!.state as State;
    expect(last.arm_smmu.warnings).toEqual(['write_ctx_desc-ssid-range']);
    expect(last.mms[0]!.pasid).toBe(-1);
  });

  it('pasid-freed-at-mmdrop keeps F1: the SRCU free\'s mmdrop frees the PASID under the group the flush missed', () => {
    const r = exploreSva(svaVariant(pasidFreedAtMmdrop));
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'no-fault-after-pasid-free') : undefined;
    expect(v!.trace.at(-1)!.move?.step).toBe('mmu_notifier_free_rcu');
  });

  it('unbind-notifier-put-first: the SRCU free drops the last mm_count between mmu_notifier_put and iommu_sva_free_pasid', () => {
    const r = exploreSva(svaVariant(unbindNotifierPutFirst));
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'no-mm-use-after-free') : undefined;
    const steps = v!.trace.map((t) => t.move?.step);
    const put = steps.indexOf('arm_smmu_mmu_notifier_put/mmu_notifier_put');
    const srcu = steps.indexOf('mmu_notifier_free_rcu');
    expect(put).toBeGreaterThan(0);
    expect(srcu).toBeGreaterThan(put);
    expect(steps.at(-1)).toBe('iommu_sva_free_pasid');
    expect(steps).toContain('do_exit');
  });
});

describe('a lifetime variant with two masters of one domain bound to one mm', () => {
  it('from 701fac40384f the second master\'s bind fails when the PASID is the last of the range (mm->pasid >= max)', () => {
    const bothBound: Witness<State> = {
      name: 'both-bound',
      description: 'both drivers hold a handle on the mm at once',
      reached: (s) => s.sva.every((h) => h.handles > 0),
    };
    const params = svaPair({ dma: false });
    expect(violatedSva(withWitnesses(sva, [bothBound]), params)).toEqual([]);
    expect(violatedSva(withWitnesses(svaVariant(pasidFreedAtMmdrop), [bothBound]), params)).toEqual(['both-bound']);
    // With two PASIDs the first one allocated (1) is below the range's last (2): the bind shares it.
    expect(violatedSva(withWitnesses(svaVariant(pasidFreedAtMmdrop), [bothBound]), svaPair({ dma: false, pasids: 2 }))).toEqual([]);
  }, 60_000);
});
