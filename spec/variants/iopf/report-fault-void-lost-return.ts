// 3dfa64aecb with the `return` after report_partial_fault lost (fixed by fca5b78511, seed 004:
// "When iommu_report_device_fault gets called with a partial fault it is supposed to collect the
// fault into the group and then return. Instead the return was accidently deleted which results in
// trying to process the fault and an eventual crash."). A non-last request then also builds a
// group of its own (itself, gathered from the partial list, plus itself as last_fault) that goes on
// the pending list and is handled: its response reaches the device before the group's LAST was even
// sent — one-response-per-group — and the real LAST later gets a second one. The missing response of
// the void report (report-fault-void) is still there: the deadlock fires too.
import { defineVariant } from '../../../explorer/variant.ts';
import { reportStep } from '../../../model/arm-smmu-v3/priq.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { reportVoid } from './report-void.ts';

export default defineVariant<State, IopfParams>({
  id: 'report-fault-void-lost-return',
  title: 'iommu_report_device_fault (void) handles a partial fault as a whole group',
  source: 'seed 004: 3dfa64aecb as merged, fixed by fca5b78511 "Restore lost return"',
  description:
    'one-response-per-group: the group is answered on its first request (ghost: a response before the LAST was reported), then again on its LAST.',
  model: 'iopf',
  expect: { violates: ['one-response-per-group', 'deadlock', 'prg-answered'] },
  // With every partial turned into a group at once, no partial ever stays on a list: the situations
  // these witnesses show (a stale or an overflowed or a removed partial) do not exist in this variant.
  witnesses: { remove: ['stale-request-in-flight', 'overflow-with-partials', 'remove-with-partials'] },
  steps: {
    replace: {
      'priq_thread/iommu_report_device_fault': (c) =>
        reportStep(c, reportVoid({ lostReturn: true, errorResponse: false }), '3dfa64aecb with the lost return'),
    },
  },
});
