// A fix for the known finding F1 (README), written as the patch would be: arm_smmu_flush_priq also
// waits until the PRIQ thread holds no entry it took off the queue (the thread's wake-up at the end
// of its run re-tests the condition). queue_empty(&q->llq) alone is true as soon as queue_remove_raw
// advanced CONS, before arm_smmu_handle_ppr reported the entry.
import { defineVariant } from '../../../explorer/variant.ts';
import { queue_empty } from '../../../model/arm-smmu-v3/priq.ts';
import { flushPriqSteps, type FlushPriqDone } from '../../../model/driver.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';

/** The fixed condition: nothing in the queue and nothing in the thread's hands, or two batches. */
const flushed: FlushPriqDone = (s, w) => (queue_empty(s) && s.priq.evt === null) || w.batches >= 2;

const [flush, wait] = flushPriqSteps(flushed);

export default defineVariant<State, IopfParams>({
  id: 'flush-priq-waits-for-handler',
  title: 'proposed fix: arm_smmu_flush_priq also waits for the entry the PRIQ thread is handling',
  source: 'a fix for finding F1 (this project); arm_smmu_flush_priq of seed 001 v6 patch 25 with one more condition',
  description:
    'The flush returns only once the thread has reported what it took off the queue, so no request is reported after iopf_queue_flush_dev: F1 and its two other symptoms (the response racing the unregister, the leaked fault data) are gone.',
  model: 'iopf',
  expect: { violates: [], fixes: ['fault-param-lifetime', 'no-fault-after-pasid-free', 'nothing-leaks', 'pasid-lifetime'] },
  steps: { replace: { 'driver/arm_smmu_flush_priq': flush!, 'driver/arm_smmu_flush_priq/wait': wait! } },
});
