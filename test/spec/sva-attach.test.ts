// Attach and detach (param `attach`): at sva-attach the core moves the master to a second DMA domain
// and back and frees the second domain; the baseline's verdict there (F1's findings only, and the
// witnesses its bounds cannot reach) is the config's own, asserted with its count by
// test/spec/configs.test.ts. attach-without-sva-check, arm_smmu_attach_dev without its -EBUSY, moves
// a master with a bond away from the CD table that holds its PASID's CD.
import { describe, expect, it } from 'vitest';
import { expectedVerdict } from '../../explorer/verdict.ts';
import { initialState } from '../../model/layout.ts';
import type { State } from '../../model/state.ts';
import sva from '../../spec/sva.ts';
import attachConfig from '../../spec/configs/sva-attach.json' with { type: 'json' };
import attachWithoutSvaCheck from '../../spec/variants/sva/attach-without-sva-check.ts';
import { exploreSva, svaSmall, svaVariant, svaVerdict } from './sva-helpers.ts';

const attach = sva.params.parse(attachConfig.params);
const known = attachConfig.expect.findings.map((f) => f.property);
const recorded = attachConfig.expect.violates;

describe('attach and detach at sva-attach', () => {
  it('the baseline reaches a master in the second domain, and the second domain freed after it came back', () => {
    const r = exploreSva(sva, attach);
    expect(r.stats.distinctStates).toBe(attachConfig.expect.distinctStates);
    const unreached = r.kind === 'violation' ? r.violations.map((v) => v.property) : [];
    for (const w of ['master-moved-domains', 'private-dma-in-second-domain', 'second-domain-freed']) expect(unreached).not.toContain(w);
    const fired = new Map(r.stats.stepCounts.map((c) => [c.step, c.fired]));
    for (const s of ['attach/arm_smmu_attach_dev/arm_smmu_domain_finalise', 'attach/arm_smmu_domain_free/arm_smmu_free_asid']) expect(fired.get(s)).toBeGreaterThan(0);
  });

  it(`attach-without-sva-check → ${attachWithoutSvaCheck.expect.violates.join(', ')}`, () => {
    expect(attachWithoutSvaCheck.expect.config).toBe('sva-attach');
    expect(svaVerdict(svaVariant(attachWithoutSvaCheck), attach, known, recorded)).toEqual(expectedVerdict(attachWithoutSvaCheck.expect, known));
  });

  it('the mutation moves a bound master, whose DMA on its PASID then meets the new domain\'s invalid CD: 30 steps', () => {
    const r = exploreSva(svaVariant(attachWithoutSvaCheck), attach);
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'no-c-bad-cd') : undefined;
    expect(v?.length).toBe(30);
    const steps = v!.trace.map((t) => `${t.move?.process}/${t.move?.step}`);
    expect(steps.indexOf('driver/iommu_sva_bind_device/unlock')).toBeLessThan(steps.indexOf('attach/arm_smmu_attach_dev/arm_smmu_master_sva_enabled'));
    expect(steps.at(-1)).toBe('device/dma_untranslated');
    const last = v!.trace.at(-1)!.state as State;
    expect(last.arm_smmu.masters[0]!.domain).toBe(1);
    expect(last.arm_smmu.masters[0]!.bonds[0]).not.toBe(null);
    expect(last.arm_smmu.domains[0]!.cdtab[1]!.v).toBe(true);
    expect(last.arm_smmu.domains[1]!.cdtab[1]!.v).toBe(false);
  });

  it('configs without attach keep their layout: no attach slice, every master in its domain', () => {
    expect(initialState(svaSmall).arm_smmu.attach).toBeUndefined();
    expect(initialState(attach).arm_smmu.attach?.state).toEqual(['finalised', 'alloc']);
  });

  it("with two SMMUs the attach domain comes after the SMMUs' own, with no SMMU until its first attach (sva-attach-two-smmus)", () => {
    const two = initialState(sva.params.parse({ ...attachConfig.params, devices: 2, smmus: 2 }));
    expect(two.arm_smmu.domains).toHaveLength(3);
    expect(two.arm_smmu.attach!.smmu).toEqual([0, 1, null]);
    // With one SMMU there is no smmu field: the attach domain is SMMU 0's.
    expect('smmu' in initialState(sva.params.parse(attachConfig.params)).arm_smmu.attach!).toBe(false);
  });
});
