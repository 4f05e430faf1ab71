// The PASID is freed as soon as the device is stopped, without iopf_queue_flush_dev: faults the
// device issued before it stopped are still in the hardware queue, the IRQ's partial list or the
// work queue, and are handled for a PASID that no longer exists. The kdoc of iopf_queue_flush_dev
// (io-pgfault.c, fc36479db74e, v5.13) says the driver calls it before releasing a PASID.
import { defineVariant } from '../../../explorer/variant.ts';
import { step } from '../../../explorer/model.ts';
import { FLUSHED, FREED, STOPPED, type Iopf, type IopfConfig } from '../iopf-pipeline.ts';

export default defineVariant<Iopf, IopfConfig>({
  id: 'iopf-pipeline-free-before-flush',
  title: 'FreePasid without waiting for Flush',
  source: 'io-pgfault.c fc36479db74e (v5.13), iopf_queue_flush_dev kdoc; REFERENCE-MODELS.md (c)',
  description:
    'IssueLast(0) puts a LAST request in the hwq, Stop(0) stops the device at the group boundary and FreePasid(0) frees the PASID while the request is queued: NoFreedPasidFault fails after 3 steps.',
  model: 'iopf-pipeline',
  expect: { violates: ['NoFreedPasidFault'] },
  steps: {
    replace: {
      'unbind/FreePasid': step<Iopf>({
        name: 'FreePasid',
        doc: 'BROKEN: the PASID is released once the device is stopped, flushed or not',
        enabled: (s, d) => s.dstate[d] === STOPPED || s.dstate[d] === FLUSHED,
        apply: (x, d) => {
          x.dstate[d] = FREED;
        },
      }),
    },
  },
});
