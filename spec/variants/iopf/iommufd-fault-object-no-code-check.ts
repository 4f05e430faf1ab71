// 07838f7fd529 "iommufd: Add iommufd fault object" as first merged: iommufd_fault_fops_write passes
// response.code to iopf_group_response unchecked. Lu Baolu's fix ("iommufd: Add check on user
// response code", Fixes: 07838f7fd529): "The response code from user space is only allowed to be
// SUCCESS or INVALID. All other values are treated by the device as a response code of Response
// Failure according to PCI spec, section 10.4.2.1. This response disables the Page Request
// Interface for the Function." Expected: response-code-valid fires on the first write of a held
// cookie with FAILURE; the device then stops issuing page requests.
import { defineVariant } from '../../../explorer/variant.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { WORKQUEUE_WITNESSES, iommufdLiveness, iommufdModel, iommufdState, iommufdSteps, iommufdWitnesses } from './iommufd.ts';

export default defineVariant<State, IopfParams>({
  id: 'iommufd-fault-object-no-code-check',
  title: 'iommufd fault object as first merged: write() does not check the response code',
  source: 'seed 004: 07838f7fd5 as merged; fixed by "iommufd: Add check on user response code" (Fixes: 07838f7fd529)',
  description:
    'response-code-valid: user space answers a cookie with Response Failure, which reaches the device and disables its PRI (a VF shares PRI with its PF).',
  model: 'iopf',
  expect: { violates: ['response-code-valid'], fixes: ['fault-param-lifetime', 'no-fault-after-pasid-free', 'nothing-leaks'] },
  steps: { replace: iommufdSteps({}) },
  witnesses: { remove: WORKQUEUE_WITNESSES, add: iommufdWitnesses },
  liveness: iommufdLiveness,
  state: iommufdState,
  transform: (m) => iommufdModel(m, { checkCode: false }),
});
