// 0095bf8355 "iommu: Improve iopf_queue_remove_device()" (seed 004): remove_device answers every
// outstanding LAST request INVALID (PASID_VALID iff NEEDS_PASID) and deletes it, then frees the
// partials and unlinks the device; a group still in flight later finds the pending list empty and
// its response is dropped ("no pending PRQ"), so the device is answered exactly once. On the v5.13
// structure the pending list lives in fault_param (merged into one struct by 15fc60cdd2 before this
// commit), which the unregister just before freed only if it was empty.
// Compare with the baseline: same verdict, as many states. A LAST request reported after the flush
// (the baseline's known finding F1) can still be pending when remove_device runs; the variant
// answers it there, so the group's own later response finds nothing pending. The device has stopped
// its DMA and keeps no record of the code, so answering sooner changes when, not what, and each
// state of one search has its counterpart in the other.
import { step } from '../../../explorer/model.ts';
import { defineVariant } from '../../../explorer/variant.ts';
import { ops_page_response } from '../../../model/iommu/fault.ts';
import { iopf_queue_remove_device } from '../../../model/io-pgfault/queue.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID, hasFlag } from '../../../model/types.ts';
import type { DeviceId } from '../../../model/ids.ts';

export default defineVariant<State, IopfParams>({
  id: 'remove-device-ack-invalid',
  title: 'iopf_queue_remove_device answers outstanding requests INVALID',
  source: 'seed 004: 0095bf8355; kernel-notes 1a.2 (Jason Gunthorpe\'s removal order)',
  description:
    'Same verdict as the baseline: a request reported after the flush (F1) may still be pending at removal, and the variant answers it there INVALID; no invariant changes.',
  model: 'iopf',
  expect: { violates: [] },
  steps: {
    replace: {
      'driver/iopf_queue_remove_device': () =>
        step<State>({
          name: 'iopf_queue_remove_device',
          at: 'remove_device',
          doc: '0095bf8355: free partials, ops->page_response(INVALID) + list_del each pending event, unlink, unpublish',
          apply: (d, self) => {
            const fparam = d.dev_iommu[self]!.fault_param;
            for (const evt of fparam?.faults ?? []) {
              const needsPasid = hasFlag(evt.flags, IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID);
              ops_page_response(d, self as DeviceId, evt, {
                pasid_valid: needsPasid,
                pasid: evt.pasid,
                grpid: evt.grpid,
                code: 'INVALID',
              });
            }
            if (fparam) fparam.faults = [];
            iopf_queue_remove_device(d, self as DeviceId);
            d.drivers[self] = 'disable_pri';
          },
        }),
    },
  },
});
