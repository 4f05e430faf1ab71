// A labelled one-step mutation, not a kernel change: arm_smmu_priq_thread wakes the flushers only at
// each completed batch (every queue_size entries), not also when it has drained the queue. A flush
// that went to sleep on a non-empty queue then sleeps for ever once fewer than a batch of requests
// remain: the lost wake-up the patch's last wake_up_all_locked prevents.
import { defineVariant } from '../../../explorer/variant.ts';
import { priqThreadSteps } from '../../../model/arm-smmu-v3/priq.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';

const quiet = (c: IopfParams, name: string) => priqThreadSteps(c, false).find((s) => s.name === name)!;

export default defineVariant<State, IopfParams>({
  id: 'priq-drained-no-wake-up',
  title: 'mutation: the PRIQ thread drains the queue without waking arm_smmu_flush_priq',
  source: 'one-step mutation of seed 001 v6 patch 25 arm_smmu_priq_thread (its wake_up_all_locked after queue_sync_prod_in dropped); no kernel version has it',
  description:
    'The driver flushes while a request is queued and sleeps; the thread takes the request, reports it and drains the queue without waking it: flush-returns fails (the driver sleeps for ever in arm_smmu_flush_priq), and the stuck teardown is a deadlock once everything else is done.',
  model: 'iopf',
  expect: { violates: ['flush-returns', 'deadlock'] },
  steps: {
    replace: {
      'priq_thread/arm_smmu_priq_thread/queue_remove_raw': (c) => quiet(c, 'arm_smmu_priq_thread/queue_remove_raw'),
      'priq_thread/arm_smmu_priq_thread/batch': (c) => quiet(c, 'arm_smmu_priq_thread/batch'),
    },
  },
});
