// A labelled one-step mutation, not a kernel change: iopf_handle_group with its last two lines
// swapped, kfree(group) before iopf_complete_group(group->dev, &group->last_fault, status). No
// version of io-pgfault.c frees a group before answering it; the mutation shows that the model can
// reach a response sent on behalf of a freed group, so `no-response-to-freed-group` is not vacuous.
import { defineVariant } from '../../../explorer/variant.ts';
import { completeGroup, forgetWalked, workerSteps, type CompleteGroup } from '../../../model/io-pgfault/worker.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';

/** kfree(group) (its embedded last_fault with it), then the response built from group->last_fault. */
const freeThenComplete: CompleteGroup = (d, w) => {
  w.group.last_fault.freed = true;
  completeGroup(d, w);
};

const complete = workerSteps(forgetWalked, freeThenComplete).find((s) => s.name === 'iopf_complete_group')!;

export default defineVariant<State, IopfParams>({
  id: 'complete-group-after-free',
  title: 'mutation: iopf_handle_group frees the group before iopf_complete_group',
  source: 'one-step mutation of fc36479db74e iopf_handle_group (the two last lines swapped); no kernel version has it',
  description: 'The response is built from the freed group\'s last_fault: no-response-to-freed-group fires on the first group answered.',
  model: 'iopf',
  expect: { violates: ['no-response-to-freed-group'] },
  steps: { replace: { 'worker/iopf_complete_group': () => complete } },
});
