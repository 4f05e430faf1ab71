// Seed 001, review of v6: Lu Baolu on iopf_queue_flush_dev(dev, pasid): "There may be other pasid
// iopf in the workqueue. Flush all tasks in the workqueue will hurt other pasids." The suggestion:
// wait only for this device's groups of the given PASID. The variant's flush waits until no group
// of (dev, pasid) is queued or running, with dev->iommu->lock held as before.
import { step } from '../../../explorer/model.ts';
import { defineVariant } from '../../../explorer/variant.ts';
import { iopf_queue_flush_dev_unlock } from '../../../model/io-pgfault/queue.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { IopfGroup } from '../../../model/io-pgfault/state.ts';
import type { State } from '../../../model/state.ts';
import type { DeviceId } from '../../../model/ids.ts';

const ofPasid = (g: IopfGroup, dev: number, pasid: number): boolean =>
  g.dev === dev && [...g.faults, g.last_fault].some((f) => f.pasid === pasid);

export default defineVariant<State, IopfParams>({
  id: 'flush-per-pasid',
  title: 'iopf_queue_flush_dev waits only for the groups of the PASID being released',
  source: 'seed 001: Lu Baolu\'s review of iopf_queue_flush_dev(dev, pasid) in v6',
  description:
    'The flush waits for groups of this device holding a fault of its PASID. Every invariant holds at the issue\'s bounds: the faults a PASID release must wait for are exactly those groups (a group is made of one device\'s requests; a device uses one PASID per group), and faults of other PASIDs or of the RID cannot hit the next owner of this PASID. Groups of other devices are not waited for, which is the point of the suggestion.',
  model: 'iopf',
  expect: { violates: [] },
  steps: {
    replace: {
      'driver/iopf_queue_flush_dev/flush_workqueue': () =>
        step<State>({
          name: 'iopf_queue_flush_dev/flush_workqueue',
          at: 'flush_wait',
          doc: 'reviewer\'s suggestion: wait only for queued or running groups of (dev, pasid)',
          enabled: (s, self) => {
            const pasid = s.devices[self]!.pasid;
            return (
              !s.queue.wq.some((g) => ofPasid(g, self, pasid)) &&
              s.workers.every((w) => w.pc === 'idle' || !ofPasid(w.group, self, pasid))
            );
          },
          apply: (d, self) => {
            iopf_queue_flush_dev_unlock(d, self as DeviceId);
            d.drivers[self] = 'unbind';
          },
        }),
    },
  },
});
