// Every iopf variant's expected verdict (issue 3), at the iopf-small bounds. The iommufd variants and
// the report-fault-void pair have files of their own, so the suite's workers run them side by side.
import { describe, expect, it } from 'vitest';
import attachHandle from '../../spec/variants/iopf/attach-handle.ts';
import badIopfSetupFix from '../../spec/variants/iopf/bad-iopf-setup-fix.ts';
import discardPartialNoListDel from '../../spec/variants/iopf/discard-partial-no-list-del.ts';
import faultParamRefcount from '../../spec/variants/iopf/fault-param-refcount.ts';
import flushPerPasid from '../../spec/variants/iopf/flush-per-pasid.ts';
import handleGroupFreeWithoutListDel from '../../spec/variants/iopf/handle-group-free-without-list-del.ts';
import perDomainHandler from '../../spec/variants/iopf/per-domain-handler.ts';
import removeDeviceAckInvalid from '../../spec/variants/iopf/remove-device-ack-invalid.ts';
import trackGroup from '../../spec/variants/iopf/track-group.ts';
import iopf from '../../spec/iopf.ts';
import small from '../../spec/configs/iopf-small.json' with { type: 'json' };
import { exploreAll, itHasItsVerdict, variantExplorer, withVariant } from './iopf-helpers.ts';

const variants = [
  discardPartialNoListDel,
  handleGroupFreeWithoutListDel,
  flushPerPasid,
  badIopfSetupFix,
  removeDeviceAckInvalid,
  trackGroup,
  faultParamRefcount,
  perDomainHandler,
  attachHandle,
];

const exploreVariant = variantExplorer();

describe('iopf variants at iopf-small', () => {
  itHasItsVerdict(variants, exploreVariant);

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

});
