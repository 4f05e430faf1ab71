// The event queue's routing rule: an event reaches the master that owns its StreamID, or nobody.
// Its witnesses are in spec/witnesses.ts (evtq-event-dropped, evtq-stream-changes-owner); the
// variant that breaks it is spec/variants/iopf/find-master-unlocked.ts.
import type { Invariant } from '../../explorer/model.ts';
import type { State } from '../../model/state.ts';

export const eventsToTheirMaster: Invariant<State> = {
  name: 'events-to-their-master',
  description:
    'an event the event queue thread delivers (reports as a fault, or aborts with CMD_RESUME) goes to the master that owns its StreamID at that moment: past arm_smmu_find_master, the master in the thread\'s hands is the one the SID->master tree names; an event whose stream has no master is dropped, never delivered to another device',
  source:
    'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c (85e103bf021d, [PATCH v14 10/10], 395ad89d11fd): arm_smmu_handle_evt holds smmu->streams_mutex from arm_smmu_find_master to the report and the abort (:1494-1513), arm_smmu_find_master asserts it (:1406), arm_smmu_remove_master erases under it (:2603-2606) before arm_smmu_release_device frees the master',
  holds: (s) => {
    const q = s.evtq;
    if (q === undefined || (q.thread.pc !== 'report' && q.thread.pc !== 'nobody_cared')) return true;
    return q.thread.master !== null && q.streams[q.thread.evt!.sid] === q.thread.master;
  },
};
