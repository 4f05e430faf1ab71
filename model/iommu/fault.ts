// drivers/iommu/iommu.c as of v5.13 (fc36479db74e's tree): the device fault report API that
// io-pgfault.c plugs into. iommu_register_device_fault_handler / iommu_unregister_device_fault_handler
// (dev->iommu->lock), iommu_report_device_fault (the whole call under dev->iommu->lock: the pending
// copy of a LAST request, then the handler, iommu_queue_iopf), iommu_page_response (seed 000's
// matching of a pending request by grpid, and PASID when the request needs one; -EINVAL and nothing
// sent when nothing matches).
//
// Left out: non-PAGE_REQ (unrecoverable) faults, which never reach io-pgfault; the response's
// version field and flag validation (the model only builds valid messages); the domain and
// ops->page_response checks (every modelled device has a domain and a driver with page_response).
import type { Draft } from 'immer';
import { pci_prg_response } from '../pci/prg-response.ts';
import { arm_smmu_page_response, isStallMaster } from '../arm-smmu-v3/resume.ts';
import { iommu_queue_iopf, type AllocFailure, type QueueIopfRet } from '../io-pgfault/report.ts';
import type { IommuFault } from './state.ts';
import type { State } from '../state.ts';
import {
  IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE,
  IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID,
  hasFlag,
  type RespCode,
} from '../types.ts';
import type { DeviceId, GrpId, Pasid } from '../ids.ts';

/** iommu_register_device_fault_handler(dev, iommu_queue_iopf, dev): allocate fault_param. */
export function iommu_register_device_fault_handler(d: Draft<Pick<State, 'dev_iommu'>>, dev: DeviceId): 0 | '-EBUSY' {
  const di = d.dev_iommu[dev]!;
  if (di.fault_param) return '-EBUSY';
  di.fault_param = { faults: [] };
  return 0;
}

/** iommu_unregister_device_fault_handler(dev): refuses with -EBUSY while responses are pending. */
export function iommu_unregister_device_fault_handler(d: Draft<Pick<State, 'dev_iommu'>>, dev: DeviceId): 0 | '-EINVAL' | '-EBUSY' {
  const di = d.dev_iommu[dev]!;
  if (!di.fault_param) return '-EINVAL';
  if (di.fault_param.faults.length > 0) return '-EBUSY';
  di.fault_param = null;
  return 0;
}

/**
 * iommu_report_device_fault(dev, evt), v5.13: under dev->iommu->lock; no fault_param → -EINVAL;
 * a LAST request is kmemdup'd onto fault_param->faults (the pending-response list) before the
 * handler runs; if the handler fails, the copy is removed again. Returns the error the IOMMU driver
 * must act on (it then completes the fault itself).
 */
export function iommu_report_device_fault(d: Draft<State>, fault: IommuFault, alloc: AllocFailure): 0 | '-EINVAL' | '-ENOMEM' | QueueIopfRet {
  const last = hasFlag(fault.flags, IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE);
  // Ghost: the LAST request reached the core, so its group may now be answered.
  if (last) markReported(d, fault);
  const fparam = d.dev_iommu[fault.dev]!.fault_param;
  if (!fparam) return '-EINVAL';
  if (last) {
    if (alloc === 'kmemdup') return '-ENOMEM';
    fparam.faults.push({ ...fault });
  }
  const ret = iommu_queue_iopf(d, fault, alloc);
  if (ret !== 0 && last) fparam.faults.pop();
  return ret;
}

/** Ghost: the group of this LAST request was reported (only while the device still waits for it). */
export function markReported(d: Draft<State>, fault: IommuFault): void {
  const prg = d.devices[fault.dev]!.prgs[fault.seq]!;
  if (prg.state === 'waiting') prg.reported = true;
}

/** struct iommu_page_response as iopf_complete_group builds it. */
export interface IommuPageResponse {
  pasid_valid: boolean;
  pasid: Pasid;
  grpid: GrpId;
  code: RespCode;
}

/**
 * iommu_page_response(dev, msg), v5.13: under fault_param->lock, the first pending LAST event with
 * the same grpid (and, if the request needs a PASID, a response PASID equal to it) is answered
 * through ops->page_response and freed. An empty list ("no pending PRQ, drop response") or no
 * match gives -EINVAL and nothing reaches the device.
 */
export function iommu_page_response(d: Draft<State>, dev: DeviceId, msg: IommuPageResponse): 0 | '-EINVAL' {
  const fparam = d.dev_iommu[dev]!.fault_param;
  if (!fparam) return '-EINVAL';
  if (fparam.faults.length === 0) return '-EINVAL';
  const i = fparam.faults.findIndex((evt) => {
    if (evt.grpid !== msg.grpid) return false;
    const needsPasid = hasFlag(evt.flags, IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID);
    return !(needsPasid && (!msg.pasid_valid || msg.pasid !== evt.pasid));
  });
  if (i < 0) return '-EINVAL';
  const evt = fparam.faults[i]!;
  if (evt.freed) d.ghost.faultDataUseAfterFree = true;
  const needsPasid = hasFlag(evt.flags, IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID);
  ops_page_response(d, dev, evt, { ...msg, pasid: needsPasid ? msg.pasid : (0 as Pasid) });
  fparam.faults.splice(i, 1);
  return 0;
}

/**
 * ops->page_response: the IOMMU driver sends the PRG response (CMD_PRI_RESP), fire and forget; for a
 * stall master of the event queue, arm_smmu_page_response's CMD_RESUME.
 */
export function ops_page_response(d: Draft<State>, dev: DeviceId, evt: IommuFault, msg: IommuPageResponse): void {
  if (isStallMaster(d, dev)) {
    arm_smmu_page_response(d, dev, msg.grpid);
    return;
  }
  pci_prg_response(d, dev, { grpid: msg.grpid, pasid: msg.pasid, code: msg.code, private_data: evt.private_data });
}
