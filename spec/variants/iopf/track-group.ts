// 1991123271 "iommu: Track iopf group instead of last fault" (seed 004): the pending list holds the
// groups themselves; iopf_group_response answers a group only while it is still on the list and
// list_del_init()s it, instead of searching the pending LAST copies by grpid (and PASID). Modelled
// on the baseline by answering exactly the pending entry of this group (its own last_fault), never
// the first entry with the same grpid.
// Compare with the baseline: all invariants hold in both. The two differ only when two pending
// requests of one device share a grpid (and, with NEEDS_PASID, a PASID), which a PRI endpoint never
// does (it reuses a PRG index only once answered), so at these bounds the matching rule never picks
// another group's entry; the state counts are equal.
import { defineVariant } from '../../../explorer/variant.ts';
import { ops_page_response } from '../../../model/iommu/fault.ts';
import { forgetWalked, workerSteps, type CompleteGroup } from '../../../model/io-pgfault/worker.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID, hasFlag } from '../../../model/types.ts';

/** 1991123271 iopf_group_response: answer only if the group is still pending, then list_del_init. */
const iopfGroupResponse: CompleteGroup = (d, w) => {
  const g = w.group;
  const fparam = d.dev_iommu[g.dev]!.fault_param;
  const i = fparam ? fparam.faults.findIndex((evt) => evt.seq === g.last_fault.seq) : -1;
  if (!fparam || i < 0) return;
  const evt = fparam.faults[i]!;
  const needsPasid = hasFlag(evt.flags, IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID);
  ops_page_response(d, g.dev, evt, { pasid_valid: needsPasid, pasid: evt.pasid, grpid: evt.grpid, code: w.status });
  fparam.faults.splice(i, 1);
};

const complete = workerSteps(forgetWalked, iopfGroupResponse).find((s) => s.name === 'iopf_complete_group')!;

export default defineVariant<State, IopfParams>({
  id: 'track-group',
  title: 'the pending list tracks iopf groups instead of copies of their last fault',
  source: 'seed 004: 1991123271',
  description:
    'Same verdict and state count as the baseline: the grpid/PASID search of v5.13 always finds the group\'s own entry when endpoints follow the PRI rule on PRG index reuse.',
  model: 'iopf',
  expect: { violates: [] },
  steps: { replace: { 'worker/iopf_complete_group': () => complete } },
});
