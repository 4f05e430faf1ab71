// VHE (param `vhe`): an E2H SMMU tags its TLB entries with the EL2&0 regime (STRW = EL2) and the
// driver invalidates them with TLBI_EL2_*. At sva-vhe the baseline holds what sva-small holds, with
// BTM too (the CPU's EL2&0 broadcast reaches the EL2 entries); vhe-nh-tlbi, whose invalidate_range
// keeps TLBI_NH_VA, and btm-without-hyp, which trusts BTM on an SMMU that cannot be E2H, leave the
// device's entry of an unmapped page.
import { describe, expect, it } from 'vitest';
import { expectedVerdict } from '../../explorer/verdict.ts';
import { initialState } from '../../model/layout.ts';
import type { State } from '../../model/state.ts';
import sva from '../../spec/sva.ts';
import vheConfig from '../../spec/configs/sva-vhe.json' with { type: 'json' };
import vheNhTlbi from '../../spec/variants/sva/vhe-nh-tlbi.ts';
import btmWithoutHyp from '../../spec/variants/sva/btm-without-hyp.ts';
import { smmuConfig } from '../../model/sva/config.ts';
import { exploreSva, svaSmall, svaVariant, svaVerdict } from './sva-helpers.ts';

const vhe = sva.params.parse(vheConfig.params);
const el1 = sva.params.parse({ ...vheConfig.params, vhe: false });
const vheBtm = sva.params.parse({ ...vheConfig.params, btm: true });
const known = vheConfig.expect.findings.map((f) => f.property);
const recorded = vheConfig.expect.violates;

describe('VHE at sva-vhe', () => {
  // The baseline's verdict at sva-vhe (every invariant the EL1 build holds) is the config's own,
  // asserted with its count by test/spec/configs.test.ts.
  it(`vhe-nh-tlbi → ${vheNhTlbi.expect.violates.join(', ')}`, () => {
    expect(vheNhTlbi.expect.config).toBe('sva-vhe');
    expect(svaVerdict(svaVariant(vheNhTlbi), vhe, known, recorded)).toEqual(expectedVerdict(vheNhTlbi.expect, known));
  });

  it('the TLBI_NH_VA is performed and synced, and the EL2-tagged entry of the freed page survives it', () => {
    const r = exploreSva(svaVariant(vheNhTlbi), vhe);
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'no-dma-to-unmapped-page') : undefined;
    expect(v?.length).toBe(39);
    const steps = v!.trace.map((t) => `${t.move?.process}/${t.move?.step}`);
    const at = (name: string) => steps.indexOf(name);
    expect(at('device/ats_translation_request')).toBeLessThan(at('process/munmap'));
    expect(at('process/arm_smmu_mm_invalidate_range')).toBeGreaterThan(at('process/munmap'));
    expect(steps.at(-1)).toBe('process/tlb_finish_mmu');
    const invalidated = v!.trace[at('process/arm_smmu_mm_invalidate_range')]!.state as State;
    expect(invalidated.arm_smmu.cmdq.map((c) => c.op)).toContain('TLBI_NH_VA');
    const last = v!.trace.at(-1)!.state as State;
    expect(last.mms[0]!.pages[0]!.pte).toBe('none');
    expect(last.arm_smmu.cmdq).toEqual([]);
    expect(last.arm_smmu.tlb.some((row) => row[0] === 0)).toBe(true);
  });

  it('without VHE the variant is the baseline: NH is the streams\' regime, and the state space is the same size', () => {
    const r = exploreSva(svaVariant(vheNhTlbi), el1);
    expect(svaVerdict(svaVariant(vheNhTlbi), el1, known, recorded)).toEqual({ violates: [], fixes: [] });
    expect(r.stats.distinctStates).toBe(vheConfig.expect.distinctStates);
  });

  it('configs without vhe keep their layout: no E2H feature, no EL2 command in the queue\'s union', () => {
    expect('e2h' in initialState(svaSmall).arm_smmu.features).toBe(false);
    expect(initialState(vhe).arm_smmu.features.e2h).toBe(true);
  });
});

describe('BTM under VHE', () => {
  it('with BTM the baseline still holds: invalidate_range issues no TLBI, and the CPU\'s EL2&0 broadcast removes the EL2 entry', () => {
    expect(smmuConfig(vheBtm).features).toMatchObject({ btm: true, e2h: true });
    expect(svaVerdict(sva, vheBtm, known, recorded)).toEqual({ violates: [], fixes: [] });
  });

  it('the probe keeps BTM off on an SMMU without HYP: the same SMMU as the EL1 build\'s', () => {
    const noHyp = sva.params.parse({ ...vheConfig.params, btm: true, hyp: false });
    expect(smmuConfig(noHyp).features).toEqual(smmuConfig(el1).features);
    expect(smmuConfig(noHyp).features.btm).toBe(false);
  });

  it(`btm-without-hyp → ${btmWithoutHyp.expect.violates.join(', ')}`, () => {
    expect(btmWithoutHyp.expect.config).toBe('sva-vhe');
    expect(svaVerdict(svaVariant(btmWithoutHyp), vhe, known, recorded)).toEqual(expectedVerdict(btmWithoutHyp.expect, known));
    const r = exploreSva(svaVariant(btmWithoutHyp), vhe);
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'no-dma-to-unmapped-page') : undefined;
    expect(v?.length).toBe(35);
    // From the munmap on no TLBI is queued: it relied on the broadcast, which missed the EL1 entry.
    const munmap = v!.trace.findIndex((t) => t.move?.step === 'munmap');
    expect(munmap).toBeGreaterThan(0);
    expect(v!.trace.slice(munmap).some((t) => (t.state as State).arm_smmu.cmdq.some((c) => c.op.startsWith('TLBI')))).toBe(false);
    const last = v!.trace.at(-1)!.state as State;
    expect(last.arm_smmu.features.e2h).toBeUndefined();
    expect(last.mms[0]!.pages[0]!.pte).toBe('none');
    expect(last.arm_smmu.tlb.some((row) => row[0] === 0)).toBe(true);
  });
});
