// User space around the iommufd fault object: the VMM, which attaches each device's fault-capable
// HWPT and may detach it at any time (IOMMU_HWPT_ALLOC with IOMMU_HWPT_FAULT_ID_VALID, attach,
// detach: iommufd_fault_domain_attach_dev / iommufd_fault_domain_detach_dev), and its fault handler
// thread on the fault fd (tools/testing/selftests/iommu's _test_cmd_trigger_iopf reads a fault and
// writes its cookie back). User space is untrusted: the handler may read any number of whole groups,
// answer any cookie it holds with any code, write a cookie the kernel does not know (never handed
// out, or already answered or auto-responded: stale), or never answer at all until the detach.
import { step, type AnyStep, type Process } from '../../explorer/model.ts';
import type { State } from '../state.ts';
import { RESPONSE_CODES, type RespCode } from '../types.ts';
import type { DeviceId } from '../ids.ts';
import { iommufd_auto_response_faults, iommufd_fault_fops_read, iommufd_fault_fops_write, validUserCode } from './fault.ts';
import type { IommufdState } from './state.ts';

/** The driver labels during which the VMM may attach: IOPF enabled, before the PASID is released. */
const ATTACH_WINDOW: readonly string[] = ['bind', 'stop', 'flush_priq', 'flush_dev', 'flush_wait'];

export interface UserWrite {
  readonly cookie: number;
  readonly code: RespCode;
}

/** The writes user space may make: every cookie it holds with every code, and one unknown cookie. */
export function writeChoices(s: IommufdState, checkCode: boolean): UserWrite[] {
  const f = s.iommufd;
  const out: UserWrite[] = [];
  f.response.forEach((g, i) => {
    if (!g) return;
    for (const code of RESPONSE_CODES) {
      // A write the kernel rejects changes nothing but the remaining budget of such writes.
      if (checkCode && !validUserCode(code) && f.bogus === 0) continue;
      out.push({ cookie: i + 1, code });
    }
  });
  const unknown = f.response.findIndex((g) => g === null);
  if (f.bogus > 0 && unknown >= 0) out.push({ cookie: unknown + 1, code: 'SUCCESS' });
  return out;
}

/** The user-space fault handler: read() and write() on the fault fd. */
export function faultHandlerProcess(checkCode: boolean): Process<State> {
  const steps: AnyStep<IommufdState>[] = [
    step<IommufdState, number>({
      name: 'iommufd_fault_fops_read',
      doc: 'iommufd fault.c read(): under fault->mutex, whole groups from the head of deliver, each given a cookie in fault->response',
      choices: (s) => Array.from({ length: s.iommufd.deliver.length }, (_, i) => i + 1),
      apply: (d, _self, n) => iommufd_fault_fops_read(d, n),
      showChoice: (n) => `${n} group${n === 1 ? '' : 's'}`,
    }),
    step<IommufdState, UserWrite>({
      name: 'iommufd_fault_fops_write',
      doc: 'iommufd fault.c write(): under fault->mutex, check the code, xa_erase(cookie), iopf_group_response, iopf_free_group; -EINVAL otherwise',
      choices: (s) => writeChoices(s, checkCode),
      apply: (d, _self, w) => {
        if (iommufd_fault_fops_write(d, w.cookie, w.code, checkCode) !== 0) d.iommufd.bogus--;
      },
      showChoice: (w) => `cookie ${w.cookie} ${w.code}`,
    }),
  ];
  return { name: 'fault_handler', instances: 1, pc: () => 'running', steps: steps as AnyStep<State>[] };
}

/** The VMM, one per device: attach the fault-capable HWPT, detach it (at any time after). */
export function vmmProcess(devices: number): Process<State> {
  const steps: AnyStep<IommufdState>[] = [
    step<IommufdState>({
      name: 'iommufd_hwpt_attach_device',
      at: 'unattached',
      doc: 'IOMMU_HWPT_ALLOC(fault_id) + attach: iommu_attach_group_handle installs the attach handle (IOPF already enabled)',
      enabled: (s, self) => {
        const di = s.dev_iommu[self]!;
        return di.fault_param !== null && di.iopf_param !== null && ATTACH_WINDOW.includes(s.drivers[self]!);
      },
      apply: (d, self) => {
        d.iommufd.hwpt[self] = 'attached';
      },
    }),
    step<IommufdState>({
      name: 'iommufd_hwpt_detach_device',
      at: 'attached',
      doc: 'iommufd_fault_domain_detach_dev: iommu_detach_group_handle, then iommufd_auto_response_faults (INVALID for every delivered or unanswered group)',
      apply: (d, self) => {
        d.iommufd.hwpt[self] = 'detached';
        iommufd_auto_response_faults(d, self as DeviceId);
      },
    }),
  ];
  return {
    name: 'vmm',
    instances: devices,
    pc: (s, self) => (s as IommufdState).iommufd.hwpt[self]!,
    steps: steps as AnyStep<State>[],
  };
}
