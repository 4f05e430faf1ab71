// The state of the I/O page fault model: every kernel object the modelled code touches, named after
// its struct and fields (v5.13, fc36479db74e: iommu.c's fault_param, io-pgfault.c's iopf_param,
// iopf_queue and iopf_group), plus the endpoint, the hardware queue and a few ghost fields the
// invariants read. Plain data only: fixed-size arrays indexed by small ids, FIFO lists in order,
// sets (the workqueue, queue->devices) kept sorted so the state is canonical.
// The SVA side's slices (model/ioasid, model/mm, model/arm-smmu-v3 as `arm_smmu`) sit beside them,
// with sva_lock, the drivers' handles, the owners' and exit_mmap threads' progress (model/sva/).
import type { PciWarning } from './pci/ats.ts';
import type { SmmuState } from './arm-smmu-v3/state.ts';
import type { IoasidState } from './ioasid/ioasid.ts';
import type { MmStruct } from './mm/mm.ts';
import type { DeviceId, GrpId, MmId, NotifierId, Pasid, PrgSeq } from './ids.ts';
import type { RespCode } from './types.ts';

/**
 * struct iommu_fault_page_request (seed 003: flags, pasid, grpid, perm, addr, private_data), with
 * the device it came from (the StreamID the IOMMU driver resolves) and three ghost fields.
 */
export interface IommuFault {
  dev: DeviceId;
  flags: number;
  pasid: Pasid;
  grpid: GrpId;
  perm: number;
  addr: number;
  /** Device-specific data returned untouched in the response; the device stores its group's seq here. */
  private_data: number;
  /** Ghost: which of its device's page request groups this request belongs to. */
  seq: PrgSeq;
  /** Ghost: the PASID was freed (iommu_sva_free_pasid) after the device issued this request. */
  stale: boolean;
  /** Ghost: kfree()d while still linked on a list (only variants that forget a list_del). */
  freed: boolean;
}

/** An entry of the hardware page request queue (PRIQ): a page request or a PASID Stop Marker. */
export type HwqEntry =
  | { kind: 'ppr'; fault: IommuFault }
  | { kind: 'stop_marker'; dev: DeviceId; pasid: Pasid };

export interface Hwq {
  entries: HwqEntry[];
  /** SMMU_PRIQ_PROD.OVFLG not yet acknowledged: new entries are discarded (SMMUv3 spec 8.1). */
  overflow: boolean;
  /**
   * The driver's copy of PROD (q->llq.prod) has the current OVFLG: a queue_sync_prod_in already
   * returned -EOVERFLOW for this overflow, so the next one does not.
   */
  overflow_noted: boolean;
}

export type PrgState = 'unused' | 'sending' | 'waiting' | 'answered';

/** The endpoint's view of one page request group (PRG), plus ghost counts for the invariants. */
export interface Prg {
  state: PrgState;
  grpid: GrpId;
  pasid: Pasid;
  /** Requests of this group posted so far. */
  sent: number;
  code: RespCode | 'NONE';
  /** Ghost: responses the IOMMU side sent meaning this group (by the private data they carry). */
  responses: number;
  /** Ghost: the group's LAST request went through iommu_report_device_fault. */
  reported: boolean;
  /** Ghost: the LAST request was lost to an overflow and the SMMU answered it itself. */
  autoResponded: boolean;
}

export type PriState = 'off' | 'on' | 'failed';

/** The PCIe endpoint: PRI capability state, the PASID its driver gave it, its page request groups. */
export interface Device {
  /** 'failed': a Response Failure was received; the function issues no more page requests. */
  pri: PriState;
  /** The PASID the device driver programmed for its DMA (0: none). */
  pasid: Pasid;
  /** The driver stopped the device's DMA and its PASID: no new page request group starts. */
  dma_stopped: boolean;
  prgs: Prg[];
  /** PRI status "Unexpected Page Request Group Index": a response matched no outstanding group. */
  uprgi: boolean;
  /** The WARN_ONs of drivers/pci/ats.c for this function (model/pci/ats.ts), sorted. */
  warnings: PciWarning[];
}

/** iommu.c's struct iommu_fault_param: the handler is always iommu_queue_iopf here. */
export interface FaultParam {
  /** Pending LAST_PAGE events awaiting iommu_page_response(), in list_add_tail order. */
  faults: IommuFault[];
}

/** io-pgfault.c's struct iopf_device_param. */
export interface IopfParam {
  /** Non-last requests waiting for their LAST, in list order (list_add: newest first). */
  partial: IommuFault[];
}

/** struct dev_iommu: the two parameters and the mutex that guards their lifetime in v5.13. */
export interface DevIommu {
  /** dev->iommu->lock held across steps (only iopf_queue_flush_dev holds it while it waits). */
  lock: boolean;
  fault_param: FaultParam | null;
  iopf_param: IopfParam | null;
}

/** struct iopf_group: the non-last faults gathered by grpid, then the embedded last_fault. */
export interface IopfGroup {
  dev: DeviceId;
  faults: IommuFault[];
  last_fault: IommuFault;
  /**
   * The work item's flush colour, per flusher: bit i is set while driver i's flush_workqueue, which
   * began with this work queued or running, waits for it (kernel/workqueue.c flush_workqueue:
   * pwq->nr_in_flight[flush_color]). Work queued after a flush began does not hold that flush.
   */
  flush_color: number;
}

export type QueueState = 'none' | 'live' | 'freed';

/** struct iopf_queue: its devices list and its workqueue (a multiset: WQ_UNBOUND, unordered). */
export interface IopfQueue {
  state: QueueState;
  devices: DeviceId[];
  wq: IopfGroup[];
}

/** A workqueue worker running iopf_handle_group(). */
export type Worker =
  | { pc: 'idle' }
  | {
      /** `unlock`: iommu_page_response answered and still holds fault_param->lock. */
      pc: 'find' | 'fault' | 'complete' | 'unlock';
      group: IopfGroup;
      /** Index into [...group.faults, last_fault] of the fault the walk is at. */
      cursor: number;
      status: RespCode;
      /** The mm whose mm_users this worker holds (mmget_not_zero until mmput), or null. */
      mm: MmId | null;
    };

/**
 * The IOMMU driver's PRI queue thread (arm_smmu_priq_thread of the SVA series' PRI patch): `handle`
 * holds the entry queue_remove_raw took (q->wq.lock dropped for arm_smmu_handle_ppr), `nobody_cared`
 * a LAST request the core refused, `batch` is back under q->wq.lock, `discard` owes
 * iopf_queue_discard_partial after an overflow.
 */
export type PriqPc = 'idle' | 'handle' | 'nobody_cared' | 'batch' | 'discard';
export interface PriqThread {
  pc: PriqPc;
  /** The entry being handled (pc handle or nobody_cared), else null. */
  evt: HwqEntry | null;
  /** A queue_sync_prod_in of this run of the thread returned -EOVERFLOW. */
  overflowed: boolean;
  /** Entries handled since the last wrap of q->batch (every queue_size entries: batch++, wake). */
  handled: number;
}

/**
 * A driver inside arm_smmu_flush_priq's wait_event_interruptible_locked: batches the thread
 * completed since the flush read q->batch (2 is enough to return), whether a wake_up_all_locked
 * came since it last slept, and whether its own queue_sync_prod_in saw the overflow.
 */
export interface PriqFlush {
  batches: number;
  woken: boolean;
  overflowed: boolean;
}

/** The IOMMU driver's own lifetime around iopf_queue_alloc / iopf_queue_free. */
export type SmmuPc = 'probe' | 'live' | 'gone';

/** The device driver's order of operations (enable, bind, stop, flush, unbind, remove). */
export const DRIVER_PCS = [
  'enable_pri',
  'add_device',
  'register_handler',
  'enable_sva',
  'enable_ats',
  'bind',
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
  /** An iopf worker found the mm of a PASID after one of its bonds was unbound while another remained. */
  faultAfterSharedUnbind: boolean;
}

export interface State {
  smmu: SmmuPc;
  hwq: Hwq;
  priq: PriqThread;
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
  /** Ghost, per ioasid: a bond of its mm was unbound while another bond kept it allocated. */
  ioasid_shared_put: boolean[];
  mms: MmStruct[];
  procs: Proc[];
  exit_mmap: ExitMmap[];
  next_process: NextProcessPc;
  /** The SMMUv3 SVA slice (model/arm-smmu-v3); with smmu off it stays at its initial value. */
  arm_smmu: SmmuState;
  /** arm-smmu-v3-sva.c sva_lock: the owner (model/sva/config.ts numbers them), or null. */
  sva_lock: number | null;
  sva: SvaHandle[];
  ghost: Ghost;
}
