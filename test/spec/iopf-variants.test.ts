// Every iopf variant's expected verdict (issue 3), at the iopf-small bounds.
import { describe, expect, it } from 'vitest';
import badIopfSetupFix from '../../spec/variants/iopf/bad-iopf-setup-fix.ts';
import discardPartialNoListDel from '../../spec/variants/iopf/discard-partial-no-list-del.ts';
import faultParamRefcount from '../../spec/variants/iopf/fault-param-refcount.ts';
import flushPerPasid from '../../spec/variants/iopf/flush-per-pasid.ts';
import handleGroupFreeWithoutListDel from '../../spec/variants/iopf/handle-group-free-without-list-del.ts';
import removeDeviceAckInvalid from '../../spec/variants/iopf/remove-device-ack-invalid.ts';
import reportFaultVoid from '../../spec/variants/iopf/report-fault-void.ts';
import reportFaultVoidLostReturn from '../../spec/variants/iopf/report-fault-void-lost-return.ts';
import trackGroup from '../../spec/variants/iopf/track-group.ts';
import iopf from '../../spec/iopf.ts';
import small from '../../spec/configs/iopf-small.json' with { type: 'json' };
import { exploreAll, violated, withVariant } from './iopf-helpers.ts';

const variants = [
  discardPartialNoListDel,
  handleGroupFreeWithoutListDel,
  flushPerPasid,
  reportFaultVoidLostReturn,
  reportFaultVoid,
  badIopfSetupFix,
  removeDeviceAckInvalid,
  trackGroup,
  faultParamRefcount,
];

describe('iopf variants at iopf-small', () => {
  for (const v of variants) {
    it(`${v.id} → ${v.expect.violates.length === 0 ? 'all invariants hold' : v.expect.violates.join(', ')}`, () => {
      expect(violated(withVariant(v))).toEqual([...v.expect.violates].sort());
    });
  }

  it('report-fault-void: the shortest counterexample ends in a stalled device', () => {
    const r = exploreAll(withVariant(reportFaultVoid));
    expect(r.kind).toBe('violation');
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'deadlock') : undefined;
    expect(v?.detail).toMatch(/^device 0 is stalled: it waits for a response/);
    const last = v!.trace[v!.trace.length - 1]!.state;
    expect(last.devices[0]!.prgs.some((p) => p.state === 'waiting')).toBe(true);
  });

  it('discard-partial-no-list-del: the freed iopf is still linked right after the discard', () => {
    const r = exploreAll(withVariant(discardPartialNoListDel));
    const v = r.kind === 'violation' ? r.violations[0]! : undefined;
    expect(v?.trace[v.trace.length - 1]!.move?.step).toBe('iopf_queue_discard_partial');
  });

  it('track-group, remove-device-ack-invalid and fault-param-refcount reach exactly the baseline states', () => {
    const base = exploreAll(iopf).stats.distinctStates;
    expect(base).toBe(small.expect.distinctStates);
    expect(exploreAll(withVariant(trackGroup)).stats.distinctStates).toBe(base);
    expect(exploreAll(withVariant(removeDeviceAckInvalid)).stats.distinctStates).toBe(base);
    expect(exploreAll(withVariant(faultParamRefcount)).stats.distinctStates).toBe(base);
  });
});
