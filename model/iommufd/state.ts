// The iommufd fault object's slice of the state (drivers/iommu/iommufd/fault.c, 07838f7fd529 and
// its series, v6.11; kernel-notes 1a.5), and the VMM's HWPT attachment per device. It is not part of
// model/state.ts: only the iommufd variants (spec/variants/iopf/iommufd-*.ts) carry it, as a variant
// state field encoded after the baseline's, so the baseline's layout and state counts are untouched.
import { array, bool, int, list, literal, nullable, record, type Codec } from '../../explorer/codec.ts';
import type { IopfParams } from '../params.ts';
import type { IommuFault } from '../iommu/state.ts';
import { groupCodec, type IopfGroup } from '../io-pgfault/state.ts';
import type { State } from '../state.ts';

/** The VMM's view of one device: its fault-capable HWPT not attached yet, attached, or detached. */
export const HWPT_PCS = ['unattached', 'attached', 'detached'] as const;
export type HwptPc = (typeof HWPT_PCS)[number];

/**
 * How many writes the kernel rejects (-EINVAL: an unknown or stale cookie, or a code other than
 * SUCCESS/INVALID) user space may make in a run. A rejected write changes nothing in the kernel; the
 * bound keeps it from being a step that is always enabled, which would hide every stall.
 */
export const BOGUS_WRITES = 1;

/** struct iommufd_fault (the parts the model needs) plus the attach state and two ghost fields. */
export interface IommufdFault {
  /** fault->deliver: groups iommufd_fault_iopf_handler queued for read(), in list order. */
  deliver: IopfGroup[];
  /**
   * fault->response, an xarray allocated from 1 (XA_FLAGS_ALLOC1): the group read() handed cookie k
   * out for sits at index k - 1; null where no group holds that cookie.
   */
  response: (IopfGroup | null)[];
  /** Per device: the VMM's fault-capable HWPT (its attach handle is installed while 'attached'). */
  hwpt: HwptPc[];
  /** Rejected writes user space may still make (see BOGUS_WRITES). */
  bogus: number;
  /** Ghost: write() passed a code other than SUCCESS or INVALID to iopf_group_response. */
  badUserCode: boolean;
  /** Ghost: a detach answered a group that was still delivered or awaiting a response. */
  autoResponded: boolean;
}

export interface IommufdState extends State {
  iommufd: IommufdFault;
}

/** The iommufd slice of a state, or undefined for a state of a model without the fault object. */
export const iommufdOf = (s: State): IommufdFault | undefined => (s as Partial<IommufdState>).iommufd;

/** Groups outstanding at once: at most `groups` per device (a PRG index is reused only once answered). */
export const responseSlots = (c: IopfParams): number => c.devices * c.groups;

export function iommufdCodec(c: IopfParams): Codec<IommufdFault> {
  const group = groupCodec(c);
  return record<IommufdFault>({
    deliver: list(responseSlots(c), group),
    response: array(responseSlots(c), nullable(group)),
    hwpt: array(c.devices, literal(HWPT_PCS)),
    bogus: int(0, BOGUS_WRITES),
    badUserCode: bool,
    autoResponded: bool,
  });
}

export function initialIommufd(c: IopfParams): IommufdFault {
  return {
    deliver: [],
    response: Array.from({ length: responseSlots(c) }, () => null),
    hwpt: Array.from({ length: c.devices }, () => 'unattached' as const),
    bogus: BOGUS_WRITES,
    badUserCode: false,
    autoResponded: false,
  };
}

/** Every fault record the fault object holds: delivered groups and groups awaiting a response. */
export function iommufdFaults(f: IommufdFault): IommuFault[] {
  const out: IommuFault[] = [];
  for (const g of [...f.deliver, ...f.response]) if (g) out.push(...g.faults, g.last_fault);
  return out;
}
