// The IOMMU driver's page request queue and its thread, after SMMUv3's PRI queue (SMMUv3 spec
// chapter 8; the driver side follows the stall/evtq handling of v5.13 arm-smmu-v3.c and the PRI
// patch of the SVA series, kernel-notes 1c "Stall model, PRI, event queue").
//
// Hardware: a bounded FIFO of Q entries. A request that arrives while the queue is full sets the
// overflow flag; while the overflow is not acknowledged, every incoming request is discarded, and
// the SMMU itself answers a discarded LAST request with Success (spec 8.1: "An automatic PRG
// Response is generated for Page Request messages having Last == 1"; Stop Markers are dropped).
// Thread: pops one entry at a time. A Stop Marker is discarded (seed 001: "IOMMU drivers must
// discard them before reporting faults"). A page request goes to iommu_report_device_fault; when it
// fails on a LAST request the driver completes the fault itself ("Nobody cared, abort the access":
// a FAILURE response). Once the queue is drained after an overflow, iopf_queue_discard_partial
// drops every partial fault (their LAST may have been among the discarded requests), and the
// overflow is acknowledged in the same step: while it is active nothing can enter the queue, so no
// other thread can tell the discard and the acknowledgement apart.
import type { Draft } from 'immer';
import { pci_prg_response } from '../device.ts';
import { iommu_report_device_fault } from '../iommu/fault.ts';
import type { AllocFailure } from '../io-pgfault/report.ts';
import { iopf_queue_discard_partial } from '../io-pgfault/queue.ts';
import type { IopfParams } from '../params.ts';
import type { HwqEntry, IommuFault, State } from '../state.ts';
import { IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE, hasFlag, type DeviceId } from '../types.ts';
import { step, type AnyStep, type Process } from '../../explorer/model.ts';

/** The SMMU accepts a PRI message: queue it, or discard it under overflow (auto-responding a LAST). */
export function postToHwq(d: Draft<State>, entry: HwqEntry, capacity: number): void {
  if (!d.hwq.overflow && d.hwq.entries.length < capacity) {
    d.hwq.entries.push(entry);
    return;
  }
  d.hwq.overflow = true;
  if (entry.kind === 'ppr' && hasFlag(entry.fault.flags, IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE)) {
    const f = entry.fault;
    d.devices[f.dev]!.prgs[f.seq]!.autoResponded = true;
    pci_prg_response(d, f.dev, { grpid: f.grpid, pasid: f.pasid, code: 'SUCCESS', private_data: f.private_data });
  }
}

/** The allocation outcomes the report of the queue's head may have (kzalloc / kmemdup failing). */
export function reportChoices(c: IopfParams, s: State): AllocFailure[] {
  const head = s.hwq.entries[0];
  if (!c.allocFailures || head?.kind !== 'ppr') return ['none'];
  const di = s.dev_iommu[head.fault.dev]!;
  if (!di.fault_param) return ['none'];
  const last = hasFlag(head.fault.flags, IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE);
  if (last) return di.iopf_param ? ['none', 'kmemdup', 'kzalloc'] : ['none', 'kmemdup'];
  return di.iopf_param ? ['none', 'kzalloc'] : ['none'];
}

/** Has the thread consumed everything this device posted (arm_smmu_flush_priq's wait)? */
export function priqFlushed(s: State, dev: DeviceId): boolean {
  if (s.hwq.overflow) return false;
  if (s.priq.pc === 'nobody_cared' && s.priq.fault.dev === dev) return false;
  return !s.hwq.entries.some((e) => (e.kind === 'ppr' ? e.fault.dev : e.dev) === dev);
}

/** The report step, shared with the variants that change what the report does. */
export function reportStep(
  c: IopfParams,
  report: (d: Draft<State>, fault: IommuFault, alloc: AllocFailure) => void,
  doc: string,
): AnyStep<State> {
  return step<State, AllocFailure>({
    name: 'iommu_report_device_fault',
    at: 'idle',
    doc,
    choices: (s) => reportChoices(c, s),
    enabled: (s) => {
      const head = s.hwq.entries[0];
      return head?.kind === 'ppr' && !s.dev_iommu[head.fault.dev]!.lock;
    },
    apply: (d, _self, alloc) => {
      const entry = d.hwq.entries.shift()!;
      if (entry.kind === 'ppr') report(d, entry.fault, alloc);
    },
    showChoice: (a) => (a === 'none' ? '' : `${a} fails`),
  });
}

/** v5.13: report under dev->iommu->lock; on error for a LAST request, the driver must answer it. */
export function reportV513(d: Draft<State>, fault: IommuFault, alloc: AllocFailure): void {
  const ret = iommu_report_device_fault(d, fault, alloc);
  if (ret !== 0 && hasFlag(fault.flags, IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE)) {
    d.priq = { pc: 'nobody_cared', fault: { ...fault } };
  }
}

export function priqProcess(c: IopfParams): Process<State> {
  return {
    name: 'priq_thread',
    instances: 1,
    pc: (s) => s.priq.pc,
    steps: [
      reportStep(
        c,
        reportV513,
        'iommu.c iommu_report_device_fault (v5.13): the whole call under dev->iommu->lock, pending copy of a LAST request, then iommu_queue_iopf',
      ),
      step<State>({
        name: 'arm_smmu_handle_ppr/discard_stop_marker',
        at: 'idle',
        doc: 'the IOMMU driver discards a PASID Stop Marker instead of reporting it (seed 001, io-pgfault.c comment)',
        enabled: (s) => s.hwq.entries[0]?.kind === 'stop_marker',
        apply: (d) => {
          d.hwq.entries.shift();
        },
      }),
      step<State>({
        name: 'arm_smmu_handle_ppr/nobody_cared',
        at: 'nobody_cared',
        doc: 'arm-smmu-v3.c "Nobody cared, abort the access": arm_smmu_page_response(FAILURE) for a LAST the core refused',
        apply: (d) => {
          if (d.priq.pc !== 'nobody_cared') return;
          const f = d.priq.fault;
          pci_prg_response(d, f.dev, { grpid: f.grpid, pasid: f.pasid, code: 'FAILURE', private_data: f.private_data });
          d.priq = { pc: 'idle' };
        },
      }),
      step<State>({
        name: 'iopf_queue_discard_partial',
        at: 'idle',
        doc: 'after draining an overflowed PRIQ: io-pgfault.c iopf_queue_discard_partial (queue->lock), then acknowledge OVFLG',
        enabled: (s) => s.hwq.overflow && s.hwq.entries.length === 0,
        apply: (d) => {
          iopf_queue_discard_partial(d);
          d.hwq.overflow = false;
        },
      }),
    ],
  };
}
