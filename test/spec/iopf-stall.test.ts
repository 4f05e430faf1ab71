// b58b133e68 under the two fault models: on SMMUv3's stall model (iopf-stall: every request is
// LAST) every invariant holds; on PRI (iopf-small) err_bad_iopf answers a non-last request and
// one-response-per-group fails. The stall config's unreachable witnesses are the same with and
// without the fix (spec/configs/iopf-stall.json records them).
import { describe, expect, it } from 'vitest';
import type { ExploreResult } from '../../explorer/result.ts';
import type { State } from '../../model/state.ts';
import iopf from '../../spec/iopf.ts';
import stall from '../../spec/configs/iopf-stall.json' with { type: 'json' };
import badIopfSetupFix from '../../spec/variants/iopf/bad-iopf-setup-fix.ts';
import reportFaultVoid from '../../spec/variants/iopf/report-fault-void.ts';
import { firstViolation } from '../helpers/reach.ts';
import { exploreAll, smallParams, withVariant } from './iopf-helpers.ts';

const stallParams = iopf.params.parse(stall.params);
const byKind = (r: ExploreResult<State>, kind: string): string[] =>
  r.kind === 'violation' ? r.violations.filter((v) => v.kind === kind).map((v) => v.property).sort() : [];

describe('iopf-stall (SMMUv3 stall model)', () => {
  const base = exploreAll(iopf, stallParams);
  const fix = exploreAll(withVariant(badIopfSetupFix), stallParams);

  it('models the stall: one request per group, no Stop Markers', () => {
    expect(stallParams.requests).toBe(1);
    expect(stallParams.pasidStop).toBe('wait');
  });

  it('baseline: every invariant holds, with the recorded count', () => {
    expect(byKind(base, 'invariant')).toEqual([]);
    expect(byKind(base, 'deadlock')).toEqual([]);
    expect(base.stats.distinctStates).toBe(stall.expect.distinctStates);
    expect(byKind(base, 'witness')).toEqual([...stall.expect.violates].sort());
  });

  it('bad-iopf-setup-fix: every invariant holds and nothing stalls', () => {
    expect(byKind(fix, 'invariant')).toEqual([]);
    expect(byKind(fix, 'deadlock')).toEqual([]);
    expect(byKind(fix, 'witness')).toEqual(byKind(base, 'witness'));
  });

  it('report-fault-void still stalls a device under the stall model: the fix is what removes it', () => {
    expect(byKind(exploreAll(withVariant(reportFaultVoid), stallParams), 'deadlock')).toEqual(['deadlock']);
  });
});

describe('iopf-small (PCI PRI)', () => {
  it('bad-iopf-setup-fix: the violation stands, on a non-last request answered before its LAST', () => {
    // Its whole verdict is asserted in iopf-variants.test.ts; here, the shape of the shortest trace.
    const v = firstViolation(withVariant(badIopfSetupFix), smallParams, 'one-response-per-group');
    const last = v!.trace[v!.trace.length - 1]!;
    const s = last.state as State;
    expect(last.move?.step).toBe('iommu_report_device_fault');
    // The group is still being sent when its response arrives: Unexpected Page Request Group Index.
    expect(s.devices[0]!.prgs.some((p) => p.state === 'sending' && p.responses === 1)).toBe(true);
    expect(s.devices[0]!.uprgi).toBe(true);
  });
});
