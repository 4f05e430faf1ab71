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
import { itHasItsVerdict, smallParams, variantExplorer, withVariant } from './iopf-helpers.ts';
import { firstViolation } from '../helpers/reach.ts';
import type { ActionProperty } from '../../explorer/model.ts';
import type { State } from '../../model/state.ts';

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

  it('per-domain-handler and attach-handle reach fewer states: a request reported after the flush (F1) finds no domain or no device', () => {
    const base = small.expect.distinctStates;
    expect(exploreVariant(perDomainHandler).stats.distinctStates).toBeLessThan(base);
    expect(exploreVariant(attachHandle).stats.distinctStates).toBeLessThan(base);
  });

  it('remove-device-ack-invalid answers at removal a request reported after the flush (F1), and reaches as many states as the baseline', () => {
    // The step that answers a request still pending when the device is removed.
    const answersAtRemoval: ActionProperty<State> = {
      name: 'answers-at-removal',
      description: 'iopf_queue_remove_device finds no request pending',
      source: 'test',
      holds: (b, _a, step) => !(step.step === 'iopf_queue_remove_device' && (b.dev_iommu[step.self]!.fault_param?.faults.length ?? 0) > 0),
    };
    expect(firstViolation({ ...withVariant(removeDeviceAckInvalid), actionProperties: [answersAtRemoval] }, smallParams, 'answers-at-removal')?.length).toBe(16);
    // The answer only comes sooner: the baseline's worker answers the same group later, the device has
    // stopped its DMA, and the endpoint keeps no record of which code it got, so each state of one
    // has its counterpart in the other.
    expect(exploreVariant(removeDeviceAckInvalid).stats.distinctStates).toBe(small.expect.distinctStates);
  });

});
