// The safety rules of the I/O page fault path, one per clause so a counterexample names
// the exact rule it breaks. Each says where the rule comes from; each has a witness in
// spec/witnesses.ts showing that the situation it guards is reached, and a variant or a hand-made
// state in test/spec that makes it fire.
import type { Invariant } from '../../explorer/model.ts';
import { iommufdFaults, iommufdOf } from '../../model/iommufd/state.ts';
import type { IommuFault } from '../../model/iommu/state.ts';
import type { State } from '../../model/state.ts';

/** The faults the iommufd fault object holds (none in a model without it). */
function deliveredToUser(s: State): IommuFault[] {
  const f = iommufdOf(s);
  return f ? iommufdFaults(f) : [];
}

/**
 * Does `bad` hold for a fault a running group's walk has not passed yet (one it may still read or
 * handle)? The walk is over [...group.faults, last_fault] from `cursor`; indexed in place because
 * the invariants run on every new state.
 */
function someAhead(w: State['workers'][number], bad: (f: IommuFault) => boolean): boolean {
  if (w.pc !== 'find' && w.pc !== 'fault') return false;
  const faults = w.group.faults;
  for (let i = w.cursor; i < faults.length; i++) if (bad(faults[i]!)) return true;
  return w.cursor <= faults.length && bad(w.group.last_fault);
}

export const noResponseToFreedGroup: Invariant<State> = {
  name: 'no-response-to-freed-group',
  description: 'no page response is sent on behalf of an iopf_group that was already freed',
  source:
    'seed 001 iopf_handle_group: iopf_complete_group(group->dev, &group->last_fault, status) before kfree(group); seed 000: the response is built from the pending request',
  reads: ['ghost'],
  holds: (s) => !s.ghost.responseAfterGroupFree,
};

export const oneResponsePerGroup: Invariant<State> = {
  name: 'one-response-per-group',
  description:
    'each page request group gets at most one response, and only after its LAST request was reported (or the SMMU auto-answered the lost LAST); no response names a group the device has not outstanding',
  source:
    'seed 000 (PCI PRI: one PRG response per group); kernel-notes 1a.1 "No response is ever owed for a non-last request"; SMMUv3 spec 8.1 (auto-response); PCIe PRI "Unexpected Page Request Group Index"',
  reads: ['ghost', 'devices'],
  holds: (s) =>
    !s.ghost.responseBeforeLast && s.devices.every((d) => !d.uprgi && d.prgs.every((p) => p.responses <= 1)),
};

export const noFaultAfterPasidFree: Invariant<State> = {
  name: 'no-fault-after-pasid-free',
  description:
    'no queued or running fault is handled against a PASID after it was freed, so it cannot hit the next process that gets the PASID',
  source:
    'seed 001 iopf_queue_flush_dev kdoc: "to ensure that all pending faults for this PASID have been handled, and won\'t hit the address space of the next process that uses this PASID"',
  reads: ['queue', 'workers', 'iommufd'],
  holds: (s) =>
    s.queue.wq.every((g) => !g.faults.some((f) => f.stale) && !g.last_fault.stale) &&
    s.workers.every((w) => w.pc === 'idle' || w.status !== 'SUCCESS' || !someAhead(w, (f) => f.stale)) &&
    // Faults delivered to user space (iommufd variants), which user space may still answer SUCCESS.
    !deliveredToUser(s).some((f) => f.stale),
};

export const partialListIntegrity: Invariant<State> = {
  name: 'partial-list-integrity',
  description:
    'no freed fault stays on a partial or pending list, nor on a queued group or ahead of a running walk (where a later list walk would read it)',
  source:
    'seed 001, Lu Baolu on v6 iopf_queue_discard_partial: "iopf is freed but not removed from the list"; Jean-Philippe Brucker: "Ouch yes this is wrong, will fix"',
  reads: ['dev_iommu', 'queue', 'workers'],
  holds: (s) =>
    s.dev_iommu.every(
      (di) => !(di.iopf_param?.partial.some((f) => f.freed) ?? false) && !(di.fault_param?.faults.some((f) => f.freed) ?? false),
    ) &&
    s.queue.wq.every((g) => !g.faults.some((f) => f.freed)) &&
    s.workers.every((w) => !someAhead(w, (f) => f.freed)),
};

export const faultParamLifetime: Invariant<State> = {
  name: 'fault-param-lifetime',
  description: "nothing touches a device's fault data after iopf_queue_remove_device (or the unregister) freed it",
  source:
    'kernel-notes 1a.1: "lifetime is by dev->iommu->lock"; seed 004 a74c077b90 "a mutex protected the fault data from use after free"',
  reads: ['ghost'],
  holds: (s) => !s.ghost.faultDataUseAfterFree,
};

export const responseCodeValid: Invariant<State> = {
  name: 'response-code-valid',
  description:
    'only SUCCESS or INVALID come from user space: a page response written to the iommufd fault fd carries one of the two codes',
  source:
    'seed 004 07838f7fd5; "iommufd: Add check on user response code" (Fixes: 07838f7fd529): "All other values are treated by the device as a response code of Response Failure according to PCI spec, section 10.4.2.1. This response disables the Page Request Interface for the Function."',
  reads: ['iommufd'],
  holds: (s) => !(iommufdOf(s)?.badUserCode ?? false),
};

/** In the order of the issue. `no-stall` is the explorer's deadlock check (model/system.ts isFinal). */
export const iopfInvariants: readonly Invariant<State>[] = [
  noResponseToFreedGroup,
  oneResponsePerGroup,
  noFaultAfterPasidFree,
  partialListIntegrity,
  faultParamLifetime,
  responseCodeValid,
];
