// Every iopf variant's expected verdict, at the iopf-small bounds. The iommufd variants, the
// report-fault-void pair and the lifetime variants have files of their own, so the suite's workers
// run them side by side.
import { describe, expect, it } from 'vitest';
import attachHandle from '../../spec/variants/iopf/attach-handle.ts';
import badIopfSetupFix from '../../spec/variants/iopf/bad-iopf-setup-fix.ts';
import discardPartialNoListDel from '../../spec/variants/iopf/discard-partial-no-list-del.ts';
import flushPerPasid from '../../spec/variants/iopf/flush-per-pasid.ts';
import handleGroupFreeWithoutListDel from '../../spec/variants/iopf/handle-group-free-without-list-del.ts';
import perDomainHandler from '../../spec/variants/iopf/per-domain-handler.ts';
import removeDeviceAckInvalid from '../../spec/variants/iopf/remove-device-ack-invalid.ts';
import small from '../../spec/configs/iopf-small.json' with { type: 'json' };
import { itHasItsVerdict, variantExplorer } from './iopf-helpers.ts';

const variants = [
  discardPartialNoListDel,
  handleGroupFreeWithoutListDel,
  flushPerPasid,
  badIopfSetupFix,
  removeDeviceAckInvalid,
  perDomainHandler,
  attachHandle,
];

const exploreVariant = variantExplorer();

describe('iopf variants at iopf-small', () => {
  itHasItsVerdict(variants, exploreVariant);

  it('discard-partial-no-list-del: the freed iopf is still linked right after the discard', () => {
    const r = exploreVariant(discardPartialNoListDel);
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'partial-list-integrity') : undefined;
    // The thread's or the flush's iopf_queue_discard_partial, whichever saw the overflow.
    expect(v?.trace[v.trace.length - 1]!.move?.step).toMatch(/(^|\/)iopf_queue_discard_partial$/);
  });

  it('per-domain-handler, remove-device-ack-invalid and attach-handle reach fewer states: a request reported after the flush (F1) finds no domain or no device', () => {
    const base = small.expect.distinctStates;
    expect(exploreVariant(perDomainHandler).stats.distinctStates).toBeLessThan(base);
    expect(exploreVariant(removeDeviceAckInvalid).stats.distinctStates).toBeLessThan(base);
    expect(exploreVariant(attachHandle).stats.distinctStates).toBeLessThan(base);
  });

});
