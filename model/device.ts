// The PCIe endpoint with PRI (PCIe 4.0 section 10.4, as the seeds use it): it issues page request
// groups of 1..F requests sharing a grpid, the last one flagged LAST_PAGE, each with PASID_VALID
// and its PASID (or without a PASID, on the RID), a permission and an address; it waits for exactly
// one response per group. SUCCESS: the access is retried (it may succeed, or fault again, which is
// the device issuing another group for the same address, as in seed001-killed-process.log);
// INVALID: the device gives that access up; FAILURE: the function stops issuing page requests
// (Response Failure disables PRI). The endpoint's receipt of a response is model/pci/prg-response.ts.
//
// The requests of one group are posted back to back (one group at a time per device), so they
// interleave with other devices' requests and with the IRQ thread, but not with another group of
// the same device. The device picks the lowest grpid not outstanding (PRG indexes are reused once
// answered) and puts its group's position (seq) in private_data, which responses must carry back.
// Left out: ATS translation requests and the DMA itself (a fault is the only thing the model needs
// of an access), the Stopped bit of the PRI status register.
import type { IopfParams } from './params.ts';
import { accessTable } from './sva/pasid.ts';
import type { HwqEntry } from './arm-smmu-v3/priq-state.ts';
import { prg_init } from './pci/endpoint.ts';
import type { IommuFault } from './iommu/state.ts';
import type { State } from './state.ts';
import {
  IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE,
  IOMMU_FAULT_PAGE_REQUEST_PASID_VALID,
  IOMMU_FAULT_PAGE_REQUEST_PRIV_DATA,
  IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID,
} from './types.ts';
import { asGrpId, asPasid, asSeq, type DeviceId, type Pasid } from './ids.ts';
import { step, type AnyStep } from '../explorer/model.ts';
import { postToHwq } from './arm-smmu-v3/priq.ts';

/** What the device may post next: continue its group, or start one (on its PASID or on the RID). */
export interface IssueChoice {
  /** Index into ACCESS_TABLE. */
  access: number;
  last: boolean;
  /** For a new group: its PASID (0: no PASID). Ignored when continuing a group. */
  pasid: Pasid;
}

/** Whether the next request of a group with `sent` sent may be its last, must be, or may not be. */
function lastsAfter(c: IopfParams, sent: number): readonly boolean[] {
  return sent + 1 >= c.requests ? LAST_ONLY : LAST_OR_NOT;
}
const LAST_ONLY = [true] as const;
const LAST_OR_NOT = [false, true] as const;

export function issueChoices(c: IopfParams, s: State, dev: number): IssueChoice[] {
  const device = s.devices[dev]!;
  if (device.pri !== 'on' || device.dma_stopped) return [];
  const sending = device.prgs.find((p) => p.state === 'sending');
  const out: IssueChoice[] = [];
  if (sending) {
    for (let a = 0; a < accessTable(c).length; a++) for (const last of lastsAfter(c, sending.sent)) out.push({ access: a, last, pasid: sending.pasid });
    return out;
  }
  if (!device.prgs.some((p) => p.state === 'unused')) return [];
  const pasids: Pasid[] = [];
  if (device.pasid !== 0) pasids.push(device.pasid);
  if (c.ridRequests) pasids.push(asPasid(0));
  for (const pasid of pasids) {
    for (let a = 0; a < accessTable(c).length; a++) for (const last of lastsAfter(c, 0)) out.push({ access: a, last, pasid });
  }
  return out;
}

export function deviceSteps(c: IopfParams): AnyStep<State>[] {
  return [
    step<State, IssueChoice>({
      name: 'pci_page_request',
      doc: 'the endpoint posts one Page Request (a TLP to the IOMMU\'s PRI queue); LAST_PAGE ends its group',
      source: 'hardware',
      locks: 'none (the endpoint)',
      choices: (s, self) => issueChoices(c, s, self),
      apply: (d, self, choice) => {
        const device = d.devices[self]!;
        let seq = device.prgs.findIndex((p) => p.state === 'sending');
        if (seq < 0) {
          seq = device.prgs.findIndex((p) => p.state === 'unused');
          const busy = new Set(device.prgs.filter((p) => p.state === 'sending' || p.state === 'waiting').map((p) => p.grpid));
          let grpid = 0;
          while (busy.has(asGrpId(grpid))) grpid++;
          device.prgs[seq] = { ...prg_init(), state: 'sending', grpid: asGrpId(grpid), pasid: choice.pasid };
        }
        const prg = device.prgs[seq]!;
        const access = accessTable(c)[choice.access]!;
        let flags = IOMMU_FAULT_PAGE_REQUEST_PRIV_DATA;
        if (prg.pasid !== 0) flags |= IOMMU_FAULT_PAGE_REQUEST_PASID_VALID | IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID;
        if (choice.last) flags |= IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE;
        const fault: IommuFault = {
          dev: self as DeviceId,
          flags,
          pasid: prg.pasid,
          grpid: prg.grpid,
          perm: access.perm,
          addr: access.addr,
          private_data: seq,
          seq: asSeq(seq),
          stale: false,
          freed: false,
        };
        prg.sent++;
        if (choice.last) {
          // The group is whole: the endpoint counts nothing more until the response (Prg.sent).
          prg.state = 'waiting';
          prg.sent = 0;
        }
        const entry: HwqEntry = { kind: 'ppr', fault };
        postToHwq(d, entry, c.queue);
      },
      showChoice: (ch) => `${ch.last ? 'LAST ' : ''}${accessTable(c)[ch.access]!.why.split(':')[0]} pasid ${ch.pasid}`,
    }),
  ];
}
