// Step-level tests of the iopf model: each kernel rule a step mirrors, on small hand-built states.
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { faultRecord } from '../helpers/fault-record.ts';
import { decodeFromArray, encodeToArray } from '../../explorer/codec.ts';
import type { AnyStep, Process } from '../../explorer/model.ts';
import { iommu_page_response } from '../../model/iommu/fault.ts';
import { initialState, stateCodec } from '../../model/layout.ts';
import { iopfParams } from '../../model/params.ts';
import type { IommuFault } from '../../model/iommu/state.ts';
import type { State } from '../../model/state.ts';
import { iopfProcesses, isFinal } from '../../model/system.ts';
import {
  IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE as LAST,
  IOMMU_FAULT_PAGE_REQUEST_PASID_VALID as PV,
  IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID as NP,
  IOMMU_FAULT_PERM_READ,
  IOMMU_FAULT_PERM_WRITE,
} from '../../model/types.ts';
import { asDevice, asGrpId, asPasid } from '../../model/ids.ts';
import { accessTable } from '../../model/sva/pasid.ts';

const c = iopfParams.parse({ devices: 2, pasids: 2, workers: 2 });
const processes: Process<State>[] = iopfProcesses(c);
const stepOf = (proc: string, name: string): AnyStep<State> =>
  processes.find((p) => p.name === proc)!.steps.find((s) => s.name === name)!;
const run = (s: State, proc: string, name: string, self = 0, choice?: unknown): State =>
  produce(s, (d) => stepOf(proc, name).apply(d, self, choice));

/** The PRIQ thread takes the queue's head (queue_remove_raw, or the next one after a batch) and reports it. */
function report(s: State, alloc: unknown = 'none'): State {
  const taken = run(s, 'priq_thread', s.priq.pc === 'batch' ? 'arm_smmu_priq_thread/batch' : 'arm_smmu_priq_thread/queue_remove_raw');
  return run(taken, 'priq_thread', 'iommu_report_device_fault', 0, alloc);
}

const fault = (over: Partial<IommuFault> = {}): IommuFault => faultRecord({ flags: PV | NP, perm: IOMMU_FAULT_PERM_WRITE, ...over });

/** Device 0 with IOPF enabled, PASID 1 bound to mm 0, group 0 outstanding with grpid 0. */
function ready(): State {
  return produce(initialState(c), (d) => {
    d.smmu = 'live';
    d.queue.state = 'live';
    d.queue.devices = [asDevice(0)];
    d.dev_iommu[0] = { lock: false, fault_param: { faults: [] }, iopf_param: { partial: [] } };
    d.devices[0]!.pri = 'on';
    d.devices[0]!.pasid = asPasid(1);
    d.devices[0]!.prgs[0] = { ...d.devices[0]!.prgs[0]!, state: 'waiting', grpid: asGrpId(0), pasid: asPasid(1) };
    d.ioasid.xa[1] = { set: 1, private: 0, refs: 1, holders: [{ kind: 'bond', dev: 0 }], active: true };
    d.mms[0]!.pasid = asPasid(1);
    d.drivers[0] = 'stop';
  });
}

describe('iommu_report_device_fault (v5.13) and iommu_queue_iopf', () => {
  it('puts a non-last request on the partial list and a LAST one on the pending list', () => {
    let s = produce(ready(), (d) => {
      d.hwq.entries = [
        { kind: 'ppr', fault: fault({ addr: 1 }) },
        { kind: 'ppr', fault: fault({ flags: PV | NP | LAST }) },
      ];
    });
    s = report(s);
    expect(s.dev_iommu[0]!.iopf_param!.partial).toHaveLength(1);
    expect(s.dev_iommu[0]!.fault_param!.faults).toHaveLength(0);
    s = report(s);
    expect(s.dev_iommu[0]!.iopf_param!.partial).toHaveLength(0);
    expect(s.dev_iommu[0]!.fault_param!.faults).toHaveLength(1);
    expect(s.queue.wq).toHaveLength(1);
    expect(s.queue.wq[0]!.faults.map((f) => f.addr)).toEqual([1]);
  });

  it('gathers partials by grpid only, ignoring the PASID (PRG index is per function)', () => {
    let s = produce(ready(), (d) => {
      d.dev_iommu[0]!.iopf_param!.partial = [fault({ pasid: asPasid(2), addr: 2 }), fault({ grpid: asGrpId(1) })];
      d.hwq.entries = [{ kind: 'ppr', fault: fault({ flags: PV | NP | LAST }) }];
    });
    s = report(s);
    expect(s.queue.wq[0]!.faults.map((f) => f.pasid)).toEqual([2]);
    expect(s.dev_iommu[0]!.iopf_param!.partial.map((f) => f.grpid)).toEqual([1]);
  });

  it('on a failed group allocation drops the partials of that grpid and lets the driver answer FAILURE', () => {
    let s = produce(ready(), (d) => {
      d.dev_iommu[0]!.iopf_param!.partial = [fault({ addr: 1 })];
      d.hwq.entries = [{ kind: 'ppr', fault: fault({ flags: PV | NP | LAST }) }];
    });
    s = report(s, 'kzalloc');
    expect(s.dev_iommu[0]!.iopf_param!.partial).toEqual([]);
    expect(s.dev_iommu[0]!.fault_param!.faults).toEqual([]);
    expect(s.priq.pc).toBe('nobody_cared');
    s = run(s, 'priq_thread', 'arm_smmu_handle_ppr/nobody_cared');
    expect(s.devices[0]!.prgs[0]!.state).toBe('answered');
    expect(s.devices[0]!.pri).toBe('failed');
  });

  it('without fault_param returns -EINVAL and the driver answers the LAST request itself', () => {
    let s = produce(ready(), (d) => {
      d.dev_iommu[0]!.fault_param = null;
      d.hwq.entries = [{ kind: 'ppr', fault: fault({ flags: PV | NP | LAST }) }];
    });
    s = report(s);
    expect(s.priq.pc).toBe('nobody_cared');
  });

  it('is blocked while iopf_queue_flush_dev holds dev->iommu->lock', () => {
    const s = produce(ready(), (d) => {
      d.dev_iommu[0]!.lock = true;
      d.priq = { pc: 'handle', evt: { kind: 'ppr', fault: fault({ flags: PV | NP | LAST }) }, overflowed: false, handled: 0 };
    });
    expect(stepOf('priq_thread', 'iommu_report_device_fault').enabled!(s, 0, 'none')).toBe(false);
  });
});

describe('iommu_page_response (seed 000 matching)', () => {
  it('answers the pending request with the same grpid and PASID, returning its private data', () => {
    const s = produce(ready(), (d) => {
      d.dev_iommu[0]!.fault_param!.faults = [fault({ pasid: asPasid(2), flags: PV | NP | LAST }), fault({ flags: PV | NP | LAST })];
      const ret = iommu_page_response(d, asDevice(0), { pasid_valid: true, pasid: asPasid(1), grpid: asGrpId(0), code: 'SUCCESS' });
      expect(ret).toBe(0);
    });
    expect(s.dev_iommu[0]!.fault_param!.faults.map((f) => f.pasid)).toEqual([2]);
    expect(s.devices[0]!.prgs[0]!).toMatchObject({ state: 'answered', responses: 1 });
  });

  it('returns -EINVAL and sends nothing when nothing matches', () => {
    const s = produce(ready(), (d) => {
      d.dev_iommu[0]!.fault_param!.faults = [fault({ grpid: asGrpId(1), flags: PV | NP | LAST })];
      expect(iommu_page_response(d, asDevice(0), { pasid_valid: true, pasid: asPasid(1), grpid: asGrpId(0), code: 'SUCCESS' })).toBe('-EINVAL');
    });
    expect(s.devices[0]!.prgs[0]!.state).toBe('waiting');
  });
});

describe('iopf_handle_group / iopf_handle_single', () => {
  const queued = (f: IommuFault, partials: IommuFault[] = []): State =>
    produce(ready(), (d) => {
      d.dev_iommu[0]!.fault_param!.faults = [{ ...f }];
      d.queue.wq = [{ dev: asDevice(0), faults: partials, last_fault: f, flush_color: 0 }];
    });

  it('handles a write to a read-write page: SUCCESS, mm_users back to its owner', () => {
    let s = queued(fault({ flags: PV | NP | LAST }));
    s = run(s, 'worker', 'iopf_handle_group', 0, 0);
    s = run(s, 'worker', 'iopf_handle_single/iommu_sva_find');
    expect(s.mms[0]!.users).toBe(2);
    s = run(s, 'worker', 'iopf_handle_single/handle_mm_fault');
    expect(s.mms[0]!.users).toBe(1);
    expect(s.workers[0]).toMatchObject({ pc: 'complete', status: 'SUCCESS' });
    s = run(s, 'worker', 'iopf_complete_group');
    expect(s.devices[0]!.prgs[0]!.state).toBe('answered');
    expect(s.devices[0]!.pri).toBe('on');
    expect(s.workers[0]!.pc).toBe('unlock');
    s = run(s, 'worker', 'iommu_page_response/mutex_unlock');
    expect(s.workers[0]!.pc).toBe('idle');
    expect(s.ghost.faultDataUseAfterFree).toBe(false);
  });

  it('iommu_page_response still holds fault_param->lock after answering: an unregister then frees it under the unlock', () => {
    let s = queued(fault({ flags: PV | NP | LAST }));
    s = run(s, 'worker', 'iopf_handle_group', 0, 0);
    s = run(s, 'worker', 'iopf_handle_single/iommu_sva_find');
    s = run(s, 'worker', 'iopf_handle_single/handle_mm_fault');
    s = run(s, 'worker', 'iopf_complete_group');
    expect(s.dev_iommu[0]!.fault_param!.faults).toEqual([]);
    s = run(s, 'driver', 'iommu_unregister_device_fault_handler');
    expect(s.dev_iommu[0]!.fault_param).toBeNull();
    s = run(s, 'worker', 'iommu_page_response/mutex_unlock');
    expect(s.ghost.faultDataUseAfterFree).toBe(true);
  });

  it('a LAST request waits for fault_param->lock while a worker holds it; a non-last one does not', () => {
    const held = produce(ready(), (d) => {
      d.workers[0] = { pc: 'unlock', group: { dev: asDevice(0), faults: [], last_fault: fault({ flags: PV | NP | LAST }), flush_color: 0 }, cursor: 0, status: 'SUCCESS', mm: null };
    });
    const report = stepOf('priq_thread', 'iommu_report_device_fault');
    const inHand = (flags: number) => produce(held, (d) => void (d.priq = { pc: 'handle', evt: { kind: 'ppr', fault: fault({ flags, grpid: asGrpId(1) }) }, overflowed: false, handled: 0 }));
    expect(report.enabled!(inHand(PV | NP | LAST), 0, 'none')).toBe(false);
    expect(report.enabled!(inHand(PV | NP), 0, 'none')).toBe(true);
  });

  it('answers INVALID once the mm has no users (mmget_not_zero fails), as in the killed-process trace', () => {
    let s = produce(queued(fault({ flags: PV | NP | LAST })), (d) => {
      d.mms[0]!.users = 0;
      d.procs[0]!.pc = 'exited';
    });
    s = run(s, 'worker', 'iopf_handle_group', 0, 0);
    s = run(s, 'worker', 'iopf_handle_single/iommu_sva_find');
    expect(s.workers[0]).toMatchObject({ pc: 'complete', status: 'INVALID' });
    s = run(s, 'worker', 'iopf_complete_group');
    expect(s.devices[0]!.prgs[0]!.state).toBe('answered');
    expect(s.devices[0]!.pri).toBe('on');
  });

  it('errors are sticky: after an access fault the rest of the group is not handled', () => {
    let s = queued(fault({ flags: PV | NP | LAST }), [fault({ addr: 1 })]);
    s = run(s, 'worker', 'iopf_handle_group', 0, 0);
    s = run(s, 'worker', 'iopf_handle_single/iommu_sva_find');
    s = run(s, 'worker', 'iopf_handle_single/handle_mm_fault');
    expect(s.workers[0]).toMatchObject({ pc: 'complete', status: 'INVALID' });
  });
});

describe('queue management and the hardware queue', () => {
  it('iopf_queue_flush_dev waits for the groups queued or running when it began, not for later ones', () => {
    const group = (dev: number) => ({ dev: asDevice(dev), faults: [], last_fault: fault({ dev: asDevice(dev) }), flush_color: 0 });
    const before = produce(ready(), (d) => {
      d.drivers[0] = 'flush_dev';
      d.queue.wq = [group(1)];
    });
    const s = run(before, 'driver', 'iopf_queue_flush_dev', 0, undefined);
    expect(s.drivers[0]).toBe('flush_wait');
    const flush = stepOf('driver', 'iopf_queue_flush_dev/flush_workqueue');
    expect(flush.enabled!(s, 0, undefined)).toBe(false);
    expect(flush.enabled!(produce(s, (d) => void (d.queue.wq = [])), 0, undefined)).toBe(true);
    // A group queued after the flush began does not hold it.
    expect(flush.enabled!(produce(s, (d) => void (d.queue.wq = [group(1)])), 0, undefined)).toBe(true);
  });

  it('an overflowed queue discards requests and auto-answers a LAST with Success (SMMUv3 8.1)', () => {
    let s = produce(ready(), (d) => {
      d.devices[0]!.prgs[0]!.state = 'unused';
      d.hwq.entries = [{ kind: 'stop_marker', dev: asDevice(1), pasid: asPasid(2) }, { kind: 'stop_marker', dev: asDevice(1), pasid: asPasid(2) }];
    });
    s = run(s, 'device', 'pci_page_request', 0, { access: 0, last: true, pasid: asPasid(1) });
    expect(s.hwq.overflow).toBe(true);
    expect(s.hwq.entries).toHaveLength(2);
    expect(s.devices[0]!.prgs[0]).toMatchObject({ state: 'answered', responses: 1 });
  });

  it('the thread acknowledges an overflow it saw once the queue is drained, then discards every partial', () => {
    let s = produce(ready(), (d) => {
      d.hwq.overflow = true;
      d.priq.pc = 'batch';
      d.dev_iommu[0]!.iopf_param!.partial = [fault()];
    });
    s = run(s, 'priq_thread', 'arm_smmu_priq_thread/batch');
    expect(s.hwq.overflow).toBe(false);
    expect(s.priq.pc).toBe('discard');
    s = run(s, 'priq_thread', 'iopf_queue_discard_partial');
    expect(s.dev_iommu[0]!.iopf_param!.partial).toEqual([]);
    expect(s.priq.pc).toBe('idle');
  });

  it('an overflow the flush noted first is acknowledged by the thread but discarded by the flush', () => {
    let s = produce(ready(), (d) => {
      d.hwq.overflow = true;
      d.drivers[0] = 'flush_priq';
      d.priq = { pc: 'batch', evt: null, overflowed: false, handled: 0 };
    });
    s = run(s, 'driver', 'arm_smmu_flush_priq');
    expect(s.drivers[0]).toBe('flush_priq_discard');
    s = run(s, 'priq_thread', 'arm_smmu_priq_thread/batch');
    expect(s.priq.pc).toBe('idle');
    expect(s.hwq.overflow).toBe(false);
  });
});

describe('arm_smmu_flush_priq (seed 001 v6 patch 25)', () => {
  const last = (): State['hwq']['entries'][number] => ({ kind: 'ppr', fault: fault({ flags: PV | NP | LAST }) });

  it('returns at once when the queue is empty, even while the thread holds a request it has not reported', () => {
    let s = produce(ready(), (d) => {
      d.drivers[0] = 'flush_priq';
      d.hwq.entries = [last()];
    });
    s = run(s, 'priq_thread', 'arm_smmu_priq_thread/queue_remove_raw');
    expect(s.priq.pc).toBe('handle');
    s = run(s, 'driver', 'arm_smmu_flush_priq');
    expect(s.drivers[0]).toBe('flush_dev');
  });

  it('sleeps while the queue holds entries, and re-tests only when the thread wakes it', () => {
    let s = produce(ready(), (d) => {
      d.drivers[0] = 'flush_priq';
      d.hwq.entries = [last(), { kind: 'stop_marker', dev: asDevice(0), pasid: asPasid(1) }];
    });
    s = run(s, 'driver', 'arm_smmu_flush_priq');
    expect(s.drivers[0]).toBe('flush_priq_wait');
    expect(stepOf('driver', 'arm_smmu_flush_priq/wait').enabled!(s, 0, undefined)).toBe(false);
    s = report(s);
    // Q = 2: one handled entry is not yet a batch; taking the Stop Marker empties the queue, no wake yet.
    s = run(s, 'priq_thread', 'arm_smmu_priq_thread/batch');
    expect(s.hwq.entries).toEqual([]);
    expect(s.priq_flush[0]!.woken).toBe(false);
    s = run(s, 'priq_thread', 'arm_smmu_handle_ppr/discard_stop_marker');
    s = run(s, 'priq_thread', 'arm_smmu_priq_thread/batch');
    expect(s.priq_flush[0]).toMatchObject({ batches: 1, woken: true });
    s = run(s, 'driver', 'arm_smmu_flush_priq/wait');
    expect(s.drivers[0]).toBe('flush_dev');
  });

  it('the initial state is not final; the codec round-trips it', () => {
    const s0 = initialState(c);
    expect(isFinal(s0)).toBe(false);
    const codec = stateCodec(c);
    const s = ready();
    expect(decodeFromArray(codec, encodeToArray(codec, s))).toEqual(s);
  });
});

describe('drivers/pci/ats.c', () => {
  it('pci_enable_pri on an enabled function and pci_disable_pri on a disabled one WARN and change nothing', () => {
    const on = run(ready(), 'driver', 'pci_enable_pri');
    expect(on.devices[0]!.pri).toBe('on');
    expect(on.devices[0]!.warnings).toEqual(['pci_enable_pri-enabled']);
    const off = run(produce(ready(), (d) => void (d.devices[0]!.pri = 'off')), 'driver', 'pci_disable_pri');
    expect(off.devices[0]!.warnings).toEqual(['pci_disable_pri-disabled']);
    const failed = run(produce(ready(), (d) => void (d.devices[0]!.pri = 'failed')), 'driver', 'pci_disable_pri');
    expect(failed.devices[0]).toMatchObject({ pri: 'off', warnings: [] });
  });
});

describe('the accesses a device may request', () => {
  it('writes where a VMA is, reads where none is; with `reads`, reads of the pages with a VMA after them', () => {
    const base = iopfParams.parse({ vmas: ['rw', 'r', 'none'], accesses: 3 });
    const show = (c: typeof base) => accessTable(c).map((a) => `${a.perm === IOMMU_FAULT_PERM_READ ? 'read' : 'write'} ${a.addr}`);
    expect(show(base)).toEqual(['write 0', 'write 1', 'read 2']);
    expect(show({ ...base, reads: true })).toEqual(['write 0', 'write 1', 'read 2', 'read 0', 'read 1']);
  });
});
