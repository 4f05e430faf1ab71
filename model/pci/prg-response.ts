// The PCIe endpoint with PRI receiving a PRG response (PCIe 4.0 section 10.4.2, as the seeds use
// it): the response is matched to the outstanding group by grpid. SUCCESS: the access is retried (it
// may succeed, or fault again: model/device.ts issues another group); INVALID: the device gives that
// access up; FAILURE: the function stops issuing page requests (Response Failure disables PRI). A
// response whose grpid matches no outstanding group sets the "Unexpected Page Request Group Index"
// status bit. Its own module, apart from the requests the endpoint issues (model/device.ts), so that
// the IOMMU side that answers (model/iommu/fault.ts, model/arm-smmu-v3/priq.ts) and the endpoint that
// posts into the PRI queue do not import each other.
// Left out: the Stopped bit of the PRI status register.
import type { Draft } from 'immer';
import { asGrpId, asPasid, type DeviceId, type GrpId, type Pasid } from '../ids.ts';
import type { State } from '../state.ts';
import type { RespCode } from '../types.ts';

/** A PRG response as the endpoint receives it: CMD_PRI_RESP / page group response descriptor. */
export interface PrgResponse {
  grpid: GrpId;
  pasid: Pasid;
  code: RespCode;
  private_data: number;
}

/**
 * The endpoint receives a PRG response and matches it by grpid. Ghost: the private data the response
 * carries back names the group the IOMMU side really answered; its count feeds one-response-per-group.
 */
export function pci_prg_response(d: Draft<State>, dev: DeviceId, resp: PrgResponse): void {
  const device = d.devices[dev]!;
  const meant = device.prgs[resp.private_data];
  if (meant) {
    meant.responses = Math.min(meant.responses + 1, 2);
    if (!meant.reported && !meant.autoResponded) d.ghost.responseBeforeLast = true;
  }
  const prg = device.prgs.find((p) => p.state === 'waiting' && p.grpid === resp.grpid);
  if (!prg) {
    device.uprgi = true;
    return;
  }
  // An answered group keeps only what the invariants still read: its response count. What the
  // response said acts at once (Response Failure below, a retry or a give-up by the device's next
  // choice) and the endpoint keeps no record of it.
  prg.state = 'answered';
  prg.grpid = asGrpId(0);
  prg.pasid = asPasid(0);
  prg.reported = false;
  prg.autoResponded = false;
  if (resp.code !== 'FAILURE') return;
  // Response Failure: the function stops issuing page requests; a group it was still sending is
  // abandoned (its requests already posted stay partial until discarded or freed with iopf_param).
  device.pri = 'failed';
  for (const p of device.prgs) {
    if (p.state !== 'sending') continue;
    Object.assign(p, { state: 'answered', grpid: 0, pasid: 0, sent: 0, reported: false, autoResponded: false });
  }
}
