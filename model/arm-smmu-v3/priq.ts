// The SMMU's PRI queue (SMMUv3 spec chapter 8) and the driver's thread and flush for it, as in the
// PRI patch of the SVA series (seed 001 v6, patch 25 "iommu/arm-smmu-v3: Add support for PRI"):
// arm_smmu_priq_thread, arm_smmu_handle_ppr and arm_smmu_flush_priq.
//
// Hardware: a bounded FIFO of Q entries. A request that arrives while the queue is full toggles
// PROD.OVFLG; until the driver acknowledges it (CONS.OVACKFLG = OVFLG) every incoming request is
// discarded, and the SMMU itself answers a discarded LAST request with Success (spec 8.1: "An
// automatic PRG Response is generated for Page Request messages having Last == 1"); Stop Markers
// are dropped.
//
// Thread (one step per q->wq.lock section, and one for the unlocked handler):
//   spin_lock(&q->wq.lock);
//   do {
//     while (!queue_remove_raw(q, evt)) {          // advances llq.cons and writes CONS at once
//       spin_unlock(&q->wq.lock);
//       arm_smmu_handle_ppr(smmu, evt);            // Stop Marker dropped, else iommu_report_device_fault
//       spin_lock(&q->wq.lock);
//       if (++q->batch ... every queue_size entries) wake_up_all_locked(&q->wq);
//     }
//     if (queue_sync_prod_in(q) == -EOVERFLOW) overflowed
//   } while (!queue_empty(&q->llq));
//   sync CONS with OVACKFLG = OVFLG; wake_up_all_locked(&q->wq); spin_unlock(&q->wq.lock);
//   if (overflowed) iopf_queue_discard_partial(smmu->evtq.iopf);
// Flush (the driver's unbind, before iopf_queue_flush_dev):
//   spin_lock(&q->wq.lock); overflowed = queue_sync_prod_in(q) == -EOVERFLOW; batch = q->batch;
//   wait_event_interruptible_locked(q->wq, queue_empty(&q->llq) || q->batch >= batch + 2);
//   spin_unlock(&q->wq.lock); if (overflowed) iopf_queue_discard_partial(...);
// queue_empty compares PROD and CONS: an entry the thread has dequeued but not yet reported is not
// in the queue. The model reads the hardware PROD where the driver reads its llq copy: the thread
// syncs it before it decides the queue is empty, and the flush syncs it before its first test.
// Left out: the interruptible wait's -ERESTARTSYS (the unbind ignores the flush's return value).
import type { Draft } from 'immer';
import { pci_prg_response } from '../pci/prg-response.ts';
import { iommu_report_device_fault } from '../iommu/fault.ts';
import type { AllocFailure } from '../io-pgfault/report.ts';
import { iopf_queue_discard_partial } from '../io-pgfault/queue.ts';
import { faultParamLocked } from '../io-pgfault/worker.ts';
import type { IopfParams } from '../params.ts';
import type { HwqEntry, PriqFlush } from './priq-state.ts';
import type { IommuFault } from '../iommu/state.ts';
import type { State } from '../state.ts';
import { IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE, hasFlag } from '../types.ts';
import { step, type AnyStep, type Process } from '../../explorer/model.ts';
import { dev_fault } from '../sva/tracepoints.ts';

/** The SMMU accepts a PRI message: queue it, or discard it under overflow (auto-responding a LAST). */
export function postToHwq(d: Draft<State>, entry: HwqEntry, capacity: number): void {
  if (!d.hwq.overflow && d.hwq.entries.length < capacity) {
    d.hwq.entries.push(entry);
    return;
  }
  if (!d.hwq.overflow) {
    d.hwq.overflow = true; // PROD.OVFLG toggles: the driver's copy no longer matches
    d.hwq.overflow_noted = false;
  }
  if (entry.kind === 'ppr' && hasFlag(entry.fault.flags, IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE)) {
    const f = entry.fault;
    d.devices[f.dev]!.prgs[f.seq]!.autoResponded = true;
    pci_prg_response(d, f.dev, { grpid: f.grpid, pasid: f.pasid, code: 'SUCCESS', private_data: f.private_data });
  }
}

/** queue_sync_prod_in: read PROD; -EOVERFLOW (true) the first time a new OVFLG is seen. */
export function queue_sync_prod_in(d: Draft<State>): boolean {
  if (!d.hwq.overflow || d.hwq.overflow_noted) return false;
  d.hwq.overflow_noted = true;
  return true;
}

/** queue_empty(&q->llq): PROD equals CONS (the overflow flag is not looked at). */
export const queue_empty = (s: State): boolean => s.hwq.entries.length === 0;

/** The allocation outcomes the report of the entry in hand may have (kzalloc / kmemdup failing). */
export function reportChoices(c: IopfParams, s: State): AllocFailure[] {
  const evt = s.priq.evt;
  if (!c.allocFailures || evt?.kind !== 'ppr') return ['none'];
  const di = s.dev_iommu[evt.fault.dev]!;
  if (!di.fault_param) return ['none'];
  const last = hasFlag(evt.fault.flags, IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE);
  if (last) return di.iopf_param ? ['none', 'kmemdup', 'kzalloc'] : ['none', 'kmemdup'];
  return di.iopf_param ? ['none', 'kzalloc'] : ['none'];
}

/** arm_smmu_handle_ppr returned: the entry is done with, the thread goes back for q->wq.lock. */
function handlerReturned(d: Draft<State>): void {
  d.priq.pc = 'batch';
  d.priq.evt = null;
}

/** The request the thread has in hand, in pc `handle` or `nobody_cared`. */
export function priqFault(s: { priq: { evt: HwqEntry | null } }): IommuFault | null {
  const evt = s.priq.evt;
  return evt?.kind === 'ppr' ? evt.fault : null;
}

/**
 * arm_smmu_handle_ppr → iommu_report_device_fault for the request in hand, with q->wq.lock dropped;
 * shared with the variants that change what the report does. `report` may leave the thread in
 * `nobody_cared`; otherwise it goes back for q->wq.lock.
 */
export function reportStep(
  c: IopfParams,
  report: (d: Draft<State>, fault: IommuFault, alloc: AllocFailure) => void,
  doc: string,
  source?: string,
): AnyStep<State> {
  return step<State, AllocFailure>({
    name: 'iommu_report_device_fault',
    at: 'handle',
    tracepoint: dev_fault,
    doc,
    ...(source === undefined ? {} : { source }),
    locks: 'dev->iommu->lock; fault_param->lock around the pending copy of a LAST request',
    choices: (s) => reportChoices(c, s),
    enabled: (s) => {
      const f = priqFault(s);
      return f !== null && !s.dev_iommu[f.dev]!.lock && !waitsForFaultParamLock(s, f);
    },
    apply: (d, _self, alloc) => {
      const fault = priqFault(d)!;
      d.priq.pc = 'batch';
      report(d, fault, alloc);
      if (d.priq.pc === 'batch') handlerReturned(d);
    },
    showChoice: (a) => (a === 'none' ? '' : `${a} fails`),
  });
}

/** A LAST request's pending copy is added under fault_param->lock, which a responding worker may hold. */
export const waitsForFaultParamLock = (s: State, f: IommuFault): boolean =>
  hasFlag(f.flags, IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE) && faultParamLocked(s, f.dev);

/** v5.13: report under dev->iommu->lock; on error for a LAST request, the driver must answer it. */
export function reportV513(d: Draft<State>, fault: IommuFault, alloc: AllocFailure): void {
  const ret = iommu_report_device_fault(d, fault, alloc);
  if (ret !== 0 && hasFlag(fault.flags, IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE)) d.priq.pc = 'nobody_cared';
}

/** wake_up_all_locked(&q->wq) for every flush waiting; `batch` also counts a completed batch. */
function wakeFlushers(d: Draft<State>, batch: boolean): void {
  d.drivers.forEach((pc, dev) => {
    if (pc !== 'flush_priq_wait') return;
    const w = d.priq_flush[dev]!;
    if (batch) w.batches = Math.min(w.batches + 1, 2);
    w.woken = true;
  });
}

/**
 * One q->wq.lock section of the thread: queue_remove_raw takes the head into the thread's hands,
 * or, the queue drained, queue_sync_prod_in, the overflow acknowledged, every waiter woken.
 */
function removeOrFinish(d: Draft<State>, wakeWhenDrained: boolean): void {
  const t = d.priq;
  const head = d.hwq.entries.shift();
  if (head) {
    t.pc = 'handle';
    t.evt = head;
    return;
  }
  if (queue_sync_prod_in(d)) t.overflowed = true;
  d.hwq.overflow = false; // Q_OVF(llq->prod) written back as CONS.OVACKFLG
  d.hwq.overflow_noted = false;
  if (wakeWhenDrained) wakeFlushers(d, false);
  t.pc = t.overflowed ? 'discard' : 'idle';
  t.evt = null;
}

/**
 * The thread's steps. `wakeWhenDrained` false: a run that drains the queue wakes no flush (only each
 * completed batch does), a mutation the liveness property flush-returns exists to catch.
 */
export function priqThreadSteps(c: IopfParams, wakeWhenDrained = true): AnyStep<State>[] {
  return [
    step<State>({
      name: 'arm_smmu_priq_thread/queue_remove_raw',
      at: 'idle',
      doc: 'arm_smmu_priq_thread (PRIQ IRQ): spin_lock(&q->wq.lock), queue_remove_raw takes the head (CONS advanced), spin_unlock',
      source: 'seed 001 v6 patch 25 (not merged); extends drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1451-1471 (v5.13-rc6) (arm_smmu_priq_thread; queue_remove_raw call at 1459)',
      locks: 'q->wq.lock',
      enabled: (s) => !queue_empty(s),
      apply: (d) => {
        d.priq.overflowed = false;
        removeOrFinish(d, wakeWhenDrained);
      },
    }),
    reportStep(
      c,
      reportV513,
      'arm_smmu_handle_ppr → iommu.c iommu_report_device_fault (v5.13): the whole call under dev->iommu->lock, pending copy of a LAST request, then iommu_queue_iopf',
      'drivers/iommu/iommu.c:1188-1229 (v5.13-rc6); handler drivers/iommu/io-pgfault.c:186-258 (v5.13-rc6) (iommu_queue_iopf); caller arm_smmu_handle_ppr from seed 001 v6 patch 25 (not merged)',
    ),
    step<State>({
      name: 'arm_smmu_handle_ppr/discard_stop_marker',
      at: 'handle',
      doc: 'arm_smmu_handle_ppr drops a PASID Stop Marker instead of reporting it (seed 001: "IOMMU drivers must discard them before reporting faults")',
      source: 'seed 001 v6 patch 25 (not merged); extends drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1413-1449 (v5.13-rc6) (arm_smmu_handle_ppr); Stop Marker rule in drivers/iommu/io-pgfault.c:153-185 (v5.13-rc6) (iommu_queue_iopf kdoc)',
      locks: 'none (q->wq.lock dropped)',
      enabled: (s) => s.priq.evt?.kind === 'stop_marker',
      apply: (d) => handlerReturned(d),
    }),
    step<State>({
      name: 'arm_smmu_handle_ppr/nobody_cared',
      at: 'nobody_cared',
      doc: 'arm_smmu_handle_ppr: the core refused a LAST request, "Nobody cared": arm_smmu_page_response(FAILURE)',
      source: 'seed 001 v6 patch 25 (not merged); extends drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1413-1449 (v5.13-rc6) (mainline denies every LAST request: 1435-1448)',
      locks: 'none (q->wq.lock dropped)',
      apply: (d) => {
        const f = priqFault(d);
        if (f) pci_prg_response(d, f.dev, { grpid: f.grpid, pasid: f.pasid, code: 'FAILURE', private_data: f.private_data });
        handlerReturned(d);
      },
    }),
    step<State>({
      name: 'arm_smmu_priq_thread/batch',
      at: 'batch',
      doc: 'arm_smmu_priq_thread: spin_lock(&q->wq.lock), count the entry (every queue_size: q->batch++, wake_up_all_locked), then queue_remove_raw the next or, drained, sync_prod_in, ack OVFLG, wake_up_all_locked, unlock',
      source: 'seed 001 v6 patch 25 (not merged); extends drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1451-1471 (v5.13-rc6) (queue_sync_prod_in at 1462, CONS sync 1467-1469)',
      locks: 'q->wq.lock',
      apply: (d) => {
        const t = d.priq;
        t.handled++;
        if (t.handled === c.queue) {
          t.handled = 0;
          wakeFlushers(d, true);
        }
        removeOrFinish(d, wakeWhenDrained);
      },
    }),
    threadDiscardStep(iopf_queue_discard_partial),
  ];
}

/** How the partial faults are dropped after an overflow (variants change iopf_queue_discard_partial). */
export type DiscardPartial = (d: Draft<State>) => void;

/** The thread's iopf_queue_discard_partial after a run that saw an overflow. */
export function threadDiscardStep(discard: DiscardPartial): AnyStep<State> {
  return step<State>({
    name: 'iopf_queue_discard_partial',
    at: 'discard',
    doc: 'arm_smmu_priq_thread after an overflow, q->wq.lock dropped: io-pgfault.c iopf_queue_discard_partial (queue->lock); LAST requests may have been lost',
    source: 'drivers/iommu/io-pgfault.c:304-322 (v5.13-rc6); call after overflow from seed 001 v6 patch 25 (not merged)',
    locks: 'queue->lock',
    apply: (d) => {
      discard(d);
      d.priq.pc = 'idle';
      d.priq.overflowed = false;
    },
  });
}

export function priqProcess(c: IopfParams): Process<State> {
  return { name: 'priq_thread', instances: 1, pc: (s) => s.priq.pc, steps: priqThreadSteps(c) };
}

/** arm_smmu_flush_priq's wait condition: queue_empty(&q->llq) || q->batch >= batch + 2. */
export const flushPriqDone = (s: State, w: PriqFlush): boolean => queue_empty(s) || w.batches >= 2;

export const NO_PRIQ_FLUSH: PriqFlush = { batches: 0, woken: false, overflowed: false };
