// The order the iopf_queue_flush_dev kdoc forbids (seed 001 patch 4): the driver unbinds (and so
// frees the PASID) right after stopping DMA, and only then flushes the PRI queue and the iopf
// workqueue. Faults the device issued before the stop are still queued for a PASID that is free.
import { defineVariant } from '../../../explorer/variant.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { redirect } from './edit.ts';

export default defineVariant<State, IopfParams>({
  id: 'unbind-before-flush',
  title: 'the driver unbinds (iommu_sva_free_pasid) before flushing the fault queues',
  source: 'seed 001 iopf_queue_flush_dev kdoc: flush "to ensure that all pending faults for this PASID have been handled, and won\'t hit the address space of the next process that uses this PASID"',
  description: 'A fault queued before the stop is still in the workqueue when its PASID is freed: no-fault-after-pasid-free (issue 3).',
  model: 'sva',
  expect: { violates: ['no-fault-after-pasid-free'] },
  transform: (m) => ({
    ...m,
    processes: (c) =>
      m.processes(c).map((p) =>
        p.name !== 'driver'
          ? p
          : {
              ...p,
              steps: p.steps.map((s) => {
                if (s.name === 'stop_dma_and_pasid') return redirect(s, { flush_priq: 'unbind' });
                if (s.name === 'arm_smmu_sva_unbind' || s.name === 'iommu_sva_free_pasid') return redirect(s, { disable_sva: 'flush_priq' });
                if (s.name === 'iopf_queue_flush_dev' || s.name === 'iopf_queue_flush_dev/flush_workqueue') return redirect(s, { unbind: 'disable_sva' });
                return s;
              }),
            },
      ),
  }),
});
