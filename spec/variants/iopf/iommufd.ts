// The iommufd fault object on the baseline (kernel-notes 1a.5; model/iommufd/): shared by the
// iommufd-fault-object variants. What changes against the baseline:
//  - the report hands a LAST request's group to the device's attach handle (iommufd_queue_iopf):
//    onto fault->deliver while the VMM has the fault-capable HWPT attached; without the handle the
//    group is dropped with its partials and the IOMMU driver answers FAILURE, as for any report error;
//  - two user-space processes: the VMM (attach, then detach at any time) and its fault handler
//    (read / write on the fault fd, model/iommufd/user.ts); the SVA workqueue gets no work;
//  - the driver releases the PASID (iommu_sva_unbind_device) only once the HWPT is detached: in
//    iommufd the detach is the fence for the faults of that attachment, as flush is for SVA. The
//    faults the fault object still holds when a PASID is freed are marked stale, so
//    no-fault-after-pasid-free covers them too (a test drops the fence and sees it fire).
import type { Draft } from 'immer';
import type { Liveness, Model } from '../../../explorer/model.ts';
import { reportStep } from '../../../model/arm-smmu-v3/priq.ts';
import { iommufdReport } from '../../../model/iommufd/fault.ts';
import { initialIommufd, iommufdCodec, iommufdFaults, type IommufdState } from '../../../model/iommufd/state.ts';
import { faultHandlerProcess, vmmProcess } from '../../../model/iommufd/user.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { IommuFault } from '../../../model/iommu/state.ts';
import type { State } from '../../../model/state.ts';
import { IOMMU_FAULT_PAGE_REQUEST_PASID_VALID, hasFlag } from '../../../model/types.ts';
import type { Pasid } from '../../../model/ids.ts';
import type { Witness } from '../../../explorer/model.ts';
import type { PropertyEdits, StateField, StepOrFactory } from '../../../explorer/variant.ts';
import { kernelThreads, prgAnswered } from '../../invariants/liveness.ts';
import { driverSteps } from '../../../model/driver.ts';

export interface IommufdOptions {
  /** write() rejects codes other than SUCCESS and INVALID ("iommufd: Add check on user response code"). */
  readonly checkCode: boolean;
}

/** Ghost: faults the fault object holds for a PASID no device uses any more become stale. */
function markStale(d: Draft<IommufdState>, pasid: Pasid): void {
  if (pasid === 0 || d.devices.some((dev) => dev.pasid === pasid)) return;
  for (const g of [...d.iommufd.deliver, ...d.iommufd.response]) {
    if (!g) continue;
    for (const f of [...g.faults, g.last_fault] as Draft<IommuFault>[]) {
      if (f.pasid === pasid && hasFlag(f.flags, IOMMU_FAULT_PAGE_REQUEST_PASID_VALID)) f.stale = true;
    }
  }
}

/** The steps the iommufd design changes: the report's handler, and the unbind behind the detach. */
export function iommufdSteps(opts: {
  /** The driver waits for the detach before it releases the PASID (the fence); false only in tests. */
  readonly fence?: boolean;
}): Readonly<Record<string, StepOrFactory<State, IopfParams>>> {
  return {
    'priq_thread/iommu_report_device_fault': (c) =>
      reportStep(c, iommufdReport, 'iommu_report_device_fault (v5.13) with the LAST handed to the attach handle: iommufd_fault_iopf_handler'),
    'driver/iommu_sva_unbind_device': (c) => {
      const st = driverSteps(c).find((s) => s.name === 'iommu_sva_unbind_device')!;
      return {
        ...st,
        enabled: (s: State, self: number, choice: unknown) =>
          (opts.fence === false || (s as IommufdState).iommufd.hwpt[self] !== 'attached') && (st.enabled?.(s, self, choice) ?? true),
        apply: (d: Draft<State>, self: number, choice: unknown) => {
          const pasid = d.devices[self]!.pasid;
          st.apply(d, self, choice);
          markStale(d as Draft<IommufdState>, pasid);
        },
      };
    },
  };
}

/** The state the iommufd fault object adds (the variants' `state`): the fault object and the HWPTs. */
export const iommufdState: Readonly<Record<string, StateField<IopfParams>>> = {
  iommufd: { codec: iommufdCodec, init: initialIommufd },
};

/** The processes and final states the iommufd fault object adds (the variants' transform). */
export function iommufdModel(m: Model<State, IopfParams>, opts: IommufdOptions): Model<State, IopfParams> {
  return {
    ...m,
    processes: (c) => [...m.processes(c), vmmProcess(c.devices), faultHandlerProcess(opts.checkCode)],
    isFinal: (s, c) => {
      const f = (s as IommufdState).iommufd;
      return (m.isFinal?.(s, c) ?? true) && f.deliver.length === 0 && f.response.every((g) => g === null);
    },
    explainDeadlock: (s) => {
      const f = (s as IommufdState).iommufd;
      const held = f.response.flatMap((g, i) => (g ? [`cookie ${i + 1} (device ${g.dev} grpid ${g.last_fault.grpid})`] : []));
      return [
        m.explainDeadlock?.(s) ?? '',
        `iommufd: ${f.deliver.length} group(s) in deliver; awaiting a user response: ${held.join(', ') || 'none'}; hwpt ${f.hwpt.join(', ')}`,
      ].join('\n');
    },
  };
}

/**
 * With the fault object, user space answers: a group is answered while the HWPT stays attached only
 * if the VMM's fault handler reads and answers what it is given (else the detach answers for it).
 */
export const iommufdLiveness: PropertyEdits<Liveness<State, IopfParams>> = {
  replace: {
    'prg-answered': {
      ...prgAnswered,
      description: `${prgAnswered.description}, given a fault handler in user space that reads and answers what it is delivered`,
      fairness: (c) => [...kernelThreads(c), 'fault_handler'],
    },
  },
};

/** The baseline's witnesses of the SVA workqueue, which gets no work when faults go to user space. */
export const WORKQUEUE_WITNESSES = ['group-completes', 'flush-waits-for-work', 'mm-exits-under-fault'];

/** What the iommufd variants must reach instead (each guards an invariant on the new paths). */
export const iommufdWitnesses: readonly Witness<State>[] = [
  {
    name: 'user-holds-cookie',
    description: 'user space read a group and holds its cookie (guards response-code-valid, one-response-per-group)',
    source: 'kernel-notes 1a.5: read() hands out cookies, write() answers them',
    reached: (s) => (s as IommufdState).iommufd.response.some((g) => g !== null),
  },
  {
    name: 'detach-answers-faults',
    description: 'a detach answered groups still delivered or awaiting a response (guards one-response-per-group)',
    source: 'iommufd_auto_response_faults (b7d8833677ba)',
    reached: (s) => (s as IommufdState).iommufd.autoResponded,
  },
  {
    name: 'write-rejected',
    description: 'write() rejected an unknown or stale cookie, or a bad code, with -EINVAL',
    source: 'iommufd_fault_fops_write',
    reached: (s) => (s as IommufdState).iommufd.bogus === 0,
  },
  {
    name: 'fault-object-holds-pasid-fault',
    description: 'the fault object holds a fault with a PASID (guards no-fault-after-pasid-free on the user-space path)',
    source: 'seed 001 iopf_queue_flush_dev kdoc',
    reached: (s) => iommufdFaults((s as IommufdState).iommufd).some((f) => hasFlag(f.flags, IOMMU_FAULT_PAGE_REQUEST_PASID_VALID)),
  },
];
