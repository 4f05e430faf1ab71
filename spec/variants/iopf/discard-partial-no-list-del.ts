// Seed 001, review of v6 (Lu Baolu, 2020-05-03): iopf_queue_discard_partial frees each partial
// fault without list_del, so the freed iopf stays on iopf_param->partial for the next list walk.
// The author: "Ouch yes this is wrong, will fix". Expected: partial-list-integrity fires right after
// a discard with a partial on the list (an overflow while a group is half reported).
import { defineVariant } from '../../../explorer/variant.ts';
import type { Draft } from 'immer';
import { threadDiscardStep } from '../../../model/arm-smmu-v3/priq.ts';
import { flushPriqDiscardStep } from '../../../model/driver.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';

/** v6: list_for_each_entry_safe(iopf, next, &iopf_param->partial, head) kfree(iopf); (no list_del) */
function discardWithoutListDel(d: Draft<State>): void {
  if (d.queue.state !== 'live') return;
  for (const dev of d.queue.devices) for (const f of d.dev_iommu[dev]!.iopf_param?.partial ?? []) f.freed = true;
}

export default defineVariant<State, IopfParams>({
  id: 'discard-partial-no-list-del',
  title: 'iopf_queue_discard_partial frees partial faults without list_del (v6 as posted)',
  source: 'seed 001: review of "[PATCH v6] iommu: Add a page fault handler", iopf_queue_discard_partial',
  description:
    'kfree(iopf) inside list_for_each_entry_safe without list_del leaves the freed iopf linked on the partial list; the next report of a LAST with that grpid (or the next discard) walks it.',
  model: 'iopf',
  expect: { violates: ['partial-list-integrity'] },
  steps: {
    replace: {
      'priq_thread/iopf_queue_discard_partial': () => threadDiscardStep(discardWithoutListDel),
      'driver/arm_smmu_flush_priq/iopf_queue_discard_partial': () => flushPriqDiscardStep(discardWithoutListDel),
    },
  },
});
