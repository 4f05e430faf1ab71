// `sometimes` properties: for each situation an invariant guards, a state that must be reached,
// or the invariant holds vacuously and proves nothing there (STYLE.md 4).
import type { Witness } from '../explorer/model.ts';
import type { EvtqEntry } from '../model/arm-smmu-v3/evtq-state.ts';
import type { State } from '../model/state.ts';

const outstanding = (s: State, dev: number): number =>
  s.devices[dev]!.prgs.filter((p) => p.state === 'waiting' || p.state === 'sending').length;

/** The device whose transaction an event record is of (a ghost: the record names its StreamID only). */
const issuer = (evt: EvtqEntry): number => (evt.kind === 'stall' ? evt.fault.dev : evt.dev);

/**
 * Witnesses of the iopf model. The event queue's two are reached at once in a state without one (a
 * config without `evtq`): there is no routing there to witness.
 */
export const iopfWitnesses: readonly Witness<State>[] = [
  {
    name: 'group-completes',
    description: 'a worker is about to answer and free a group (guards no-response-to-freed-group)',
    source: 'seed 001 iopf_handle_group',
    reached: (s) => s.workers.some((w) => w.pc === 'complete'),
  },
  {
    name: 'two-groups-outstanding',
    description: 'a device has two page request groups outstanding at once (guards one-response-per-group)',
    source: 'seed 000 page response matching by grpid and PASID',
    reached: (s) => s.devices.some((_, i) => outstanding(s, i) >= 2),
  },
  {
    name: 'response-failure',
    description: 'a device received Response Failure and stopped issuing page requests (the nobody-cared path)',
    source: 'kernel-notes 1a.1: on error the IOMMU driver completes the fault itself',
    reached: (s) => s.devices.some((d) => d.pri === 'failed'),
  },
  {
    name: 'stale-request-in-flight',
    description: 'a request is still in flight after its PASID was freed (guards no-fault-after-pasid-free)',
    source: 'seed 001 iopf_queue_flush_dev kdoc',
    reached: (s) =>
      s.hwq.entries.some((e) => e.kind === 'ppr' && e.fault.stale) ||
      s.dev_iommu.some((di) => di.iopf_param?.partial.some((f) => f.stale) ?? false),
  },
  {
    name: 'pasid-reused',
    description: 'a freed PASID was given to the next process (the one a stale fault would hit)',
    source: 'seed 001 iopf_queue_flush_dev kdoc; kernel-notes 1b ioasid_put: "the id is immediately reusable"',
    reached: (s) => s.next_process === 'bound',
  },
  {
    name: 'overflow-with-partials',
    description: 'the PRI queue overflowed while partial faults wait for their LAST (guards partial-list-integrity)',
    source: 'seed 001 iopf_queue_discard_partial kdoc; SMMUv3 spec 8.1',
    reached: (s) => s.hwq.overflow && s.dev_iommu.some((di) => (di.iopf_param?.partial.length ?? 0) > 0),
  },
  {
    name: 'flush-waits-for-work',
    description: 'iopf_queue_flush_dev waits while a group is queued or running (guards no-stall)',
    source: 'seed 001 iopf_queue_flush_dev',
    reached: (s) =>
      s.drivers.some((p) => p === 'flush_wait') && (s.queue.wq.length > 0 || s.workers.some((w) => w.pc !== 'idle')),
  },
  {
    name: 'remove-with-partials',
    description: 'iopf_queue_remove_device runs while partial faults are still on the list (guards fault-param-lifetime)',
    source: 'seed 001 iopf_queue_remove_device: "Just in case some faults are still stuck"',
    reached: (s) => s.drivers.some((p, i) => p === 'remove_device' && (s.dev_iommu[i]!.iopf_param?.partial.length ?? 0) > 0),
  },
  {
    name: 'mm-exits-under-fault',
    description: 'the process exits while a fault worker holds its mm (seed001-killed-process.log)',
    source: 'shared/traces/seed001-killed-process.log',
    reached: (s) => s.mms.some((m, i) => s.procs[i]!.pc === 'exited' && m.users > 0),
  },
  {
    name: 'evtq-event-dropped',
    description:
      'an event a released master left in the event queue finds no master for its StreamID and is dropped with a log (guards events-to-their-master)',
    source: 'arm-smmu-v3.c (85e103bf021d) arm_smmu_handle_evt :1496-1499 (-EINVAL), arm_smmu_evtq_thread :1529-1537 (dev_info)',
    reached: (s) => {
      if (s.evtq === undefined) return true;
      const t = s.evtq.thread;
      return t.pc === 'log' && t.master === null && t.evt !== null && s.evtq.masters[issuer(t.evt)]!.pc === 'released';
    },
  },
  {
    name: 'evtq-stream-changes-owner',
    description:
      'an event a released master left in the event queue is delivered to the device that took its StreamID since (guards events-to-their-master)',
    source: 'arm-smmu-v3.c (85e103bf021d) arm_smmu_handle_evt :1494-1501: the record carries the StreamID only',
    reached: (s) => {
      if (s.evtq === undefined) return true;
      const t = s.evtq.thread;
      return t.pc === 'report' && t.evt !== null && t.master !== issuer(t.evt);
    },
  },
];
