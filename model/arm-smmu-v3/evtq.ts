// The SMMU's event queue as the fault path of platform devices, as merged for v5.14 from the SVA
// series ([PATCH v14 10/10] "iommu/arm-smmu-v3: Add stall support for platform devices",
// 395ad89d11fd). Line numbers are of drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c at blob
// 85e103bf021d (the file that patch produces).
//
// Hardware: a stall master's faulting transaction (CD.S set, STE.S1STALLD clear) is stalled and an
// F_TRANSLATION record with Stall=1, its StreamID and a STAG is written; the device waits until a
// CMD_RESUME naming that StreamID and STAG retries or aborts it. Another master's fault is recorded
// (CD.R) with Stall=0 and its transaction terminated at once. A record carries the StreamID only.
//
// Thread (arm_smmu_evtq_thread, :1517-1545; a threaded IRQ, no lock around the queue):
//   while (!queue_remove_raw(q, evt)) {
//     ret = arm_smmu_handle_evt(smmu, evt);             // :1529
//     if (!ret) continue; dev_info("event 0x%02x received") ...   // :1533
//   }
// arm_smmu_handle_evt (:1423-1515): decode (stall → PAGE_REQ, LAST_PAGE, grpid = STAG; else
// DMA_UNRECOV), then under smmu->streams_mutex (:1494-1513): master = arm_smmu_find_master(sid), none
// → -EINVAL (logged, dropped); iommu_report_device_fault(master->dev) (:1501); for a PAGE_REQ it
// refused, "Nobody cared, abort the access": arm_smmu_page_response(FAILURE) (:1502-1510).
// arm_smmu_page_response (:887-923): CMD_RESUME {sid = master->streams[0].id, stag = grpid, RETRY
// on SUCCESS, ABORT on INVALID or FAILURE}, no CMD_SYNC ("RESUME consumption guarantees that the
// stalled transaction will be terminated... at some point in the future").
//
// Steps: one per lock section and blocking wait: queue_remove_raw; streams_mutex + find (the mutex
// is a sleeping lock the thread then holds); iommu_report_device_fault (it sleeps on
// dev->iommu->lock), with the unlock when it succeeded; the abort's CMD_RESUME and the unlock; the log.
// Left out: EVTQ overflow (the model offers a faulting transaction only while the queue has room),
// events other than F_TRANSLATION (arm_smmu_handle_evt returns -EOPNOTSUPP before the lookup),
// stage-2 events, the ratelimit.
import type { Draft } from 'immer';
import { iommu_report_device_fault } from '../iommu/fault.ts';
import type { AllocFailure } from '../io-pgfault/report.ts';
import type { IommuFault } from '../iommu/state.ts';
import type { IopfParams } from '../params.ts';
import type { State } from '../state.ts';
import { accessTable } from '../sva/pasid.ts';
import { prg_init } from '../pci/endpoint.ts';
import { IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE, IOMMU_FAULT_PAGE_REQUEST_PASID_VALID } from '../types.ts';
import { asGrpId, asPasid, asSeq, type DeviceId, type Pasid } from '../ids.ts';
import { step, type AnyStep, type Process } from '../../explorer/model.ts';
import { waitsForFaultParamLock } from './priq.ts';
import { arm_smmu_find_master } from './master.ts';
import { arm_smmu_page_response } from './resume.ts';
import { evtqOf, type EvtqEntry } from './evtq-state.ts';

/** A faulting transaction of the device: its access, and for a stall master its PASID (0: none). */
export interface TransactionChoice {
  access: number;
  pasid: Pasid;
}

export function faultChoices(c: IopfParams, s: State, dev: number): TransactionChoice[] {
  const m = evtqOf(s).masters[dev];
  const device = s.devices[dev]!;
  if (m?.pc !== 'probed' || device.dma_stopped || evtqOf(s).q.length >= c.queue) return [];
  if (!m.stall_enabled) return [{ access: 0, pasid: asPasid(0) }];
  // A stalled transaction is a group of one: its STAG is a free grpid.
  if (!device.prgs.some((p) => p.state === 'unused')) return [];
  const pasids: Pasid[] = [];
  if (device.pasid !== 0) pasids.push(device.pasid);
  if (c.ridRequests) pasids.push(asPasid(0));
  return pasids.flatMap((pasid) => accessTable(c).map((_, access) => ({ access, pasid })));
}

/** The SMMU takes the fault: stalls the transaction and writes its record, or records it. */
function smmuFault(c: IopfParams, d: Draft<State>, dev: DeviceId, choice: TransactionChoice): void {
  const m = evtqOf(d).masters[dev]!;
  if (!m.stall_enabled) {
    evtqOf(d).q.push({ kind: 'record', sid: m.sid, dev });
    return;
  }
  const device = d.devices[dev]!;
  const seq = device.prgs.findIndex((p) => p.state === 'unused');
  const busy = new Set(device.prgs.filter((p) => p.state === 'waiting').map((p) => p.grpid));
  let stag = 0;
  while (busy.has(asGrpId(stag))) stag++;
  device.prgs[seq] = { ...prg_init(), state: 'waiting', grpid: asGrpId(stag), pasid: choice.pasid };
  const access = accessTable(c)[choice.access]!;
  const fault: IommuFault = {
    dev,
    flags: IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE | (choice.pasid !== 0 ? IOMMU_FAULT_PAGE_REQUEST_PASID_VALID : 0),
    pasid: choice.pasid,
    grpid: asGrpId(stag),
    perm: access.perm,
    addr: access.addr,
    private_data: 0,
    seq: asSeq(seq),
    stale: false,
    freed: false,
  };
  evtqOf(d).q.push({ kind: 'stall', sid: m.sid, fault });
}

/** The device's transactions that fault, with `evtq` (replacing the PCIe page requests). */
export function evtqDeviceSteps(c: IopfParams): AnyStep<State>[] {
  return [
    step<State, TransactionChoice>({
      name: 'F_TRANSLATION',
      doc: 'the SMMU takes a translation fault on the device\'s transaction: a stall master\'s is stalled (event record with Stall=1 and a STAG), another master\'s terminated and recorded (Stall=0)',
      source: 'hardware (SMMUv3 stall model); record fields decoded by drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1423-1492 (85e103bf021d) (arm_smmu_handle_evt)',
      locks: 'none (the device and the SMMU)',
      choices: (s, self) => faultChoices(c, s, self),
      apply: (d, self, choice) => smmuFault(c, d, self as DeviceId, choice),
      showChoice: (ch) => `${accessTable(c)[ch.access]!.why.split(':')[0]} pasid ${ch.pasid}`,
    }),
  ];
}

/** The fault arm_smmu_handle_evt builds for the master it found: iommu_report_device_fault(master->dev). */
export function faultFor(evt: EvtqEntry, master: DeviceId): IommuFault | null {
  return evt.kind === 'stall' ? { ...evt.fault, dev: master } : null;
}

function reportChoices(c: IopfParams, s: State): AllocFailure[] {
  const { evt, master } = evtqOf(s).thread;
  if (!c.allocFailures || evt?.kind !== 'stall' || master === null) return ['none'];
  const di = s.dev_iommu[master]!;
  if (!di.fault_param) return ['none'];
  return di.iopf_param ? ['none', 'kmemdup', 'kzalloc'] : ['none', 'kmemdup'];
}

/**
 * How arm_smmu_handle_evt holds smmu->streams_mutex: across the lookup, the report and the abort
 * (the baseline, v14), or only around the lookup, inside arm_smmu_find_master (a variant).
 */
export interface StreamsMutex {
  readonly acrossReport: boolean;
}

function unlockAfter(d: Draft<State>, mutex: StreamsMutex): void {
  if (mutex.acrossReport) evtqOf(d).streams_mutex = false;
}

export function findMasterStep(mutex: StreamsMutex, doc: string, source: string): AnyStep<State> {
  return step<State>({
    name: 'arm_smmu_handle_evt/find_master',
    at: 'handle',
    doc,
    source,
    locks: mutex.acrossReport ? 'smmu->streams_mutex, taken here and held' : 'smmu->streams_mutex, inside arm_smmu_find_master only',
    enabled: (s) => !evtqOf(s).streams_mutex,
    apply: (d) => {
      const t = evtqOf(d).thread;
      const master = arm_smmu_find_master(d, t.evt!.sid);
      t.master = master;
      if (master === null) {
        t.pc = 'log';
        return;
      }
      if (mutex.acrossReport) evtqOf(d).streams_mutex = true;
      t.pc = 'report';
    },
  });
}

/**
 * iommu_report_device_fault for a stall, as arm_smmu_handle_evt sees it: `abort` when it returned an
 * error the driver answers itself ("Nobody cared"). Variants of the core's report (the void report
 * of 3dfa64aecb, b58b133e68's) pass their own.
 */
export type StallReport = (d: Draft<State>, fault: IommuFault, alloc: AllocFailure) => 'abort' | 'done';

/** v5.13: any error is the driver's to answer. */
export const reportV513Stall: StallReport = (d, fault, alloc) => (iommu_report_device_fault(d, fault, alloc) !== 0 ? 'abort' : 'done');

/** arm_smmu_handle_evt's report, with the unlock of a report that succeeded. */
export function reportEvtStep(c: IopfParams, mutex: StreamsMutex, report: StallReport = reportV513Stall): AnyStep<State> {
  return step<State, AllocFailure>({
    name: 'arm_smmu_handle_evt/iommu_report_device_fault',
    at: 'report',
    doc: 'arm_smmu_handle_evt: iommu_report_device_fault(master->dev) (v5.13 iommu.c, under dev->iommu->lock): a stall is a LAST page request; a record (DMA_UNRECOV) gets -EINVAL or -EOPNOTSUPP; success: mutex_unlock',
    source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1501, 1512-1514 (85e103bf021d); drivers/iommu/iommu.c:1188-1229 (v5.13-rc6); drivers/iommu/io-pgfault.c:186-258 (v5.13-rc6) (iommu_queue_iopf: -EOPNOTSUPP unless PAGE_REQ)',
    locks: mutex.acrossReport ? 'smmu->streams_mutex; dev->iommu->lock inside' : 'dev->iommu->lock inside',
    choices: (s) => reportChoices(c, s),
    enabled: (s) => {
      const { evt, master } = evtqOf(s).thread;
      if (master === null || s.dev_iommu[master]!.lock) return false;
      const fault = faultFor(evt!, master);
      return fault === null || !waitsForFaultParamLock(s, fault);
    },
    apply: (d, _self, alloc) => {
      const t = evtqOf(d).thread;
      const fault = faultFor(t.evt!, t.master!);
      if (fault === null) {
        // DMA_UNRECOV: -EINVAL without fault_param, else iommu_queue_iopf's -EOPNOTSUPP.
        unlockAfter(d, mutex);
        t.pc = 'log';
        return;
      }
      if (report(d, fault, alloc) === 'abort') {
        t.pc = 'nobody_cared';
        return;
      }
      unlockAfter(d, mutex);
      Object.assign(t, { pc: 'idle', evt: null, master: null });
    },
    showChoice: (a) => (a === 'none' ? '' : `${a} fails`),
  });
}

/** arm_smmu_handle_evt's abort of a stall the core refused. */
export function nobodyCaredStep(mutex: StreamsMutex): AnyStep<State> {
  return step<State>({
    name: 'arm_smmu_handle_evt/nobody_cared',
    at: 'nobody_cared',
    doc: 'arm_smmu_handle_evt: the core refused the stall, "Nobody cared, abort the access": arm_smmu_page_response(FAILURE) issues CMD_RESUME ABORT; mutex_unlock',
    source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1502-1513 (85e103bf021d); arm_smmu_page_response :887-923',
    locks: mutex.acrossReport ? 'smmu->streams_mutex, released here' : 'none',
    apply: (d) => {
      const t = evtqOf(d).thread;
      const evt = t.evt!;
      if (evt.kind === 'stall') arm_smmu_page_response(d, t.master!, evt.fault.grpid); // FAILURE: CMD_RESUME ABORT
      unlockAfter(d, mutex);
      t.pc = 'log';
    },
  });
}

const BASELINE: StreamsMutex = { acrossReport: true };

export function evtqThreadSteps(c: IopfParams): AnyStep<State>[] {
  return [
    step<State>({
      name: 'arm_smmu_evtq_thread/queue_remove_raw',
      at: 'idle',
      doc: 'arm_smmu_evtq_thread (EVTQ IRQ thread): queue_remove_raw takes the head (CONS advanced)',
      source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1526 (85e103bf021d)',
      locks: 'none',
      enabled: (s) => evtqOf(s).q.length > 0,
      apply: (d) => {
        evtqOf(d).thread.evt = evtqOf(d).q.shift()!;
        evtqOf(d).thread.pc = 'handle';
      },
    }),
    findMasterStep(
      BASELINE,
      'arm_smmu_handle_evt: mutex_lock(&smmu->streams_mutex), arm_smmu_find_master(sid); no master: -EINVAL, mutex_unlock, the event is dropped and logged',
      'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1494-1499 (85e103bf021d); arm_smmu_find_master :1400-1420 (lockdep_assert_held :1406)',
    ),
    reportEvtStep(c, BASELINE),
    nobodyCaredStep(BASELINE),
    step<State>({
      name: 'arm_smmu_evtq_thread/dev_info',
      at: 'log',
      doc: 'arm_smmu_evtq_thread: arm_smmu_handle_evt returned an error: dev_info("event 0x%02x received") and the record (ratelimited); the event is done with',
      source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1529-1537 (85e103bf021d)',
      locks: 'none',
      apply: (d) => {
        Object.assign(evtqOf(d).thread, { pc: 'idle', evt: null, master: null });
      },
    }),
  ];
}

export function evtqProcess(c: IopfParams): Process<State> {
  return { name: 'evtq_thread', instances: 1, pc: (s) => evtqOf(s).thread.pc, steps: evtqThreadSteps(c) };
}

/** Nothing queued, nothing in the thread's hands. */
export const evtqIdle = (s: State): boolean => s.evtq === undefined || (s.evtq.q.length === 0 && s.evtq.thread.pc === 'idle');
