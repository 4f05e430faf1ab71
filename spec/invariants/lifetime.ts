// Nothing leaks: once the system is torn down (the model's final states: every driver done, the SMMU
// removed, nothing queued or running), every object the modelled code allocated has been freed by
// its owner. Checked as an invariant that holds trivially on every other state, so a leak is a
// violation with a shortest trace like any other.
import type { Invariant } from '../../explorer/model.ts';
import type { State } from '../../model/state.ts';
import { isFinal } from '../../model/system.ts';

/** The fault path's objects: each device's fault data, pending events and partial faults. */
function faultPathFreed(s: State): boolean {
  return s.dev_iommu.every((di) => di.fault_param === null && di.iopf_param === null) && s.queue.devices.length === 0;
}

/**
 * The SVA side's objects: bonds, notifiers (their SRCU frees done), shared CDs and their ASID pins,
 * PASIDs, and every mm_count but the owner's own. A PASID may remain only as a live mm's own (its
 * holder is the mm, v5.18); one held by a bond, or by nobody, has leaked.
 */
function svaFreed(s: State): boolean {
  const smmu = s.arm_smmu;
  if (smmu.masters.some((m) => m.bonds.some((b) => b !== null))) return false;
  if (smmu.mmu_notifiers.some((n) => n !== null)) return false;
  if (smmu.asid_xa.some((e) => e?.type === 'shared')) return false;
  const ownPasid = (a: NonNullable<State['ioasid']['xa'][number]>): boolean =>
    a.private !== null && a.holders.length > 0 && a.holders.every((h) => h.kind === 'mm') && s.mms[a.private]!.count > 0;
  if (s.ioasid.xa.some((a) => a !== null && !ownPasid(a))) return false;
  return s.mms.every((m) => m.context.pinned === 0 && m.srcu_pending.length === 0 && m.notifiers.length === 0 && m.count === (m.exit.state === 'exited' ? 0 : 1));
}

export const nothingLeaksFaultPath: Invariant<State> = {
  name: 'nothing-leaks',
  description:
    "once every driver has torn its device down and the SMMU is gone, each device's fault data, pending events and partial faults have been freed",
  source: 'io-pgfault.c iopf_queue_remove_device ("free all partials and the param"), iommu.c iommu_unregister_device_fault_handler (kfree(fault_param))',
  holds: (s) => !isFinal(s) || faultPathFreed(s),
};

export const nothingLeaks: Invariant<State> = {
  name: 'nothing-leaks',
  description:
    'once every driver has torn its device down and the SMMU is gone, every fault datum, bond, notifier, shared CD, ASID pin, PASID and mm reference the SVA code took has been freed',
  source:
    'arm-smmu-v3-sva.c arm_smmu_sva_unbind / arm_smmu_mmu_notifier_put / arm_smmu_free_shared_cd, iommu-sva-lib.c iommu_sva_free_pasid, mm/mmu_notifier.c mmu_notifier_free_rcu (mmdrop), plus the fault path',
  holds: (s) => !isFinal(s) || (faultPathFreed(s) && svaFreed(s)),
};
