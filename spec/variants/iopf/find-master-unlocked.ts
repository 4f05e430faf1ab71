// The stall patch as it was posted up to v12 (Jan 2021): arm_smmu_find_master took smmu->streams_mutex
// itself and dropped it before returning the master, as the SID->device patch introduced it ([PATCH
// v7 19/24] "iommu/arm-smmu-v3: Maintain a SID->device structure", May 2020):
//     mutex_lock(&smmu->streams_mutex); ... master = stream->master; break; ...
//     mutex_unlock(&smmu->streams_mutex); return master;
// and arm_smmu_handle_evt went on to iommu_report_device_fault(master->dev) and the abort's
// arm_smmu_page_response(master->dev) with no lock (the stall patch, "Add stall support for platform
// devices", [PATCH v8] of Nov 2020, and v12 as quoted in Eric Auger's review of Jan 2021). v14
// (Apr 2021, as merged, 395ad89d11fd) holds the mutex in arm_smmu_handle_evt across the lookup,
// the report and the abort, and arm_smmu_find_master asserts it (lockdep_assert_held).
//
// What the unlocked use allows: the master returned can be released (arm_smmu_remove_master takes
// the mutex the lookup no longer holds, then arm_smmu_release_device kfree()s it) before the report
// dereferences it: a use after free, and when a new master took the same StreamID the kmalloc slot
// is likely that master's, so the old device's event goes to the new device. A stall master cannot
// be released while its stalled transaction waits (its driver's teardown waits for it), so the event
// that exposes it is a record of a master without stall, left in the queue while its device goes.
import { defineVariant } from '../../../explorer/variant.ts';
import { findMasterStep, nobodyCaredStep, reportEvtStep, type StreamsMutex } from '../../../model/arm-smmu-v3/evtq.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';

const LOOKUP_ONLY: StreamsMutex = { acrossReport: false };

export default defineVariant<State, IopfParams>({
  id: 'find-master-unlocked',
  title: 'arm_smmu_handle_evt uses the master after arm_smmu_find_master dropped streams_mutex (the stall patch up to v12)',
  source:
    '[PATCH v7 19/24] "Maintain a SID->device structure" (find_master locking inside) with the stall patch "Add stall support for platform devices" as posted in v8 (Nov 2020) to v12 (Jan 2021); fixed in [PATCH v14 07/10] and 10/10 (Apr 2021, 395ad89d11fd)',
  description:
    'The lookup holds streams_mutex only while it walks the tree; the master it returns is reported to after the lock is gone. A device released in between (its master erased and freed) still gets the event: events-to-their-master fails on the record of a non-stall master the thread holds while that master is released.',
  model: 'iopf',
  expect: { violates: ['events-to-their-master'], config: 'iopf-evtq' },
  steps: {
    replace: {
      'evtq_thread/arm_smmu_handle_evt/find_master': findMasterStep(
        LOOKUP_ONLY,
        'arm_smmu_handle_evt (v8-v12): arm_smmu_find_master takes smmu->streams_mutex, walks the tree and drops it before returning the master',
        'arm_smmu_handle_evt of the stall patch v8-v12 (not merged); arm_smmu_find_master of [PATCH v7 19/24] (mutex_lock/unlock inside)',
      ),
      'evtq_thread/arm_smmu_handle_evt/iommu_report_device_fault': (c) => reportEvtStep(c, LOOKUP_ONLY),
      'evtq_thread/arm_smmu_handle_evt/nobody_cared': nobodyCaredStep(LOOKUP_ONLY),
    },
  },
});
