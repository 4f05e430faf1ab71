// The state of the I/O page fault model: the composition of its slices, each with its type, codec
// and initial value beside the kernel source it mirrors (model/iommu: iommu.c's fault_param and
// struct dev_iommu; model/io-pgfault: io-pgfault.c's iopf_queue, groups and workers;
// model/arm-smmu-v3/priq-state.ts: the PRI queue and its thread; model/arm-smmu-v3/evtq-state.ts:
// the event queue, its thread and the SID->master tree; model/pci/endpoint.ts: the
// endpoint), plus the device drivers' progress and a few ghost fields the invariants read. Plain
// data only: fixed-size arrays indexed by small ids, FIFO lists in order, sets (the workqueue,
// queue->devices) kept sorted so the state is canonical.
// The SVA side's slices (model/ioasid, model/mm, model/arm-smmu-v3 as `arm_smmu`) sit beside them,
// with sva_lock, the drivers' handles, the owners' and exit_mmap threads' progress (model/sva/).
// model/layout.ts composes the slices' codecs and initial values in the order of State.
import type { Hwq, PriqFlush, PriqThread, SmmuPc } from './arm-smmu-v3/priq-state.ts';
import type { SmmuState } from './arm-smmu-v3/state.ts';
import type { EvtqState } from './arm-smmu-v3/evtq-state.ts';
import type { MsiState } from './msi-iommu/model.ts';
import type { HttuState } from './mm/page-writeback.ts';
import type { DevIommu } from './iommu/dev-iommu.ts';
import type { IopfQueue, Worker } from './io-pgfault/state.ts';
import type { IoasidState } from './ioasid/ioasid.ts';
import type { MmStruct } from './mm/mm.ts';
import type { CpuAsidState } from './mm/context.ts';
import type { Device } from './pci/endpoint.ts';
import type { MmId, NotifierId } from './ids.ts';

/**
 * The device driver's order of operations (enable, bind, stop, flush, unbind, remove); with `evtq`
 * the IOMMU's probe of the device first and its release last.
 */
export const DRIVER_PCS = [
  'probe',
  'enable_pri',
  'add_device',
  'register_handler',
  'enable_sva',
  'enable_ats',
  'bind',
  'bind_seize_cd',
  'bind_seize_tlbi',
  'bind_seize_end',
  'bind_register',
  'bind_dword0',
  'bind_unlock',
  'stop',
  'flush_priq',
  'flush_priq_wait',
  'flush_priq_discard',
  'flush_dev',
  'flush_wait',
  'unbind',
  'unbind_put',
  'unbind_free_pasid',
  'disable_sva',
  'synchronize',
  'unregister_handler',
  'remove_device',
  'disable_pri',
  'release',
  'done',
] as const;
export type DriverPc = (typeof DRIVER_PCS)[number];

/** The owning process of an mm (model/sva/processes.ts): running, inside munmap, or exited. */
export type ProcPc = 'running' | 'munmap' | 'invalidate_wait' | 'exited';

export interface Proc {
  pc: ProcPc;
  /** The notifier whose invalidate_range this thread runs (an SRCU reader of it), or null. */
  reader: NotifierId | null;
}

/**
 * The thread running exit_mmap for an mm (whoever did the last mmput): `release` when
 * __mmu_notifier_release has called a notifier's ->release, which waits for sva_lock;
 * `release_wait` when that release holds sva_lock and waits for its CMD_SYNCs.
 */
export interface ExitMmap {
  pc: 'idle' | 'release' | 'release_wait';
  reader: NotifierId | null;
}

/** A device driver's SVA handle (smmu only): the bond it holds and the bind in progress. */
export interface SvaHandle {
  /** The mm of the bond the driver holds (iommu_sva_bind_device returned it), or null. */
  mm: MmId | null;
  /** Handles the driver holds on that bond (one per successful bind call): ghost for one-bond-per-device-mm. */
  handles: number;
  /** Binds still to do (the `binds` bound). */
  binds: number;
  /** The notifier put of an unbind in progress owes mmu_notifier_put (after its CMD_SYNCs). */
  put: NotifierId | null;
}

export type NextProcessPc = 'waiting' | 'bound';

/** A CPU's current task's mm (its active_mm): none yet, a modelled mm, or a process outside the model. */
export type CpuMm = { kind: 'idle' } | { kind: 'mm'; mm: MmId } | { kind: 'other' };

/** History variables: set by a step that does what an invariant forbids, never cleared. */
export interface Ghost {
  /** A page response was sent on behalf of an iopf_group that had already been freed. */
  responseAfterGroupFree: boolean;
  /** A response reached a device for a group whose LAST was neither reported nor auto-answered. */
  responseBeforeLast: boolean;
  /** A step touched a device's fault data (fault_param / iopf_param) after it was freed. */
  faultDataUseAfterFree: boolean;
  /** A DMA used a translation (TLB or ATC) of a page whose frame was freed (pte none). */
  dmaToFreedPage: boolean;
  /** The DMA domain's own DMA (no PASID, through SSID 0) was aborted: C_BAD_CD or a translation fault. */
  privateDmaAborted: boolean;
  /**
   * A DMA used an SMMU TLB entry its CD's address space does not map: an IOVA whose iommu_unmap had
   * returned, or another address space's entry under the same ASID.
   */
  dmaStaleTlb: boolean;
}

export interface State {
  smmu: SmmuPc;
  hwq: Hwq;
  priq: PriqThread;
  /**
   * The event queue, its thread, the SID->master tree and the masters: a field of `evtq` configs
   * only (absent elsewhere, so the states and saved traces of the others are as they were).
   */
  evtq?: EvtqState;
  devices: Device[];
  dev_iommu: DevIommu[];
  drivers: DriverPc[];
  /** Per device: its driver's arm_smmu_flush_priq wait (zeros outside it). */
  priq_flush: PriqFlush[];
  queue: IopfQueue;
  workers: Worker[];
  /** ioasid.c's allocator (model/ioasid): PASID values 1..pasids of the iommu_sva_pasid set. */
  ioasid: IoasidState;
  /** Ghost, per ioasid: freed at least once (a next process may get it). */
  ioasid_reused: boolean[];
  mms: MmStruct[];
  procs: Proc[];
  exit_mmap: ExitMmap[];
  next_process: NextProcessPc;
  /** arch/arm64/mm/context.c's ASID allocator (model/mm/context.ts). */
  cpu_asid: CpuAsidState;
  /** Per CPU (the `cpus` bound): what it runs. */
  cpu_mm: CpuMm[];
  /** Processes outside the model that have yet to run (the `otherProcesses` bound). */
  other_processes: number;
  /** The SMMUv3 SVA slice (model/arm-smmu-v3); with smmu off it stays at its initial value. */
  arm_smmu: SmmuState;
  /** arm-smmu-v3-sva.c sva_lock: the owner (model/sva/config.ts numbers them), or null. */
  sva_lock: number | null;
  sva: SvaHandle[];
  /** The DMA domain's MSI geometry and its two users (model/msi-iommu): one, or none without `msi`. */
  msi: MsiState[];
  ghost: Ghost;
  /**
   * With `httu` only (model/mm/page-writeback.ts): PG_dirty, the flushers, the lost-dirty ghost.
   * Encoded after every other field, so the configs without it keep their layout.
   */
  httu?: HttuState;
}
