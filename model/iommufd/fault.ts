// drivers/iommu/iommufd/fault.c as of v6.11: the iommufd fault object (07838f7fd529 "iommufd: Add
// iommufd fault object", its series' attach/detach b7d8833677ba, and "iommufd: Add check on user
// response code", Fixes: 07838f7fd529), put on the baseline's report path (kernel-notes 1a.5).
//
// iommufd_fault_iopf_handler appends a group to fault->deliver. read() takes whole groups from the
// head, gives each a cookie (xa_alloc into fault->response, lowest free index from 1) and copies its
// faults out. write() answers one cookie: the code must be SUCCESS or INVALID, the cookie must name
// a group (xa_erase), then iopf_group_response + iopf_free_group; anything else is -EINVAL and
// changes nothing. Detaching the HWPT (iommufd_auto_response_faults) answers INVALID every group of
// that attach handle still in deliver or in response, and frees it.
//
// Put on the baseline: the report is v5.13's iommu_report_device_fault (pending LAST copy in
// fault_param, the IOMMU driver answers FAILURE when it fails), with the domain's handler looked up
// for the LAST: the device's attach handle, as find_fault_handler does. The response is v5.13's
// iopf_complete_group (matching by grpid and PASID). So the verdict isolates the delivery to user
// space. The report is one atomic step, as in the baseline: the IOMMU driver drains its report path
// when the domain is switched ("the pending page faults have been flushed", kdoc of
// iommu_report_device_fault), so a report never holds a handle across a detach.
//
// Left out: a copy_to_user failure in read() (as merged, 07838f7fd529 list_del()s the group after
// erasing its cookie, so nothing answers it before iopf_queue_remove_device does; 3d49020a327c put it
// back on deliver); poll(); fault->mutex against the IRQ thread (a performance matter, 3d49020a327c);
// replacing a HWPT (detach then attach as far as faults go); closing the fd.
import type { Draft } from 'immer';
import { iommu_handle_iopf, reportVia, type IopfHandler } from '../io-pgfault/attach-handle.ts';
import { iopf_complete_group } from '../io-pgfault/worker.ts';
import type { IommuFault } from '../iommu/state.ts';
import type { IopfGroup } from '../io-pgfault/state.ts';
import type { State } from '../state.ts';
import type { RespCode } from '../types.ts';
import type { DeviceId } from '../ids.ts';
import type { IommufdState } from './state.ts';

/** The codes write() accepts (include/uapi/linux/iommufd.h enum iommufd_page_response_code). */
export const USER_CODES: readonly RespCode[] = ['SUCCESS', 'INVALID'];
export const validUserCode = (code: RespCode): boolean => USER_CODES.includes(code);

/** find_fault_handler: the fault-capable HWPT's attach handle, installed while the VMM has it attached. */
export function hasAttachHandle(s: IommufdState, dev: DeviceId): boolean {
  return s.iommufd.hwpt[dev] === 'attached';
}

/** iommufd_fault_iopf_handler(group): list_add_tail to fault->deliver, wake up the reader. */
export function iommufd_fault_iopf_handler(d: Draft<IommufdState>, group: IopfGroup): 0 {
  d.iommufd.deliver.push(group);
  return 0;
}

/** The fault-capable HWPT's handler while its attach handle is installed (find_fault_handler). */
const findHandler = (s: State, fault: IommuFault): IopfHandler | null =>
  hasAttachHandle(s as IommufdState, fault.dev) ? (d, group) => iommufd_fault_iopf_handler(d as Draft<IommufdState>, group) : null;

/** iommu_report_device_fault (v5.13 shape) handing a LAST request's group to the attach handle. */
export const iommufdReport = reportVia((d, fault, alloc) => iommu_handle_iopf(d, fault, alloc, findHandler));

/** iopf_group_response(group, code) + iopf_free_group(group). */
function respond(d: Draft<IommufdState>, group: IopfGroup, code: RespCode): void {
  iopf_complete_group(d, group.dev, group.last_fault, code);
}

/**
 * iommufd_fault_fops_read with a buffer that holds the first `n` groups whole (a buffer of any size
 * takes some such prefix): for each, xa_alloc the lowest free cookie into fault->response, copy the
 * faults out, list_del from deliver.
 */
export function iommufd_fault_fops_read(d: Draft<IommufdState>, n: number): void {
  const f = d.iommufd;
  for (let i = 0; i < n && f.deliver.length > 0; i++) {
    const group = f.deliver.shift()!;
    f.response[f.response.findIndex((g) => g === null)] = group;
  }
}

/**
 * iommufd_fault_fops_write of one struct iommu_hwpt_page_response {cookie, code}. `checkCode` is the
 * check "iommufd: Add check on user response code" added; 07838f7fd529 as first merged lacks it.
 */
export function iommufd_fault_fops_write(d: Draft<IommufdState>, cookie: number, code: RespCode, checkCode: boolean): 0 | '-EINVAL' {
  const f = d.iommufd;
  if (checkCode && !validUserCode(code)) return '-EINVAL';
  const group = f.response[cookie - 1];
  if (!group) return '-EINVAL';
  f.response[cookie - 1] = null;
  if (!validUserCode(code)) f.badUserCode = true;
  respond(d, group, code);
  return 0;
}

/** iommufd_auto_response_faults(hwpt, handle): INVALID for the handle's groups in deliver, then in response. */
export function iommufd_auto_response_faults(d: Draft<IommufdState>, dev: DeviceId): void {
  const f = d.iommufd;
  const kept: IopfGroup[] = [];
  for (const group of f.deliver) {
    if (group.dev !== dev) {
      kept.push(group);
      continue;
    }
    respond(d, group, 'INVALID');
    f.autoResponded = true;
  }
  f.deliver = kept;
  f.response.forEach((group, i) => {
    if (!group || group.dev !== dev) return;
    f.response[i] = null;
    respond(d, group, 'INVALID');
    f.autoResponded = true;
  });
}
