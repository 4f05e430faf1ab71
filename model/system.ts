// The I/O page fault path as one model: the endpoints, the SMMU's page request queue and its
// thread, iommu.c's fault report and page response, io-pgfault.c's queue, groups and workers, the
// device drivers, and the mm/PASID stand-in, composed into the Model `iopf`.
//
// Follows seed 001 v6: its page fault handler as merged from the series (io-pgfault.c fc36479db74e,
// with the list_del its review asked for), its PRI patch 25 (the PRIQ thread and
// arm_smmu_flush_priq, never merged), and iommu.c's report/response of that tree (page response
// matching from seed 000, the fault record of seed 003). Later designs (seed 004) are variants under
// spec/variants/iopf/, each named by its commit.
//
// The mm/PASID side is the real modules (model/ioasid, model/iommu-sva, model/mm, model/arm-smmu-v3,
// composed in model/sva/): with `smmu` the bind is arm-smmu-v3-sva.c's (seed 001 v6) with sva_lock,
// the notifiers' release and invalidate_range, the SRCU free, the command queue, TLB, ATC and the
// device's DMA; without it the bind is the PASID alone, which is all the fault path needs.
//
// With `evtq` the endpoints are platform devices on the SMMU's stall model instead: their faults go
// through the event queue, routed to their master by StreamID (model/arm-smmu-v3/evtq.ts, master.ts).
//
// Left out, and why: unrecoverable faults (never reach io-pgfault); more than one PRI queue, PRI
// thread and iopf_queue (one per SMMU in the kernel: with `smmus` 2 the devices of both SMMUs still
// share the one modelled here, which only adds interleavings between their faults; the param is
// about the SVA side's TLBs, command queues, domains and notifiers); STEs and the L1 CD table.
// The arm64 ASID allocator is model/mm/context.ts, with CPUs switching between processes
// (model/sva/cpus.ts) where a config asks for them. The invariants and witnesses live in spec/ (spec/iopf.ts and
// spec/sva.ts put them on this model); this module is the kernel alone.
import { canonicalState, declaredSymmetry } from './symmetry/symmetry.ts';
import { match } from 'ts-pattern';
import { defineModel, step, type AnyStep, type Model, type Process } from '../explorer/model.ts';
import { priqProcess } from './arm-smmu-v3/priq.ts';
import { evtqDeviceSteps, evtqIdle, evtqProcess } from './arm-smmu-v3/evtq.ts';
import { deviceSteps } from './device.ts';
import { deviceDmaSteps, driverProcess } from './driver.ts';
import { iopf_queue_free, workqueueIdle } from './io-pgfault/queue.ts';
import { workerSteps } from './io-pgfault/worker.ts';
import { initialState, stateCodec } from './layout.ts';
import { iopfParams, type IopfParams } from './params.ts';
import { PCI_WARNINGS, type Prg } from './pci/endpoint.ts';
import { DRIVER_PCS, type State } from './state.ts';
import { IOASID_WARNINGS } from './ioasid/ioasid.ts';
import { MM_WARNINGS } from './mm/mm.ts';
import { SMMU_WARNINGS } from './arm-smmu-v3/state.ts';
import { mmProcesses } from './sva/processes.ts';

function devicePc(s: State, dev: number): string {
  const device = s.devices[dev]!;
  if (device.prgs.some((p) => p.state === 'sending')) return 'sending';
  if (device.prgs.some((p) => p.state === 'waiting')) return 'waiting';
  return `pri_${device.pri}`;
}

function smmuProcess(): Process<State> {
  return {
    name: 'smmu',
    instances: 1,
    pc: (s) => s.smmu,
    steps: [
      step<State>({
        name: 'iopf_queue_alloc',
        at: 'probe',
        doc: 'io-pgfault.c iopf_queue_alloc at SMMU probe: alloc_workqueue("iopf_queue/%s", WQ_UNBOUND, 0)',
        source: 'drivers/iommu/io-pgfault.c:414-438 (v5.13-rc6)',
        locks: 'none',
        apply: (d) => {
          d.queue.state = 'live';
          d.smmu = 'live';
        },
      }),
      step<State>({
        name: 'iopf_queue_free',
        at: 'live',
        doc: 'io-pgfault.c iopf_queue_free at SMMU removal: remove_device for each listed device, destroy_workqueue (drains it)',
        source: 'drivers/iommu/io-pgfault.c:448-460 (v5.13-rc6)',
        locks: 'queue->lock (in each remove_device)',
        enabled: (s) => s.drivers.every((p) => p === 'done') && workqueueIdle(s),
        apply: (d) => {
          iopf_queue_free(d);
          d.smmu = 'gone';
        },
      }),
    ],
  };
}

/** The processes of the model, in the fixed order the explorer offers their steps. */
export function iopfProcesses(c: IopfParams): Process<State>[] {
  return [
    {
      name: 'device',
      instances: c.devices,
      pc: devicePc,
      steps: c.evtq ? evtqDeviceSteps(c) : [...(deviceSteps(c) as AnyStep<State>[]), ...deviceDmaSteps(c)],
    },
    // The SMMU's PRI queue thread is there whatever the devices; platform devices never feed it.
    priqProcess(c),
    ...(c.evtq ? [evtqProcess(c)] : []),
    { name: 'worker', instances: c.workers, pc: (s, self) => s.workers[self]!.pc, steps: workerSteps() },
    driverProcess(c),
    smmuProcess(),
    ...mmProcesses(c),
  ];
}

const outstanding = (p: Prg): boolean => p.state === 'sending' || p.state === 'waiting';

/** Legitimate end: every driver tore its device down, the SMMU freed the queue, nothing waits. */
export function isFinal(s: State): boolean {
  return (
    s.smmu === 'gone' &&
    s.drivers.every((p) => p === 'done') &&
    s.devices.every((dev) => !dev.prgs.some(outstanding)) &&
    s.hwq.entries.length === 0 &&
    s.priq.pc === 'idle' &&
    evtqIdle(s) &&
    workqueueIdle(s)
  );
}

/** Which device waits for which response, and where everyone else stopped. */
export function explainDeadlock(s: State): string {
  const lines: string[] = [];
  s.devices.forEach((dev, i) => {
    dev.prgs.forEach((p, seq) => {
      if (!outstanding(p)) return;
      const what = match(p.state)
        .with('waiting', () => 'waits for a response to')
        .with('sending', () => 'never finished sending')
        .otherwise(() => '');
      lines.push(
        `device ${i} is stalled: it ${what} page request group grpid ${p.grpid} (pasid ${p.pasid}, group #${seq}) that nothing will send`,
      );
    });
  });
  lines.push(`drivers at ${s.drivers.join(', ')}; smmu ${s.smmu}; priq thread ${s.priq.pc}; workers ${s.workers.map((w) => w.pc).join(', ')}`);
  if (s.evtq) lines.push(`evtq thread ${s.evtq.thread.pc}; ${s.evtq.q.length} event(s) queued`);
  return lines.join('\n');
}

const iopf: Model<State, IopfParams> = defineModel<State, IopfParams>({
  name: 'iopf',
  description:
    'I/O page fault path: PRI endpoints, the PRI queue and its thread, iommu_report_device_fault, partial faults, groups, iopf workers, iommu_page_response, flush, discard, add/remove device',
  follows: 'seed 001 v6: io-pgfault.c as merged from it (fc36479db74e), its PRI patch 25 (PRIQ thread, arm_smmu_flush_priq), iommu.c of that tree; seeds 000, 003',
  params: iopfParams,
  init: (c) => [initialState(c)],
  codec: (c) => stateCodec(c),
  processes: (c) => iopfProcesses(c),
  invariants: [],
  isFinal,
  explainDeadlock,
  canonicalize: canonicalState,
  symmetry: declaredSymmetry,
  // What a patch may add: a call in the driver's order, a WARN_ON in one of the mirrored files.
  vocabularies: {
    driver_pc: DRIVER_PCS,
    ioasid_warning: IOASID_WARNINGS,
    mm_warning: MM_WARNINGS,
    pci_warning: PCI_WARNINGS,
    smmu_warning: SMMU_WARNINGS,
  },
});

export default iopf;
