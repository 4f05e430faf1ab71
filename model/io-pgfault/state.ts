// drivers/iommu/io-pgfault.c's data (fc36479db74e, v5.13): struct iopf_device_param, iopf_group,
// iopf_queue with its workqueue, and the workers running iopf_handle_group.
import { brandedInt, constant, int, list, literal, nullable, record, set, tagged, type Codec } from '../../explorer/codec.ts';
import { faultCodec, type IommuFault } from '../iommu/state.ts';
import type { IopfParams } from '../params.ts';
import { mmCount } from '../sva/config.ts';
import { RESPONSE_CODES, type RespCode } from '../types.ts';
import type { DeviceId, MmId } from '../ids.ts';

/** io-pgfault.c's struct iopf_device_param. */
export interface IopfParam {
  /** Non-last requests waiting for their LAST, in list order (list_add: newest first). */
  partial: IommuFault[];
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

export const QUEUE_STATES = ['none', 'live', 'freed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** struct iopf_queue: its devices list and its workqueue (a multiset: WQ_UNBOUND, unordered). */
export interface IopfQueue {
  state: QueueState;
  devices: DeviceId[];
  wq: IopfGroup[];
}

type BusyPc = 'find' | 'fault' | 'complete' | 'unlock';

/** A workqueue worker running iopf_handle_group(). */
export type Worker =
  | { pc: 'idle' }
  | {
      /** `unlock`: iommu_page_response answered and still holds fault_param->lock. */
      pc: BusyPc;
      group: IopfGroup;
      /** Index into [...group.faults, last_fault] of the fault the walk is at. */
      cursor: number;
      status: RespCode;
      /** The mm whose mm_users this worker holds (mmget_not_zero until mmput), or null. */
      mm: MmId | null;
    };

/** Non-last requests pending at once: at most every non-last request of every group. */
export function iopfParamCodec(c: IopfParams): Codec<IopfParam> {
  return record<IopfParam>({ partial: list(c.groups * Math.max(1, c.requests - 1) * 2, faultCodec(c)) });
}

export function groupCodec(c: IopfParams): Codec<IopfGroup> {
  const fault = faultCodec(c);
  return record<IopfGroup>({
    dev: brandedInt<DeviceId>(0, c.devices - 1),
    faults: list(c.requests, fault),
    last_fault: fault,
    flush_color: int(0, (1 << c.devices) - 1),
  });
}

export function queueCodec(c: IopfParams): Codec<IopfQueue> {
  return record<IopfQueue>({
    state: literal(QUEUE_STATES),
    devices: set(c.devices, brandedInt<DeviceId>(0, c.devices - 1)),
    wq: list(c.devices * c.groups * 2, groupCodec(c)),
  });
}

export function workerCodec(c: IopfParams): Codec<Worker> {
  const group = groupCodec(c);
  const busy = <P extends BusyPc>(pc: P): Codec<Extract<Worker, { pc: P }>> =>
    record({
      pc: constant(pc),
      group,
      cursor: int(0, c.requests),
      status: literal(RESPONSE_CODES),
      mm: nullable(brandedInt<MmId>(0, mmCount(c) - 1)),
    }) as unknown as Codec<Extract<Worker, { pc: P }>>;
  return tagged<'pc', Worker>('pc', {
    idle: record({ pc: constant('idle' as const) }),
    find: busy('find'),
    fault: busy('fault'),
    complete: busy('complete'),
    unlock: busy('unlock'),
  });
}

export const iopf_queue_init = (): IopfQueue => ({ state: 'none', devices: [], wq: [] });

export const worker_init = (): Worker => ({ pc: 'idle' });
