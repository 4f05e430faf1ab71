// struct arm_smmu_master's lifetime and smmu->streams, the SID->master rb-tree the event thread
// routes events by, as in [PATCH v14 07/10] "iommu/arm-smmu-v3: Maintain a SID->device structure"
// (merged for v5.14) and the probe/release of [PATCH v14 10/10] (395ad89d11fd). Line numbers are of
// drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c at blob 85e103bf021d (the file after 10/10).
//
// The tree is an array indexed by StreamID: rb_link_node/rb_erase are one mutex section each, so
// only who an id points to is observable. One StreamID per master (the stall model's own limit:
// arm_smmu_master_iopf_supported needs num_streams == 1, "We're not keeping track of SIDs in fault
// events"). Left out: -ERANGE and the L2 stream table (init at probe, never failing here).
import type { Draft } from 'immer';
import type { State } from '../state.ts';
import type { DeviceId } from '../ids.ts';
import { evtqOf } from './evtq-state.ts';

/**
 * arm_smmu_insert_master (:2521-2592): under streams_mutex, link each stream; a StreamID already in
 * the tree is dev_warn("stream %u already in tree") and -EINVAL, the streams linked so far erased.
 */
export function arm_smmu_insert_master(d: Draft<State>, dev: DeviceId): 0 | '-EINVAL' {
  const sid = evtqOf(d).masters[dev]!.sid;
  if (evtqOf(d).streams[sid] !== null) return '-EINVAL';
  evtqOf(d).streams[sid] = dev;
  return 0;
}

/** arm_smmu_remove_master (:2594-2609): rb_erase each stream under streams_mutex, then kfree(streams). */
export function arm_smmu_remove_master(d: Draft<State>, dev: DeviceId): void {
  const sid = evtqOf(d).masters[dev]!.sid;
  if (evtqOf(d).streams[sid] === dev) evtqOf(d).streams[sid] = null;
}

/**
 * arm_smmu_probe_device: kzalloc the master, arm_smmu_insert_master (:2638; an error goes to
 * err_free_master: kfree(master), the device gets no IOMMU), stall_enabled from the firmware
 * (:2660-2663, set at init here: evtq-state.ts stallEnabledOf).
 */
export function arm_smmu_probe_device(d: Draft<State>, dev: DeviceId): 0 | '-EINVAL' {
  const ret = arm_smmu_insert_master(d, dev);
  if (ret === 0) evtqOf(d).masters[dev]!.pc = 'probed';
  return ret;
}

/**
 * arm_smmu_release_device (:2681-2687): arm_smmu_detach_dev and arm_smmu_disable_pasid (no state
 * here), then arm_smmu_remove_master and kfree(master).
 */
export function arm_smmu_release_device(d: Draft<State>, dev: DeviceId): void {
  arm_smmu_remove_master(d, dev);
  evtqOf(d).masters[dev]!.pc = 'released';
}

/** arm_smmu_find_master (:1400-1420): the master the stream of that id points to, or NULL. */
export const arm_smmu_find_master = (s: Pick<State, 'evtq'>, sid: number): DeviceId | null => evtqOf(s).streams[sid] ?? null;
