// The labelled mutations of arm_smmu_write_ctx_desc in the explored state: each splits one CD write
// into stores the SMMU can fetch between, and breaks cd-hitless and nothing else, at the config its
// expectation names.
import { describe, expect, it } from 'vitest';
import { expectedVerdict } from '../../explorer/verdict.ts';
import type { State } from '../../model/state.ts';
import sva from '../../spec/sva.ts';
import seizeConfig from '../../spec/configs/sva-seize.json' with { type: 'json' };
import cdAsidUpdateTwoWrites from '../../spec/variants/sva/cd-asid-update-two-writes.ts';
import cdInstallVFirst from '../../spec/variants/sva/cd-install-v-first.ts';
import { exploreSva, svaKnown, svaVariant, svaVerdict } from './sva-helpers.ts';

const seize = sva.params.parse(seizeConfig.params);
const seizeKnown = seizeConfig.expect.findings.map((f) => f.property);

/** The shortest counterexample of cd-hitless, and its last state. */
function cdHitlessTrace(r: ReturnType<typeof exploreSva>) {
  const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'cd-hitless') : undefined;
  expect(v).toBeDefined();
  return { length: v!.length, steps: v!.trace.map((t) => t.move?.step), last: v!.trace.at(-1)!.state as State };
}

describe('cd-install-v-first at sva-small', () => {
  it(`→ ${cdInstallVFirst.expect.violates.join(', ')}`, () => {
    expect(cdInstallVFirst.expect.config).toBe('sva-small');
    expect(svaVerdict(svaVariant(cdInstallVFirst))).toEqual(expectedVerdict(cdInstallVFirst.expect, svaKnown));
  });

  it('the bind makes its fresh CD valid under the new ASID before TTB0 is written', () => {
    const t = cdHitlessTrace(exploreSva(svaVariant(cdInstallVFirst)));
    expect(t.length).toBe(15);
    expect(t.steps.at(-1)).toBe('arm_smmu_mmu_notifier_get/mmu_notifier_register');
    const cd = t.last.arm_smmu.domains[0]!.cdtab[t.last.mms[0]!.pasid]!;
    expect(cd).toMatchObject({ v: true, ttb: null });
    expect(t.last.arm_smmu.asid_xa[cd.asid]).toMatchObject({ type: 'shared', mm: 0 });
    expect(t.last.drivers[0]).toBe('bind_cd_ttb0');
  });
});

describe('cd-asid-update-two-writes at sva-seize', () => {
  it(`→ ${cdAsidUpdateTwoWrites.expect.violates.join(', ')}`, () => {
    expect(cdAsidUpdateTwoWrites.expect.config).toBe('sva-seize');
    expect(svaVerdict(svaVariant(cdAsidUpdateTwoWrites), seize, seizeKnown, seizeConfig.expect.violates)).toEqual(
      expectedVerdict(cdAsidUpdateTwoWrites.expect, seizeKnown),
    );
  });

  it('between the two stores the live private CD carries ASID 0, neither the old nor the new one', () => {
    const t = cdHitlessTrace(exploreSva(svaVariant(cdAsidUpdateTwoWrites), seize));
    expect(t.length).toBe(8);
    expect(t.steps.at(-1)).toBe('arm_smmu_share_asid/write_ctx_desc/clear_asid');
    const cd = t.last.arm_smmu.domains[0]!.cdtab[0]!;
    expect(cd).toMatchObject({ v: true, asid: 0, ttb: { type: 'private' } });
    // Old and new ASID are both the domain's in asid_xa: the store in between is what is torn.
    const owned = t.last.arm_smmu.asid_xa.flatMap((e, asid) => (e?.type === 'private' && e.domain === 0 ? [asid] : []));
    expect(owned).toHaveLength(2);
    expect(owned).not.toContain(0);
  });

  it('the seize still completes: the second store and its sync lead on to the TLB invalidation', () => {
    const r = exploreSva(svaVariant(cdAsidUpdateTwoWrites), seize);
    const f4 = r.kind === 'violation' ? r.violations.find((x) => x.property === 'no-fault-after-pasid-free') : undefined;
    const steps = f4!.trace.map((t) => t.move?.step);
    const set = steps.indexOf('arm_smmu_share_asid/write_ctx_desc/set_asid');
    expect(set).toBeGreaterThan(steps.indexOf('arm_smmu_share_asid/write_ctx_desc/clear_asid'));
    expect(set).toBeLessThan(steps.indexOf('arm_smmu_share_asid/tlb_inv_asid'));
  });
});
