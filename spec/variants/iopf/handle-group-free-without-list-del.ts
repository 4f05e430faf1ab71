// Seed 001, review of v6: Lu Baolu flagged the same pattern in iopf_handle_group (kfree(iopf)
// without list_del); Jean-Philippe Brucker: "We free the list with the group below, so this one is
// fine". The kernel kept it (v5.13 and iopf_free_group since). The baseline forgets a walked iopf;
// this variant keeps it linked on group->faults, marked freed, until kfree(group), so that any walk
// reaching it would show as partial-list-integrity. Expected: every invariant holds — the walk's
// `next` was read before the kfree and nothing else walks a group's list.
import { defineVariant } from '../../../explorer/variant.ts';
import { workerSteps, type ReleaseWalked } from '../../../model/io-pgfault/worker.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';

/** kfree(iopf) of a non-last fault the walk has passed; the node stays linked until kfree(group). */
const freeInPlace: ReleaseWalked = (w) => {
  const f = w.group.faults[w.cursor];
  if (f) f.freed = true;
  w.cursor++;
};

const steps = workerSteps(freeInPlace);
const byName = (name: string) => () => steps.find((s) => s.name === name)!;

export default defineVariant<State, IopfParams>({
  id: 'handle-group-free-without-list-del',
  title: 'iopf_handle_group frees walked iopfs in place, without list_del',
  source: 'seed 001: review of v6 iopf_handle_group and the author\'s answer; fc36479db74e as merged',
  description:
    'Freed non-last iopfs stay on group->faults behind the walk cursor until the group is freed whole; the checker confirms no step reads them.',
  model: 'iopf',
  expect: { violates: [] },
  steps: {
    replace: {
      'worker/iopf_handle_group': byName('iopf_handle_group'),
      'worker/iopf_handle_single/iommu_sva_find': byName('iopf_handle_single/iommu_sva_find'),
      'worker/iopf_handle_single/handle_mm_fault': byName('iopf_handle_single/handle_mm_fault'),
      'worker/iopf_complete_group': byName('iopf_complete_group'),
    },
  },
});
