// 07838f7fd529 "iommufd: Add iommufd fault object" (seed 004) with its series (the fault-capable
// HWPT attach/detach, b7d8833677ba) and the check on the user's response code that followed
// ("iommufd: Add check on user response code", Lu Baolu, Fixes: 07838f7fd529): page request groups
// are delivered to a user-space handler through the fault fd instead of the SVA workqueue
// (kernel-notes 1a.5; model/iommufd/, spec/variants/iopf/iommufd.ts for what changes).
// Expected: every invariant holds, response-code-valid included. A group is answered exactly once:
// by write() (xa_erase takes its cookie away, so a stale or repeated write is -EINVAL), or by the
// detach's auto-response (INVALID), never both, since both run under fault->mutex and each takes
// the group off the list it answers it from. A user that never answers cannot stall the device:
// the detach answers for it, and the PASID is released only after the detach.
// It also closes the baseline's known finding F1 (README): a request the PRIQ thread reports after
// the flush returned finds no fault-capable HWPT attached any more (the detach, the fault fence of
// this design, came before the PASID's release) and is answered by the IOMMU driver, never queued.
import { defineVariant } from '../../../explorer/variant.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { WORKQUEUE_WITNESSES, iommufdLiveness, iommufdModel, iommufdState, iommufdSteps, iommufdWitnesses } from './iommufd.ts';

export default defineVariant<State, IopfParams>({
  id: 'iommufd-fault-object',
  title: 'page request groups delivered to user space through the iommufd fault object',
  source: 'seed 004: 07838f7fd5 (with b7d8833677ba and the response code check, Fixes: 07838f7fd529); kernel-notes 1a.5',
  description:
    'All invariants hold, and the baseline\'s late report after the flush (F1) is answered at once since the detach came first: write() and the detach\'s auto-response each take a group off fault->response or fault->deliver under fault->mutex before answering it, so every group gets one response, user space can only send SUCCESS or INVALID, and a user that never answers is answered for at the detach.',
  model: 'iopf',
  expect: { violates: [], fixes: ['fault-param-lifetime', 'no-fault-after-pasid-free', 'nothing-leaks'] },
  steps: { replace: iommufdSteps({}) },
  witnesses: { remove: WORKQUEUE_WITNESSES, add: iommufdWitnesses },
  liveness: iommufdLiveness,
  state: iommufdState,
  transform: (m) => iommufdModel(m, { checkCode: true }),
});
