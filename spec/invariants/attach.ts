// The IOMMU core and the driver agree on a master's domain (param `attach`). The core records
// group->domain when the driver's attach returns 0 and leaves it as it was when the attach fails
// (__iommu_attach_group, iommu.c v5.13); iommu_get_domain_for_dev returns it, and the DMA API and
// SVA's binds use it as the master's domain. The later core holds drivers to it: a failed attach is
// undone by attaching group->domain again, "A well behaved driver should always allow us to attach
// to a domain that was already attached", and "DMA must only be able to access either new_domain or
// group->domain, never something else" (__iommu_group_set_domain_internal, iommu.c, v6.4 and later).
import type { Invariant } from '../../explorer/model.ts';
import type { DeviceId } from '../../model/ids.ts';
import type { State } from '../../model/state.ts';
import { attachHoldsGroup } from '../../model/sva/attach.ts';

export const attachedToGroupDomain: Invariant<State> = {
  name: 'attached-to-group-domain',
  description:
    "once arm_smmu_attach_dev has returned, the master is attached to group->domain, the domain the IOMMU core records and iommu_get_domain_for_dev reports: an attach that fails leaves the master in the domain it was in, not detached",
  source:
    'drivers/iommu/iommu.c __iommu_attach_group (v5.13: "if (ret == 0) group->domain = domain") and __iommu_group_set_domain_internal (v6.4 and later: err_revert re-attaches group->domain); arm-smmu-v3.c arm_smmu_attach_dev (9936a12fcb18: arm_smmu_detach_dev at :2248 before the -ENXIO at :2259-2265; 9f7c68911579: after it)',
  reads: ['arm_smmu'],
  holds: (s) => {
    const a = s.arm_smmu.attach;
    return a === undefined || s.arm_smmu.masters.every((m, sid) => attachHoldsGroup(s, sid as DeviceId) || m.domain === a.group_domain[sid]);
  },
};
