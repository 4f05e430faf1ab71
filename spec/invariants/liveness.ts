// What the kernel promises will happen, not only what must never happen: every page request group
// is answered while its device stays bound, every flush returns, every unbind frees what its bond
// held. Checked on the whole state graph under weak fairness of the kernel's own threads and the
// hardware (a woken thread runs, a queued work item executes, the SMMU consumes its commands); the
// endpoint, the drivers' decisions and the user processes are not fair: a device may go quiet, a
// driver keep its device bound, a process never exit.
import type { Fairness, Liveness } from '../../explorer/model.ts';
import type { IopfParams } from '../../model/params.ts';
import { DRIVER_PCS, type DriverPc, type State } from '../../model/state.ts';
import { processSteps } from '../../model/sva/processes.ts';
import { ATTACH_PCS } from '../../model/arm-smmu-v3/state.ts';

/**
 * Where a driver or a process is inside a call (holding sva_lock or dev->iommu->lock, an SRCU read
 * lock, or sleeping on a completion): there it runs on, though it need not make the call at all.
 */
const DRIVER_MID_CALL = ['bind_seize_cd', 'bind_seize_tlbi', 'bind_seize_end', 'bind_register', 'bind_dword0', 'bind_unlock', 'flush_priq_wait', 'flush_priq_discard', 'flush_wait', 'unbind_put', 'unbind_free_pasid'];
const PROCESS_MID_CALL = ['munmap', 'invalidate_wait'];
const WRITEBACK_MID_CALL = ['range_end', 'invalidate_wait'];
const ATTACH_MID_CALL = ATTACH_PCS.filter((pc) => pc !== 'attach' && pc !== 'domain_free' && pc !== 'done');

/**
 * The kernel's threads and the hardware of the fault path (and with smmu the SVA side's), and the
 * drivers and owner processes once inside a call.
 */
export const kernelThreads = (c: IopfParams): (string | Fairness)[] => [
  'priq_thread',
  ...(c.evtq ? ['evtq_thread'] : []),
  'worker',
  'smmu',
  'exit_mmap',
  { process: 'driver', at: DRIVER_MID_CALL },
  ...(processSteps(c).length > 0 ? [{ process: 'process', at: PROCESS_MID_CALL }] : []),
  ...(c.smmu ? ['srcu', 'smmu_cmdq'] : []),
  // A flusher need not start a writeback, but once it holds the page lock it runs on to ->writepage.
  ...(c.httu ? [{ process: 'writeback', at: WRITEBACK_MID_CALL }] : []),
  // The core need not begin a domain change or a free, but one begun runs to its end.
  ...(c.attach ? [{ process: 'attach', at: ATTACH_MID_CALL }] : []),
];

/** Whether driver `d` got as far as `pc` in its order (a label a variant adds counts as not yet). */
const reached = (s: State, d: number, pc: DriverPc): boolean => DRIVER_PCS.indexOf(s.drivers[d]! as DriverPc) >= DRIVER_PCS.indexOf(pc);

export const prgAnswered: Liveness<State, IopfParams> = {
  name: 'prg-answered',
  description: 'every page request group a device finished sending is answered while its driver has not begun the unbind',
  source: 'PCIe 4.0 10.4.2 (a function waits for one response per group); io-pgfault.c iopf_handle_group and iommu_page_response; the PRI patch of seed 001 v6',
  each: (c) => c.devices * c.groups,
  from: (s, i, c) => s.devices[Math.floor(i / c.groups)]!.prgs[i % c.groups]!.state === 'waiting',
  to: (s, i, c) => s.devices[Math.floor(i / c.groups)]!.prgs[i % c.groups]!.state !== 'waiting' || reached(s, Math.floor(i / c.groups), 'unbind'),
  fairness: (c) => kernelThreads(c),
};

const FLUSH: readonly string[] = ['flush_priq', 'flush_priq_wait', 'flush_priq_discard', 'flush_dev', 'flush_wait'];

const flushReturns: Liveness<State, IopfParams> = {
  name: 'flush-returns',
  description: 'a driver that begins its flush (arm_smmu_flush_priq, then iopf_queue_flush_dev) returns from it, whatever its device does',
  source: 'seed 001 v6 patch 25 arm_smmu_flush_priq ("or two batches", so that a busy queue cannot hold it); io-pgfault.c iopf_queue_flush_dev',
  each: (c) => c.devices,
  from: (s, d) => FLUSH.includes(s.drivers[d]!),
  to: (s, d) => !FLUSH.includes(s.drivers[d]!),
  // The flushing driver's own thread runs; its device may do anything or nothing.
  fairness: (c) => [{ process: 'driver', at: FLUSH }, ...kernelThreads(c)],
};

export const iopfLiveness: Liveness<State, IopfParams>[] = [prgAnswered, flushReturns];

const UNBIND: readonly string[] = ['unbind', 'unbind_put', 'unbind_free_pasid'];

/** The unbind returned and the device holds nothing of its bond: handle, bond, PASID reference, notifier put. */
function unbindDone(s: State, d: number): boolean {
  return (
    !UNBIND.includes(s.drivers[d]!) &&
    s.sva[d]!.handles === 0 &&
    s.sva[d]!.put === null &&
    s.arm_smmu.masters[d]!.bonds.every((b) => b === null) &&
    !s.ioasid.xa.some((a) => a !== null && a.holders.some((h) => h.kind === 'bond' && h.dev === d))
  );
}

const unbindFrees: Liveness<State, IopfParams> = {
  name: 'unbind-frees',
  description: 'a driver that calls iommu_sva_unbind_device on its last handle gets it back with its bond, its PASID reference and its notifier reference all released',
  source: 'iommu-sva-lib.c / arm-smmu-v3-sva.c arm_smmu_sva_unbind (seed 001 v6 patch 17: iommu_sva_free_pasid, kfree(bond), mmu_notifier_put)',
  each: (c) => c.devices,
  from: (s, d) => s.drivers[d] === 'unbind' && s.sva[d]!.handles === 1,
  to: (s, d) => unbindDone(s, d),
  fairness: (c) => [{ process: 'driver', at: UNBIND }, ...kernelThreads(c)],
};

export const svaLiveness: Liveness<State, IopfParams>[] = [prgAnswered, flushReturns, unbindFrees];
