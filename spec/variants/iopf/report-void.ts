// The report path after b554e396e5 / 3dfa64aecb ("iommu_report_device_fault() return void"), put
// on the v5.13 structure of the baseline: the core answers the faults it cannot queue, the IOMMU
// driver no longer does ("Nobody cared" was deleted). Shared by the report-fault-void family of
// variants; each one says which part of it differs. The refcount and the domain lookup of the 2024
// code are not modelled here: "no fault-capable domain" is the device without fault data.
import type { Draft } from 'immer';
import { markReported, ops_page_response } from '../../../model/iommu/fault.ts';
import { queue_work, type AllocFailure } from '../../../model/io-pgfault/report.ts';
import type { IommuFault } from '../../../model/iommu/state.ts';
import type { State } from '../../../model/state.ts';
import type { Model } from '../../../explorer/model.ts';
import type { IopfParams } from '../../../model/params.ts';
import { reportEvtStep } from '../../../model/arm-smmu-v3/evtq.ts';
import { IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE, hasFlag } from '../../../model/types.ts';

export interface ReportOptions {
  /** fca5b78511's bug: the `return` after report_partial_fault is missing. */
  readonly lostReturn: boolean;
  /** b58b133e68's fix: without fault data, answer the page request INVALID (iopf_error_response). */
  readonly errorResponse: boolean;
}

/** report_partial_fault: kzalloc an iopf (its failure is only logged) and list_add it to partial. */
function reportPartial(d: Draft<State>, fault: IommuFault, alloc: AllocFailure): void {
  const p = d.dev_iommu[fault.dev]!.iopf_param!;
  if (alloc !== 'none') return;
  p.partial.unshift({ ...fault });
}

/**
 * iopf_group_alloc + the handler: the group's faults are moved off the partial list and it goes on
 * the pending list; if the group cannot be allocated, the on-stack abort_group is answered FAILURE.
 */
function reportGroup(d: Draft<State>, fault: IommuFault, alloc: AllocFailure): void {
  const di = d.dev_iommu[fault.dev]!;
  const p = di.iopf_param!;
  const faults: IommuFault[] = [];
  const kept: IommuFault[] = [];
  for (const iopf of p.partial) {
    if (iopf.grpid === fault.grpid) faults.unshift(iopf);
    else kept.push(iopf);
  }
  p.partial = kept;
  if (alloc !== 'none') {
    // err_abort: iopf_group_response(abort_group, FAILURE), the group still pending.
    ops_page_response(d, fault.dev, fault, { pasid_valid: false, pasid: fault.pasid, grpid: fault.grpid, code: 'FAILURE' });
    return;
  }
  di.fault_param!.faults.push({ ...fault });
  queue_work(d, { dev: fault.dev, faults, last_fault: { ...fault }, flush_color: 0 });
}

/**
 * The void report on the event queue's path (iopf-evtq): arm_smmu_handle_evt's "Nobody cared" went
 * with 3dfa64aecb, so the thread answers nothing itself; the steps of the priq_thread are the PRI
 * configs' (the variants replace those by name).
 */
export function onEvtq(opts: ReportOptions): (m: Model<State, IopfParams>) => Model<State, IopfParams> {
  const report = reportVoid(opts);
  return (m) => ({
    ...m,
    processes: (c) =>
      m.processes(c).map((p) =>
        p.name !== 'evtq_thread'
          ? p
          : {
              ...p,
              steps: p.steps.map((s) =>
                s.name === 'arm_smmu_handle_evt/iommu_report_device_fault'
                  ? reportEvtStep(c, { acrossReport: true }, (d, fault, alloc) => {
                      report(d, fault, alloc);
                      return 'done';
                    })
                  : s,
              ),
            },
      ),
  });
}

export function reportVoid(opts: ReportOptions) {
  return (d: Draft<State>, fault: IommuFault, alloc: AllocFailure): void => {
    const last = hasFlag(fault.flags, IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE);
    if (last) markReported(d, fault);
    const di = d.dev_iommu[fault.dev]!;
    if (!di.fault_param || !di.iopf_param) {
      // 3dfa64aecb: `if (WARN_ON(!iopf_param)) return;` — nobody answers.
      // b58b133e68: err_bad_iopf → iopf_error_response(dev, evt) for every PAGE_REQ.
      if (opts.errorResponse) {
        ops_page_response(d, fault.dev, fault, { pasid_valid: false, pasid: fault.pasid, grpid: fault.grpid, code: 'INVALID' });
      }
      return;
    }
    if (!last) {
      reportPartial(d, fault, alloc);
      if (!opts.lostReturn) return;
      // fca5b78511: "the return was accidently deleted which results in trying to process the fault"
      reportGroup(d, fault, 'none');
      return;
    }
    reportGroup(d, fault, alloc);
  };
}
