// A fix for the known finding F1 (README), written as the patch would be: arm_smmu_flush_priq also
// waits until the PRIQ thread holds no entry it took off the queue (the thread's wake-up at the end
// of its run re-tests the condition). queue_empty(&q->llq) alone is true as soon as queue_remove_raw
// advanced CONS, before arm_smmu_handle_ppr reported the entry.
import { step } from '../../../explorer/model.ts';
import { defineVariant } from '../../../explorer/variant.ts';
import { NO_PRIQ_FLUSH, queue_empty, queue_sync_prod_in } from '../../../model/arm-smmu-v3/priq.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { PriqFlush, State } from '../../../model/state.ts';

/** The fixed condition: nothing in the queue and nothing in the thread's hands, or two batches. */
const flushed = (s: State, w: PriqFlush): boolean => (queue_empty(s) && s.priq.evt === null) || w.batches >= 2;

export default defineVariant<State, IopfParams>({
  id: 'flush-priq-waits-for-handler',
  title: 'proposed fix: arm_smmu_flush_priq also waits for the entry the PRIQ thread is handling',
  source: 'a fix for finding F1 (this project); arm_smmu_flush_priq of seed 001 v6 patch 25 with one more condition',
  description:
    'The flush returns only once the thread has reported what it took off the queue, so no request is reported after iopf_queue_flush_dev: F1 and its two other symptoms (the response racing the unregister, the leaked fault data) are gone.',
  model: 'iopf',
  expect: { violates: [], fixes: ['fault-param-lifetime', 'no-fault-after-pasid-free', 'nothing-leaks'] },
  steps: {
    replace: {
      'driver/arm_smmu_flush_priq': () =>
        step<State>({
          name: 'arm_smmu_flush_priq',
          at: 'flush_priq',
          doc: 'fix: spin_lock(&q->wq.lock), queue_sync_prod_in, batch = q->batch; returns at once only if the queue is empty and the thread holds no entry',
          source: 'seed 001 v6 patch 25 (not merged), with the fix',
          locks: 'q->wq.lock',
          apply: (d, self) => {
            const overflowed = queue_sync_prod_in(d);
            if (flushed(d, NO_PRIQ_FLUSH)) {
              d.drivers[self] = overflowed ? 'flush_priq_discard' : 'flush_dev';
              return;
            }
            d.priq_flush[self] = { batches: 0, woken: false, overflowed };
            d.drivers[self] = 'flush_priq_wait';
          },
        }),
      'driver/arm_smmu_flush_priq/wait': () =>
        step<State>({
          name: 'arm_smmu_flush_priq/wait',
          at: 'flush_priq_wait',
          doc: 'fix: woken by the PRIQ thread, re-test (queue empty and no entry in hand) or two batches',
          source: 'seed 001 v6 patch 25 (not merged), with the fix',
          locks: 'q->wq.lock (retaken by the wake-up)',
          enabled: (s, self) => s.priq_flush[self]!.woken,
          apply: (d, self) => {
            const w = d.priq_flush[self]!;
            if (!flushed(d, w)) {
              w.woken = false;
              return;
            }
            const overflowed = w.overflowed;
            d.priq_flush[self] = { ...NO_PRIQ_FLUSH };
            d.drivers[self] = overflowed ? 'flush_priq_discard' : 'flush_dev';
          },
        }),
    },
  },
});
