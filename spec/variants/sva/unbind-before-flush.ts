// The order the iopf_queue_flush_dev kdoc forbids (seed 001 patch 4): the driver unbinds (and so
// frees the PASID) right after stopping DMA, and only then flushes the PRI queue and the iopf
// workqueue. Faults the device issued before the stop are still queued for a PASID that is free.
// The property it breaks, no-fault-after-pasid-free, is already a known finding of the baseline
// (F1: the flush itself can return too early); this order breaks it without any overflow or late
// Stop Marker, in fewer steps, which the suite checks on its trace.
import { defineVariant } from '../../../explorer/variant.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import type { AnyStep } from '../../../explorer/model.ts';
import { driverSteps } from '../../../model/driver.ts';
import { redirect } from './edit.ts';

/** The baseline driver's step of that name, at the config. */
const baseStep = (c: IopfParams, name: string): AnyStep<State> => driverSteps(c).find((s) => s.name === name)!;

export default defineVariant<State, IopfParams>({
  id: 'unbind-before-flush',
  title: 'the driver unbinds (iommu_sva_free_pasid) before flushing the fault queues',
  source: 'seed 001 iopf_queue_flush_dev kdoc: flush "to ensure that all pending faults for this PASID have been handled, and won\'t hit the address space of the next process that uses this PASID"',
  description:
    'A fault queued before the stop is still in the workqueue when its PASID is freed: no-fault-after-pasid-free, the property of the baseline\'s known finding F1, here with no overflow and in fewer steps.',
  model: 'sva',
  expect: { violates: [] },
  steps: {
    replace: {
      'driver/stop_dma_and_pasid': (c) => redirect(baseStep(c, 'stop_dma_and_pasid'), { flush_priq: 'unbind' }),
      'driver/arm_smmu_sva_unbind': (c) => redirect(baseStep(c, 'arm_smmu_sva_unbind'), { disable_sva: 'flush_priq' }),
      'driver/iommu_sva_free_pasid': (c) => redirect(baseStep(c, 'iommu_sva_free_pasid'), { disable_sva: 'flush_priq' }),
      'driver/iopf_queue_flush_dev': (c) => redirect(baseStep(c, 'iopf_queue_flush_dev'), { unbind: 'disable_sva' }),
      'driver/iopf_queue_flush_dev/flush_workqueue': (c) => redirect(baseStep(c, 'iopf_queue_flush_dev/flush_workqueue'), { unbind: 'disable_sva' }),
    },
  },
});
