// CMD_RESUME, the page response of a stall master (model/arm-smmu-v3/evtq.ts), apart from the event
// thread so that iommu.c's page response (model/iommu/fault.ts) can send it without importing the
// thread that reports. drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c at blob 85e103bf021d ([PATCH v14
// 10/10], 395ad89d11fd).
import type { Draft } from 'immer';
import { prg_init, type Prg } from '../pci/endpoint.ts';
import type { State } from '../state.ts';
import type { DeviceId, GrpId } from '../ids.ts';
import { evtqOf } from './evtq-state.ts';

/**
 * The SMMU consumes CMD_RESUME: the transaction it stalled with this StreamID and STAG is retried
 * (the access may then succeed or fault again) or aborted; one matching nothing stalled is ignored.
 * The device sees RETRY as SUCCESS and ABORT as INVALID (an abort does not disable anything): either
 * way the group it waited for is answered and what it accesses next is its free choice
 * (model/device.ts), so the model keeps no record of which it was.
 */
export function arm_smmu_cmd_resume(d: Draft<State>, sid: number, stag: GrpId): void {
  for (let dev = 0; dev < evtqOf(d).masters.length; dev++) {
    if (evtqOf(d).masters[dev]!.sid !== sid) continue;
    const prg = d.devices[dev]!.prgs.find((p) => p.state === 'waiting' && p.grpid === stag);
    if (!prg) continue;
    const answered: Prg = { ...prg_init(), state: 'answered', responses: Math.min(prg.responses + 1, 2) };
    Object.assign(prg, answered);
    return;
  }
}

/**
 * arm_smmu_page_response(dev, evt, resp) (:887-923) for a stall master: CMD_RESUME with the master's
 * StreamID and the STAG, RETRY on SUCCESS, ABORT otherwise (which one acts on nothing the model
 * keeps: arm_smmu_cmd_resume). Without stall_enabled: -ENODEV.
 */
export function arm_smmu_page_response(d: Draft<State>, dev: DeviceId, grpid: GrpId): 0 | '-ENODEV' {
  const m = evtqOf(d).masters[dev]!;
  if (!m.stall_enabled) return '-ENODEV';
  arm_smmu_cmd_resume(d, m.sid, grpid);
  return 0;
}

/** Is `dev` a stall master of the event queue (the page response is then a CMD_RESUME)? */
export const isStallMaster = (s: Pick<State, 'evtq'>, dev: number): boolean => s.evtq?.masters[dev]?.stall_enabled === true;
