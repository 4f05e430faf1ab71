// The device fault report API's data (v5.13 include/uapi/linux/iommu.h, include/linux/iommu.h):
// a page request as iommu_report_device_fault receives it, and iommu.c's per-device fault_param.
// struct dev_iommu, which also holds io-pgfault.c's parameter, is model/iommu/dev-iommu.ts.
import { bool, brandedInt, int, list, record, type Codec } from '../../explorer/codec.ts';
import type { IopfParams } from '../params.ts';
import type { DeviceId, GrpId, Pasid, PrgSeq } from '../ids.ts';

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

/** iommu.c's struct iommu_fault_param: the handler is always iommu_queue_iopf here. */
export interface FaultParam {
  /** Pending LAST_PAGE events awaiting iommu_page_response(), in list_add_tail order. */
  faults: IommuFault[];
}

export function faultCodec(c: IopfParams): Codec<IommuFault> {
  return record<IommuFault>({
    dev: brandedInt<DeviceId>(0, c.devices - 1),
    flags: int(0, 15),
    pasid: brandedInt<Pasid>(0, c.pasids),
    grpid: brandedInt<GrpId>(0, c.groups - 1),
    perm: int(0, 15),
    addr: int(0, 3),
    private_data: int(0, c.groups),
    seq: brandedInt<PrgSeq>(0, c.groups - 1),
    stale: bool,
    freed: bool,
  });
}

/**
 * Pending LAST events: at most one per group a device issues (more only through a bug, which the
 * invariants catch first).
 */
export function faultParamCodec(c: IopfParams): Codec<FaultParam> {
  return record<FaultParam>({ faults: list(c.groups * 2, faultCodec(c)) });
}
