// struct dev_iommu (v5.13 include/linux/iommu.h): iommu.c's fault_param and io-pgfault.c's
// iopf_param of one device, and the mutex that guards their lifetime.
import { bool, nullable, record, type Codec } from '../../explorer/codec.ts';
import { iopfParamCodec, type IopfParam } from '../io-pgfault/state.ts';
import type { IopfParams } from '../params.ts';
import { faultParamCodec, type FaultParam } from './state.ts';

export interface DevIommu {
  /** dev->iommu->lock held across steps (only iopf_queue_flush_dev holds it while it waits). */
  lock: boolean;
  fault_param: FaultParam | null;
  iopf_param: IopfParam | null;
}

export function devIommuCodec(c: IopfParams): Codec<DevIommu> {
  return record<DevIommu>({
    lock: bool,
    fault_param: nullable(faultParamCodec(c)),
    iopf_param: nullable(iopfParamCodec(c)),
  });
}

export const dev_iommu_init = (): DevIommu => ({ lock: false, fault_param: null, iopf_param: null });
