// The device driver's order of operations around the IOPF queue, one process per device (v5.13:
// the SVA device driver, arm-smmu-v3's arm_smmu_master_enable/disable_iopf and the PRI patch of the
// SVA series, kernel-notes 1a.1 and 1c):
//   pci_enable_pri → iopf_queue_add_device → iommu_register_device_fault_handler (IOPF enabled)
//   → iommu_sva_bind_device (the device gets the mm's PASID)
//   → stop DMA and PASID (the endpoint either waits for its outstanding groups or posts a Stop Marker)
//   → arm_smmu_flush_priq → iopf_queue_flush_dev (the kdoc's contract: low-level queue first)
//   → iommu_sva_unbind_device (the PASID is freed: the next process may get it)
//   → iommu_unregister_device_fault_handler (its -EBUSY is ignored, as by arm_smmu_master_disable_iopf)
//   → iopf_queue_remove_device → pci_disable_pri.
// PRI is on from the start, as a driver that enables it at probe: a request on the RID may arrive
// before IOPF is enabled, and the IOMMU driver must then answer it itself.
// With `evtq` (platform devices on the SMMU's event queue) there is no PRI: arm_smmu_probe_device
// comes first and arm_smmu_release_device last, and no PRI queue is flushed; a master that cannot
// stall only stops its DMA in between.
// With `smmu` the bind and unbind are arm-smmu-v3's, in several steps (sva/driver-sva.ts),
// between enabling the SVA feature and ATS, and disabling SVA with mmu_notifier_synchronize.
// Without it the bind is iommu_sva_alloc_pasid plus the mm_count the SMMU's notifier would hold
// (mmgrab, dropped at unbind), so the PASID cannot outlive the mm_struct it names.
import type { Draft } from 'immer';
import { match } from 'ts-pattern';
import { mmOfDevice } from './layout.ts';
import type { IopfParams } from './params.ts';
import { flushPriqDone, NO_PRIQ_FLUSH, postToHwq, queue_sync_prod_in, type DiscardPartial } from './arm-smmu-v3/priq.ts';
import {
  iopf_queue_add_device,
  iopf_queue_discard_partial,
  iopf_queue_flush_dev_lock,
  iopf_queue_flush_dev_unlock,
  iopf_queue_remove_device,
  flush_workqueue_done,
} from './io-pgfault/queue.ts';
import { pci_disable_pri, pci_enable_pri } from './pci/ats.ts';
import { iommu_register_device_fault_handler, iommu_unregister_device_fault_handler } from './iommu/fault.ts';
import { mmdrop, mmgrab } from './mm/mm.ts';
import { allocBondPasid, freeBondPasid } from './sva/pasid.ts';
import { dmaSteps, iovaDmaSteps } from './sva/dma.ts';
import { svaDriverSteps } from './sva/driver-sva.ts';
import type { PriqFlush } from './arm-smmu-v3/priq-state.ts';
import { arm_smmu_probe_device, arm_smmu_release_device } from './arm-smmu-v3/master.ts';
import { isStallMaster } from './arm-smmu-v3/resume.ts';
import { evtqOf } from './arm-smmu-v3/evtq-state.ts';
import type { DriverPc, State } from './state.ts';
import { asPasid, type DeviceId } from './ids.ts';
import { step, type AnyStep, type Process } from '../explorer/model.ts';

/** Guard of the stop: a group is never cut in two; 'wait' devices also wait for their answers. */
export function canStop(c: IopfParams, s: State, dev: number): boolean {
  const prgs = s.devices[dev]!.prgs;
  return match(c.pasidStop)
    .with('wait', () => prgs.every((p) => p.state !== 'sending' && p.state !== 'waiting'))
    .with('marker', () => prgs.every((p) => p.state !== 'sending'))
    .exhaustive();
}

const at = (pc: DriverPc, then: DriverPc) => ({ at: pc, then });

/** The fault-handler calls the driver makes: the baseline's, or a later kernel's (variants). */
export interface FaultHandlerCalls {
  readonly register: (d: Draft<State>, dev: DeviceId) => unknown;
  readonly unregister: (d: Draft<State>, dev: DeviceId) => unknown;
}

const V513_CALLS: FaultHandlerCalls = { register: iommu_register_device_fault_handler, unregister: iommu_unregister_device_fault_handler };

export function driverSteps(c: IopfParams, calls: FaultHandlerCalls = V513_CALLS): AnyStep<State>[] {
  const go = (d: { drivers: DriverPc[] }, self: number, pc: DriverPc): void => {
    d.drivers[self] = pc;
  };
  const s1 = at('enable_pri', 'add_device');
  const s2 = at('add_device', 'register_handler');
  const s3 = at('register_handler', c.smmu ? 'enable_sva' : 'bind');
  const s4 = at('bind', 'stop');
  const s5 = at('stop', 'flush_priq');
  const s8 = at('flush_wait', 'unbind');
  const s9 = at('unbind', 'unregister_handler');
  const s10 = at('unregister_handler', 'remove_device');
  const s11 = at('remove_device', 'disable_pri');
  const s12 = at('disable_pri', 'done');
  const sva = svaDriverSteps(c);
  const head: AnyStep<State>[] = [
    step<State>({
      name: 'pci_enable_pri',
      at: s1.at,
      doc: 'drivers/pci/ats.c pci_enable_pri: the endpoint may issue page requests (on its RID for now)',
      source: 'drivers/pci/ats.c:196-234 (v5.13-rc6)',
      locks: 'none',
      apply: (d, self) => {
        pci_enable_pri(d.devices[self]!);
        go(d, self, s1.then);
      },
    }),
    step<State>({
      name: 'iopf_queue_add_device',
      at: s2.at,
      doc: 'io-pgfault.c iopf_queue_add_device: queue->lock + dev->iommu->lock, publish iopf_param',
      source: 'drivers/iommu/io-pgfault.c:332-363 (v5.13-rc6)',
      locks: 'queue->lock, then dev->iommu->lock',
      enabled: (s) => s.queue.state === 'live',
      apply: (d, self) => {
        iopf_queue_add_device(d, self as DeviceId);
        go(d, self, s2.then);
      },
    }),
    step<State>({
      name: 'iommu_register_device_fault_handler',
      at: s3.at,
      doc: 'iommu.c iommu_register_device_fault_handler(dev, iommu_queue_iopf, dev): dev->iommu->lock, alloc fault_param',
      source: 'drivers/iommu/iommu.c:1103-1136 (v5.13-rc6)',
      locks: 'dev->iommu->lock',
      apply: (d, self) => {
        calls.register(d, self as DeviceId);
        go(d, self, s3.then);
      },
    }),
  ];
  const bind: AnyStep<State>[] = [
    step<State>({
      name: 'iommu_sva_bind_device',
      at: s4.at,
      doc: 'iommu_sva_bind_device → iommu_sva_alloc_pasid(mm); the driver programs the PASID into the device',
      source: 'drivers/iommu/iommu-sva-lib.c:26-50 (87ea6a1e395a) (iommu_sva_alloc_pasid); drivers/iommu/ioasid.c:305-347 (v5.13-rc6) (ioasid_alloc), drivers/iommu/ioasid.c:353-364 (v5.13-rc6) (ioasid_get)',
      locks: 'iommu_sva_lock, ioasid_allocator_lock',
      apply: (d, self) => {
        const mm = mmOfDevice(c, self);
        // The caller passes a live mm (current->mm): a process that already exited binds nothing.
        const pasid = d.mms[mm]!.users > 0 ? allocBondPasid(d, c, self as DeviceId, mm) : asPasid(0);
        if (pasid !== 0) mmgrab(d.mms[mm]!, { kind: 'bind', dev: self });
        d.devices[self]!.pasid = pasid;
        go(d, self, s4.then);
      },
    }),
  ];
  const flush: AnyStep<State>[] = [
    step<State>({
      name: 'stop_dma_and_pasid',
      at: s5.at,
      doc: 'the device driver stops DMA and the PASID (PCIe PASID stop); a marker device posts a Stop Marker',
      source: 'hardware',
      locks: 'none (the device driver and the endpoint)',
      enabled: (s, self) => canStop(c, s, self),
      apply: (d, self) => {
        const device = d.devices[self]!;
        device.dma_stopped = true;
        if (c.pasidStop === 'marker' && device.pasid !== 0 && device.pri === 'on') {
          postToHwq(d, { kind: 'stop_marker', dev: self as DeviceId, pasid: device.pasid }, c.queue);
        }
        // The event queue is not drained here ([PATCH v8] of the stall patch: "Don't drain event queue on unbind()").
        if (c.evtq) return go(d, self, isStallMaster(d, self) ? 'flush_dev' : 'release');
        go(d, self, s5.then);
      },
    }),
    ...flushPriqSteps(flushPriqDone),
    flushPriqDiscardStep(iopf_queue_discard_partial),
    step<State>({
      name: 'iopf_queue_flush_dev',
      at: 'flush_dev',
      doc: 'io-pgfault.c iopf_queue_flush_dev: mutex_lock(dev->iommu->lock); -ENODEV without iopf_param',
      source: 'drivers/iommu/io-pgfault.c:273-284 (v5.13-rc6)',
      locks: 'dev->iommu->lock, taken here and held across the wait',
      enabled: (s, self) => !s.dev_iommu[self]!.lock,
      apply: (d, self) => {
        const ret = iopf_queue_flush_dev_lock(d, self as DeviceId);
        go(d, self, ret === 0 ? 'flush_wait' : 'unbind');
      },
    }),
    step<State>({
      name: 'iopf_queue_flush_dev/flush_workqueue',
      at: s8.at,
      doc: 'io-pgfault.c iopf_queue_flush_dev: flush_workqueue(queue->wq) returns, mutex_unlock(dev->iommu->lock)',
      source: 'drivers/iommu/io-pgfault.c:285-288 (v5.13-rc6)',
      locks: 'dev->iommu->lock, released here',
      enabled: (s, self) => flush_workqueue_done(s, self),
      apply: (d, self) => {
        iopf_queue_flush_dev_unlock(d, self as DeviceId);
        go(d, self, s8.then);
      },
    }),
  ];
  const unbind: AnyStep<State>[] = [
    step<State>({
      name: 'iommu_sva_unbind_device',
      at: s9.at,
      doc: 'iommu_sva_unbind_device → iommu_sva_free_pasid(mm): ioasid_put; at zero the PASID is free for reuse',
      source: 'drivers/iommu/iommu-sva-lib.c:59-65 (87ea6a1e395a) (iommu_sva_free_pasid); drivers/iommu/ioasid.c:376-402 (v5.13-rc6) (ioasid_put)',
      locks: 'iommu_sva_lock, ioasid_allocator_lock',
      apply: (d, self) => {
        const device = d.devices[self]!;
        if (device.pasid !== 0) {
          freeBondPasid(d, self as DeviceId, mmOfDevice(c, self));
          mmdrop(d.mms[mmOfDevice(c, self)]!, { kind: 'bind', dev: self });
        }
        device.pasid = asPasid(0);
        go(d, self, s9.then);
      },
    }),
  ];
  const tail: AnyStep<State>[] = [
    step<State>({
      name: 'iommu_unregister_device_fault_handler',
      at: s10.at,
      doc: 'iommu.c iommu_unregister_device_fault_handler: dev->iommu->lock; -EBUSY while responses are pending',
      source: 'drivers/iommu/iommu.c:1148-1174 (v5.13-rc6)',
      locks: 'dev->iommu->lock',
      apply: (d, self) => {
        calls.unregister(d, self as DeviceId);
        go(d, self, s10.then);
      },
    }),
    step<State>({
      name: 'iopf_queue_remove_device',
      at: s11.at,
      doc: 'io-pgfault.c iopf_queue_remove_device: unlink under both locks, then free the partials and iopf_param',
      source: 'drivers/iommu/io-pgfault.c:375-405 (v5.13-rc6)',
      locks: 'queue->lock, then dev->iommu->lock',
      apply: (d, self) => {
        iopf_queue_remove_device(d, self as DeviceId);
        go(d, self, c.evtq ? 'release' : s11.then);
      },
    }),
    step<State>({
      name: 'pci_disable_pri',
      at: s12.at,
      doc: 'drivers/pci/ats.c pci_disable_pri',
      source: 'drivers/pci/ats.c:242-262 (v5.13-rc6)',
      locks: 'none',
      apply: (d, self) => {
        pci_disable_pri(d.devices[self]!);
        go(d, self, s12.then);
      },
    }),
  ];
  if (c.evtq) {
    const [, addDevice, register] = head;
    const [stop, , , , flushDev, flushWait] = flush;
    const [unregister, removeDevice] = tail;
    return [probeStep(), addDevice!, register!, ...bind, stop!, flushDev!, flushWait!, ...unbind, unregister!, removeDevice!, releaseStep()];
  }
  if (!c.smmu) return [...head, ...bind, ...flush, ...unbind, ...tail];
  return [...head, ...sva.before, ...sva.bind, ...flush, ...sva.unbind, ...tail];
}

/**
 * With `evtq`, the IOMMU core's probe of the device (iommu_probe_device → arm_smmu_probe_device)
 * before its driver runs: a stall master goes on to enable IOPF and SVA, another master (no
 * "dma-can-stall") only stops its DMA before its release; a StreamID already in the tree fails the
 * probe and the device gets no IOMMU.
 */
function probeStep(): AnyStep<State> {
  return step<State>({
    name: 'arm_smmu_probe_device',
    at: 'probe',
    doc: 'arm_smmu_probe_device: kzalloc the master, arm_smmu_insert_master (streams_mutex: link the StreamID, -EINVAL "stream %u already in tree"), err_free_master on error; stall_enabled from dma-can-stall or STALL_FORCE',
    source:
      'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2638, 2660-2663 (85e103bf021d) (arm_smmu_probe_device); arm_smmu_insert_master :2521-2592 (mutex section :2536-2589, duplicate :2569-2574)',
    locks: 'smmu->streams_mutex',
    enabled: (s) => !evtqOf(s).streams_mutex,
    apply: (d, self) => {
      if (arm_smmu_probe_device(d, self as DeviceId) !== 0) {
        d.drivers[self] = 'done';
        return;
      }
      d.drivers[self] = isStallMaster(d, self) ? 'add_device' : 'stop';
    },
  });
}

/** With `evtq`, the IOMMU core's release of the device once its driver is gone. */
function releaseStep(): AnyStep<State> {
  return step<State>({
    name: 'arm_smmu_release_device',
    at: 'release',
    doc: 'arm_smmu_release_device: detach, disable PASID, arm_smmu_remove_master (streams_mutex: rb_erase the StreamID), kfree(master)',
    source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2681-2687 (85e103bf021d); arm_smmu_remove_master :2594-2609 (mutex section :2603-2606)',
    locks: 'smmu->streams_mutex',
    enabled: (s) => !evtqOf(s).streams_mutex,
    apply: (d, self) => {
      arm_smmu_release_device(d, self as DeviceId);
      d.drivers[self] = 'done';
    },
  });
}

/** arm_smmu_flush_priq's wait condition, given the batches its waiter has seen. */
export type FlushPriqDone = (s: State, w: PriqFlush) => boolean;

/**
 * arm_smmu_flush_priq: test at once, else sleep until the PRIQ thread wakes it and test again. The
 * condition is the patch's (flushPriqDone); a variant of the flush passes its own.
 */
export function flushPriqSteps(done: FlushPriqDone): AnyStep<State>[] {
  const finish = (d: Draft<State>, self: number, overflowed: boolean): void => {
    d.drivers[self] = overflowed ? 'flush_priq_discard' : 'flush_dev';
  };
  return [
    step<State>({
      name: 'arm_smmu_flush_priq',
      at: 'flush_priq',
      doc: 'arm_smmu_flush_priq (seed 001 v6 patch 25): spin_lock(&q->wq.lock), queue_sync_prod_in, batch = q->batch; returns at once if queue_empty(&q->llq), else sleeps',
      source: 'seed 001 v6 patch 25 (not merged); uses queue_sync_prod_in drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:157-174 (v5.13-rc6)',
      locks: 'q->wq.lock',
      apply: (d, self) => {
        const overflowed = queue_sync_prod_in(d);
        if (done(d, NO_PRIQ_FLUSH)) return finish(d, self, overflowed);
        d.priq_flush[self] = { batches: 0, woken: false, overflowed };
        d.drivers[self] = 'flush_priq_wait';
      },
    }),
    step<State>({
      name: 'arm_smmu_flush_priq/wait',
      at: 'flush_priq_wait',
      doc: 'arm_smmu_flush_priq: woken by the PRIQ thread, wait_event_interruptible_locked re-tests queue_empty(&q->llq) || q->batch >= batch + 2 under q->wq.lock',
      source: 'seed 001 v6 patch 25 (not merged)',
      locks: 'q->wq.lock (retaken by the wake-up)',
      enabled: (s, self) => s.priq_flush[self]!.woken,
      apply: (d, self) => {
        const w = d.priq_flush[self]!;
        if (!done(d, w)) {
          w.woken = false;
          return;
        }
        const overflowed = w.overflowed;
        d.priq_flush[self] = { ...NO_PRIQ_FLUSH };
        finish(d, self, overflowed);
      },
    }),
  ];
}

/** arm_smmu_flush_priq's iopf_queue_discard_partial, when its queue_sync_prod_in saw an overflow. */
export function flushPriqDiscardStep(discard: DiscardPartial): AnyStep<State> {
  return step<State>({
    name: 'arm_smmu_flush_priq/iopf_queue_discard_partial',
    at: 'flush_priq_discard',
    doc: 'arm_smmu_flush_priq: spin_unlock(&q->wq.lock); its queue_sync_prod_in saw an overflow: iopf_queue_discard_partial',
    source: 'seed 001 v6 patch 25 (not merged); calls drivers/iommu/io-pgfault.c:304-322 (v5.13-rc6)',
    locks: 'queue->lock',
    apply: (d, self) => {
      discard(d);
      d.drivers[self] = 'flush_dev';
    },
  });
}

export function driverProcess(c: IopfParams): Process<State> {
  return { name: 'driver', instances: c.devices, pc: (s, self) => s.drivers[self]!, steps: driverSteps(c) };
}

/** The device's DMA steps (smmu configs with `dma`), appended to the endpoint's page requests. */
export function deviceDmaSteps(c: IopfParams): AnyStep<State>[] {
  return c.smmu ? [...(c.dma ? dmaSteps(c) : []), ...iovaDmaSteps(c)] : [];
}
