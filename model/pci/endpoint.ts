// The PCIe endpoint's data (its steps: model/device.ts): the PRI capability state, the PASID its
// driver gave it, its page request groups, and the WARN_ONs of drivers/pci/ats.c it recorded.
import { array, bool, brandedInt, int, labelSet, literal, record, type Codec } from '../../explorer/codec.ts';
import { vocabulary } from '../../explorer/vocabulary.ts';
import type { IopfParams } from '../params.ts';
import { asGrpId, asPasid, type GrpId, type Pasid } from '../ids.ts';

export const PRG_STATES = ['unused', 'sending', 'waiting', 'answered'] as const;
export type PrgState = (typeof PRG_STATES)[number];

/** The endpoint's view of one page request group (PRG), plus ghost counts for the invariants. */
export interface Prg {
  state: PrgState;
  grpid: GrpId;
  pasid: Pasid;
  /**
   * Requests of this group posted so far, while it is `sending`: once its LAST request is posted the
   * endpoint counts nothing more, and the count goes (a count kept there would tell apart states
   * that nothing reads the difference of).
   */
  sent: number;
  /** Ghost: responses the IOMMU side sent meaning this group (by the private data they carry). */
  responses: number;
  /** Ghost: the group's LAST request went through iommu_report_device_fault. */
  reported: boolean;
  /** Ghost: the LAST request was lost to an overflow and the SMMU answered it itself. */
  autoResponded: boolean;
}

export const PRI_STATES = ['off', 'on', 'failed'] as const;
export type PriState = (typeof PRI_STATES)[number];

/** The WARN_ONs of drivers/pci/ats.c (model/pci/ats.ts) a function records. */
export const PCI_WARNINGS = ['pci_disable_pri-disabled', 'pci_enable_pri-enabled'] as const;
export type PciWarning = (typeof PCI_WARNINGS)[number];

/** The PCIe endpoint: PRI capability state, the PASID its driver gave it, its page request groups. */
export interface Device {
  /** 'failed': a Response Failure was received; the function issues no more page requests. */
  pri: PriState;
  /** The PASID the device driver programmed for its DMA (0: none). */
  pasid: Pasid;
  /** The driver stopped the device's DMA and its PASID: no new page request group starts. */
  dma_stopped: boolean;
  prgs: Prg[];
  /** PRI status "Unexpected Page Request Group Index": a response matched no outstanding group. */
  uprgi: boolean;
  /** The WARN_ONs of drivers/pci/ats.c for this function (model/pci/ats.ts), sorted. */
  warnings: PciWarning[];
}

function prgCodec(c: IopfParams): Codec<Prg> {
  return record<Prg>({
    state: literal(PRG_STATES),
    grpid: brandedInt<GrpId>(0, c.groups - 1),
    pasid: brandedInt<Pasid>(0, c.pasids),
    sent: int(0, c.requests),
    responses: int(0, 2),
    reported: bool,
    autoResponded: bool,
  });
}

export function deviceCodec(c: IopfParams): Codec<Device> {
  return record<Device>({
    pri: literal(PRI_STATES),
    pasid: brandedInt<Pasid>(0, c.pasids),
    dma_stopped: bool,
    prgs: array(c.groups, prgCodec(c)),
    uprgi: bool,
    warnings: labelSet(vocabulary(c, 'pci_warning', PCI_WARNINGS)),
  });
}

/** A PRG index never used, or one a new group takes (before its grpid, PASID and state are set). */
export const prg_init = (): Prg => ({
  state: 'unused',
  grpid: asGrpId(0),
  pasid: asPasid(0),
  sent: 0,
  responses: 0,
  reported: false,
  autoResponded: false,
});

export function device_init(c: IopfParams): Device {
  return {
    pri: 'off',
    pasid: asPasid(0),
    dma_stopped: false,
    prgs: Array.from({ length: c.groups }, prg_init),
    uprgi: false,
    warnings: [],
  };
}
