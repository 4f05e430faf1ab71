// The report path with the handler found per domain (seed 004: 4bb4211e48 routes a group to the
// domain's iopf_handler, 06cdcc32d657 finds it through the attach handle at report time), put on the
// v5.13 structure of the baseline: iommu_report_device_fault with its pending LAST copy and the IOMMU
// driver answering a failed LAST itself. Shared by the variants that change who handles a group
// (spec/variants/iopf/attach-handle.ts, iommufd-*.ts); `reportVia(iommu_queue_iopf)` is the
// baseline's report exactly (test/model/iopf-attach-handle.test.ts checks it).
import type { Draft } from 'immer';
import type { Errno } from '../errno.ts';
import { markReported } from '../iommu/fault.ts';
import type { IommuFault } from '../iommu/state.ts';
import type { IopfGroup } from './state.ts';
import type { State } from '../state.ts';
import { IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE, hasFlag } from '../types.ts';
import { iommu_queue_iopf, queue_work, takePartials, type AllocFailure } from './report.ts';

/** What iommu_report_device_fault hands a request to (v5.13: iommu_queue_iopf). */
export type QueueIopf = (d: Draft<State>, fault: IommuFault, alloc: AllocFailure) => 0 | Errno;

/**
 * iommu_report_device_fault (v5.13) calling `queue`: no fault_param → -EINVAL; a LAST request is
 * kmemdup'd onto the pending list first and removed again if the handler fails; on an error for a
 * LAST request the IOMMU driver completes the fault itself ("Nobody cared": the baseline's
 * arm_smmu_handle_ppr/nobody_cared step answers FAILURE).
 */
export function reportVia(queue: QueueIopf) {
  return (d: Draft<State>, fault: IommuFault, alloc: AllocFailure): void => {
    const last = hasFlag(fault.flags, IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE);
    if (last) markReported(d, fault);
    const fparam = d.dev_iommu[fault.dev]!.fault_param;
    let ret: 0 | Errno;
    if (!fparam) {
      ret = '-EINVAL';
    } else if (last && alloc === 'kmemdup') {
      ret = '-ENOMEM';
    } else {
      if (last) fparam.faults.push({ ...fault });
      ret = queue(d, fault, alloc);
      if (ret !== 0 && last) fparam.faults.pop();
    }
    if (ret !== 0 && last) d.priq.pc = 'nobody_cared';
  };
}

/** The domain's iopf_handler: takes the group (0) or refuses it. */
export type IopfHandler = (d: Draft<State>, group: IopfGroup) => 0 | Errno;

/** The SVA domain's handler (iommu_sva_handle_iopf since 17c51a0ea3): queue_work on the iopf queue. */
export const queueWorkHandler: IopfHandler = (d, group) => {
  queue_work(d, group);
  return 0;
};

/**
 * iommu_queue_iopf with the handler found per domain: a non-last request goes to the partial list
 * as in v5.13; a LAST one gathers its partials into a group (kzalloc may fail), and the handler
 * `find` returns for it gets the group; with none, the group is freed with its partials and the error
 * returned (06cdcc32d657: err_abort), so the IOMMU driver answers.
 */
export function iommu_handle_iopf(
  d: Draft<State>,
  fault: IommuFault,
  alloc: AllocFailure,
  find: (s: State, fault: IommuFault) => IopfHandler | null,
): 0 | Errno {
  if (!hasFlag(fault.flags, IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE)) return iommu_queue_iopf(d, fault, alloc);
  const iopfParam = d.dev_iommu[fault.dev]!.iopf_param;
  if (!iopfParam) return '-ENODEV';
  const faults = takePartials(iopfParam, fault.grpid);
  if (alloc === 'kzalloc') return '-ENOMEM';
  const handler = find(d as State, fault);
  if (!handler) return '-ENODEV';
  return handler(d, { dev: fault.dev, faults, last_fault: { ...fault }, flush_color: 0 });
}
