// A struct iommu_fault_page_request record for hand-made test states: device 0, PASID 1, group 0,
// address 0, nothing flagged; each test sets the flags and permissions it is about.
import type { IommuFault } from '../../model/iommu/state.ts';
import { asDevice, asGrpId, asPasid, asSeq } from '../../model/ids.ts';

export function faultRecord(over: Partial<IommuFault> = {}): IommuFault {
  return {
    dev: asDevice(0),
    flags: 0,
    pasid: asPasid(1),
    grpid: asGrpId(0),
    perm: 0,
    addr: 0,
    private_data: 0,
    seq: asSeq(0),
    stale: false,
    freed: false,
    ...over,
  };
}
