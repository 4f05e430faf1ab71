// Every iopf variant's expected verdict (issue 3), at the iopf-small bounds.
import { describe, expect, it } from 'vitest';
import type { ExploreResult } from '../../explorer/result.ts';
import type { Variant } from '../../explorer/variant.ts';
import type { IopfParams } from '../../model/params.ts';
import type { State } from '../../model/state.ts';
import attachHandle from '../../spec/variants/iopf/attach-handle.ts';
import badIopfSetupFix from '../../spec/variants/iopf/bad-iopf-setup-fix.ts';
import discardPartialNoListDel from '../../spec/variants/iopf/discard-partial-no-list-del.ts';
import faultParamRefcount from '../../spec/variants/iopf/fault-param-refcount.ts';
import flushPerPasid from '../../spec/variants/iopf/flush-per-pasid.ts';
import handleGroupFreeWithoutListDel from '../../spec/variants/iopf/handle-group-free-without-list-del.ts';
import iommufdFaultObject from '../../spec/variants/iopf/iommufd-fault-object.ts';
import iommufdFaultObjectNoCodeCheck from '../../spec/variants/iopf/iommufd-fault-object-no-code-check.ts';
import { iommufdModel } from '../../spec/variants/iopf/iommufd.ts';
import perDomainHandler from '../../spec/variants/iopf/per-domain-handler.ts';
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
  iommufdFaultObject,
  iommufdFaultObjectNoCodeCheck,
  perDomainHandler,
  attachHandle,
];

/** Each variant explored once for the whole file (the iommufd ones take seconds). */
const explored = new Map<Variant<State, IopfParams>, ExploreResult<State>>();
function exploreVariant(v: Variant<State, IopfParams>): ExploreResult<State> {
  const r = explored.get(v) ?? exploreAll(withVariant(v));
  explored.set(v, r);
  return r;
}

describe('iopf variants at iopf-small', () => {
  for (const v of variants) {
    it(`${v.id} → ${v.expect.violates.length === 0 ? 'all invariants hold' : v.expect.violates.join(', ')}`, () => {
      const r = exploreVariant(v);
      const names = r.kind === 'violation' ? r.violations.map((x) => x.property).sort() : [];
      expect(names).toEqual([...v.expect.violates].sort());
    });
  }

  it('report-fault-void: the shortest counterexample ends in a stalled device', () => {
    const r = exploreVariant(reportFaultVoid);
    expect(r.kind).toBe('violation');
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'deadlock') : undefined;
    expect(v?.detail).toMatch(/^device 0 is stalled: it waits for a response/);
    const last = v!.trace[v!.trace.length - 1]!.state;
    expect(last.devices[0]!.prgs.some((p) => p.state === 'waiting')).toBe(true);
  });

  it('discard-partial-no-list-del: the freed iopf is still linked right after the discard', () => {
    const r = exploreVariant(discardPartialNoListDel);
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

  it('per-domain-handler reaches exactly the baseline states; attach-handle fewer (RID groups answered at report time)', () => {
    const base = exploreAll(iopf).stats.distinctStates;
    expect(exploreVariant(perDomainHandler).stats.distinctStates).toBe(base);
    expect(exploreVariant(attachHandle).stats.distinctStates).toBeLessThan(base);
  });

  it('iommufd-fault-object-no-code-check: the response that breaks the rule is a write of a held cookie with FAILURE', () => {
    const r = exploreVariant(iommufdFaultObjectNoCodeCheck);
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'response-code-valid') : undefined;
    const last = v!.trace[v!.trace.length - 1]!;
    expect(last.move?.step).toBe('iommufd_fault_fops_write');
    expect(last.move?.choice).toMatchObject({ code: 'FAILURE' });
    expect(last.state.devices[0]!.pri).toBe('failed');
  });

  it('iommufd-fault-object: the detach is the fence; releasing the PASID before it lets user space answer a stale fault', () => {
    const unfenced = { ...iommufdFaultObject, transform: (m: typeof iopf) => iommufdModel(m, { checkCode: true, fence: false }) };
    expect(violated(withVariant(unfenced))).toEqual(['no-fault-after-pasid-free']);
  });
});
