// The two ASID allocators at sva-asid (2 ASID bits, one CPU, processes outside the model): the bind
// seizes the domain's private ASID, the CPU rolls over while the mm is pinned, and the labelled
// mutations of arch/arm64/mm/context.c break pinned-asid-stable.
import { describe, expect, it } from 'vitest';
import { asidOf } from '../../model/mm/context.ts';
import type { State } from '../../model/state.ts';
import sva from '../../spec/sva.ts';
import asidConfig from '../../spec/configs/sva-asid.json' with { type: 'json' };
import seizeConfig from '../../spec/configs/sva-seize.json' with { type: 'json' };
import newContextIgnoresPinned from '../../spec/variants/sva/new-context-ignores-pinned.ts';
import rolloverForgetsPinned from '../../spec/variants/sva/rollover-forgets-pinned.ts';
import shareAsidNoTlbi from '../../spec/variants/sva/share-asid-no-tlbi.ts';
import shareAsidUnpinned from '../../spec/variants/sva/share-asid-unpinned.ts';
import { PRIVATE_TLB_ENTRY } from '../../model/arm-smmu-v3/state.ts';
import { expectedVerdict } from '../../explorer/verdict.ts';
import { exploreSva, svaVariant, svaVerdict } from './sva-helpers.ts';

const params = sva.params.parse(asidConfig.params);
const known = asidConfig.expect.findings.map((f) => f.property);

describe('ASIDs at sva-asid', () => {
  // The baseline at sva-asid (its witnesses private-asid-seized and rollover-while-pinned reached,
  // pinned-asid-stable kept) is test/spec/configs.test.ts's: it checks what the config records.
  for (const v of [rolloverForgetsPinned, newContextIgnoresPinned, shareAsidUnpinned]) {
    it(`${v.id} → ${v.expect.violates.join(', ')}`, () => {
      expect(svaVerdict(svaVariant(v), params, known, asidConfig.expect.violates)).toEqual(expectedVerdict(v.expect, known));
    });
  }

  it('rollover-forgets-pinned: after a rollover, a process outside the model runs with the pinned ASID', () => {
    const r = exploreSva(svaVariant(rolloverForgetsPinned), params);
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'pinned-asid-stable') : undefined;
    const s = v!.trace.at(-1)!.state as State;
    expect(s.cpu_asid.generation).toBe(2);
    expect(s.cpu_mm[0]).toEqual({ kind: 'other' });
    expect(asidOf(s.cpu_asid, s.cpu_asid.active_asids[0]!)).toBe(asidOf(s.cpu_asid, s.mms[0]!.context.id));
  });

  it('share-asid-unpinned: the unpinned mm is given a fresh ASID at a rollover while its shared CD keeps the old one', () => {
    const r = exploreSva(svaVariant(shareAsidUnpinned), params);
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'pinned-asid-stable') : undefined;
    const s = v!.trace.at(-1)!.state as State;
    expect(s.mms[0]!.context.pinned).toBe(0);
    expect(s.cpu_asid.generation).toBeGreaterThan(1);
    const shared = s.arm_smmu.asid_xa.findIndex((e) => e?.type === 'shared');
    expect(shared).toBeGreaterThan(0);
    expect(s.arm_smmu.asid_xa[shared]).toMatchObject({ mm: 0, pinned: false });
  });

  it('new-context-ignores-pinned: the pinned mm itself moves to another ASID while its CD keeps the old one', () => {
    const r = exploreSva(svaVariant(newContextIgnoresPinned), params);
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'pinned-asid-stable') : undefined;
    const last = v!.trace.at(-1)!;
    const s = last.state as State;
    expect(last.move).toMatchObject({ process: 'cpu', choice: { kind: 'mm', mm: 0 } });
    const shared = s.arm_smmu.asid_xa.findIndex((e) => e?.type === 'shared');
    expect(asidOf(s.cpu_asid, s.mms[0]!.context.id)).not.toBe(shared);
  });
});

describe('F4 at sva-seize: the seize races with unmap', () => {
  it('a DMA hits the old ASID\'s TLB entry of an IOVA whose unmap returned, before the seize invalidates the old ASID', () => {
    const r = exploreSva(sva, sva.params.parse(seizeConfig.params));
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'no-dma-through-stale-tlb') : undefined;
    expect(v?.length).toBe(14);
    const steps = v!.trace.map((t) => t.move?.step);
    expect(steps.at(-1)).toBe('dma_iova');
    expect(steps).toContain('iommu_unmap/sync');
    expect(steps).not.toContain('arm_smmu_share_asid/tlb_inv_asid');
    const seized = v!.trace.findIndex((t) => t.move?.step === '__arm_smmu_sva_bind');
    expect(seized).toBeLessThan(steps.indexOf('iommu_unmap'));
    const last = v!.trace.at(-1)!.state as State;
    expect(last.arm_smmu.domains[0]!.iovas[0]).toBe('free');
    expect(last.arm_smmu.cdcache[0]![0]!.asid).not.toBe(last.arm_smmu.domains[0]!.asid);
  });
});

describe('the seize without its TLBI at sva-seize', () => {
  const seizeParams = sva.params.parse(seizeConfig.params);
  const seizeKnown = seizeConfig.expect.findings.map((f) => f.property);

  it(`${shareAsidNoTlbi.id} → ${shareAsidNoTlbi.expect.violates.join(', ')}`, () => {
    expect(svaVerdict(svaVariant(shareAsidNoTlbi), seizeParams, seizeKnown, seizeConfig.expect.violates)).toEqual(expectedVerdict(shareAsidNoTlbi.expect, seizeKnown));
  });

  it(`${shareAsidNoTlbi.id}: the domain's entry filled under the old ASID is still there when the mm's shared CD takes it`, () => {
    const r = exploreSva(svaVariant(shareAsidNoTlbi), seizeParams);
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'seized-asid-invalidated') : undefined;
    const steps = v!.trace.map((t) => t.move?.step);
    expect(steps.at(-1)).toBe('arm_smmu_share_asid/xa_erase');
    expect(steps).toContain('dma_iova');
    const s = v!.trace.at(-1)!.state as State;
    expect(s.arm_smmu.asid_xa[1]).toMatchObject({ type: 'shared', mm: 0 });
    expect(s.arm_smmu.tlb[1]).toContain(PRIVATE_TLB_ENTRY);
  });
});
