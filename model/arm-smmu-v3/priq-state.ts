// The SMMUv3 PRI queue's data (model/arm-smmu-v3/priq.ts): the hardware queue, the driver's
// arm_smmu_priq_thread and arm_smmu_flush_priq waits, and the driver's own probe state.
import { bool, brandedInt, constant, int, list, literal, nullable, record, tagged, type Codec } from '../../explorer/codec.ts';
import { faultCodec, type IommuFault } from '../iommu/state.ts';
import type { IopfParams } from '../params.ts';
import type { DeviceId, Pasid } from '../ids.ts';

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

/**
 * The IOMMU driver's PRI queue thread (arm_smmu_priq_thread of the SVA series' PRI patch): `handle`
 * holds the entry queue_remove_raw took (q->wq.lock dropped for arm_smmu_handle_ppr), `nobody_cared`
 * a LAST request the core refused, `batch` is back under q->wq.lock, `discard` owes
 * iopf_queue_discard_partial after an overflow.
 */
export const PRIQ_PCS = ['idle', 'handle', 'nobody_cared', 'batch', 'discard'] as const;
export type PriqPc = (typeof PRIQ_PCS)[number];
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
export const SMMU_PCS = ['probe', 'live', 'gone'] as const;
export type SmmuPc = (typeof SMMU_PCS)[number];

function hwqEntryCodec(c: IopfParams): Codec<HwqEntry> {
  return tagged<'kind', HwqEntry>('kind', {
    ppr: record({ kind: constant('ppr' as const), fault: faultCodec(c) }),
    stop_marker: record({
      kind: constant('stop_marker' as const),
      dev: brandedInt<DeviceId>(0, c.devices - 1),
      pasid: brandedInt<Pasid>(0, c.pasids),
    }),
  });
}

export function hwqCodec(c: IopfParams): Codec<Hwq> {
  return record<Hwq>({ entries: list(c.queue, hwqEntryCodec(c)), overflow: bool, overflow_noted: bool });
}

export function priqThreadCodec(c: IopfParams): Codec<PriqThread> {
  return record<PriqThread>({
    pc: literal(PRIQ_PCS),
    evt: nullable(hwqEntryCodec(c)),
    overflowed: bool,
    handled: int(0, c.queue - 1),
  });
}

export const priqFlushCodec: Codec<PriqFlush> = record<PriqFlush>({ batches: int(0, 2), woken: bool, overflowed: bool });

export const hwq_init = (): Hwq => ({ entries: [], overflow: false, overflow_noted: false });
export const priq_init = (): PriqThread => ({ pc: 'idle', evt: null, overflowed: false, handled: 0 });
export const priq_flush_init = (): PriqFlush => ({ batches: 0, woken: false, overflowed: false });
