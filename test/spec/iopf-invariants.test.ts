// Each iopf invariant fires: on the variant that breaks it (test/spec/iopf-variants.test.ts) or,
// for those no variant breaks, on a hand-made state; and each holds on the initial state.
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { faultRecord } from '../helpers/fault-record.ts';
import { initialIommufd, type IommufdState } from '../../model/iommufd/state.ts';
import { initialState } from '../../model/layout.ts';
import type { IommuFault } from '../../model/iommu/state.ts';
import type { State } from '../../model/state.ts';
import { IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE as LAST, IOMMU_FAULT_PAGE_REQUEST_PASID_VALID as PV } from '../../model/types.ts';
import { asDevice } from '../../model/ids.ts';
import {
  faultParamLifetime,
  iopfInvariants,
  noFaultAfterPasidFree,
  noResponseToFreedGroup,
  oneResponsePerGroup,
  partialListIntegrity,
  responseCodeValid,
} from '../../spec/invariants/iopf.ts';
import { smallParams } from './iopf-helpers.ts';

const s0 = initialState(smallParams);
const f = (over: Partial<IommuFault> = {}): IommuFault => faultRecord({ flags: PV | LAST, ...over });

describe('iopf invariants', () => {
  it('all hold on the initial state', () => {
    for (const inv of iopfInvariants) expect(inv.holds(s0), inv.name).toBe(true);
  });

  it('no-response-to-freed-group fires when a response is sent for a freed group', () => {
    const s = produce(s0, (d: State) => void (d.ghost.responseAfterGroupFree = true));
    expect(noResponseToFreedGroup.holds(s)).toBe(false);
  });

  it('one-response-per-group fires on a second response, and on an unexpected grpid', () => {
    expect(oneResponsePerGroup.holds(produce(s0, (d) => void (d.devices[0]!.prgs[0]!.responses = 2)))).toBe(false);
    expect(oneResponsePerGroup.holds(produce(s0, (d) => void (d.devices[0]!.uprgi = true)))).toBe(false);
  });

  it('no-fault-after-pasid-free fires when a queued group holds a request for a freed PASID', () => {
    const s = produce(s0, (d) => void (d.queue.wq = [{ dev: asDevice(0), faults: [], last_fault: f({ stale: true }), flush_color: 0 }]));
    expect(noFaultAfterPasidFree.holds(s)).toBe(false);
  });

  it('no-fault-after-pasid-free ignores a stale fault the running walk will not handle (sticky error)', () => {
    const s = produce(s0, (d) => {
      d.workers[0] = { pc: 'complete', group: { dev: asDevice(0), faults: [], last_fault: f({ stale: true }), flush_color: 0 }, cursor: 0, status: 'INVALID', mm: null };
    });
    expect(noFaultAfterPasidFree.holds(s)).toBe(true);
  });

  it('partial-list-integrity fires on a freed iopf left on a partial list', () => {
    const s = produce(s0, (d) => void (d.dev_iommu[0]!.iopf_param = { partial: [f({ freed: true, flags: PV })] }));
    expect(partialListIntegrity.holds(s)).toBe(false);
  });

  it('response-code-valid holds without a fault object, and fires when user space sent another code', () => {
    const withFd: IommufdState = { ...s0, iommufd: initialIommufd(smallParams) };
    expect(responseCodeValid.holds(withFd)).toBe(true);
    expect(responseCodeValid.holds(produce(withFd, (d) => void (d.iommufd.badUserCode = true)))).toBe(false);
  });

  it('no-fault-after-pasid-free fires on a stale fault user space may still answer', () => {
    const withFd: IommufdState = { ...s0, iommufd: initialIommufd(smallParams) };
    expect(noFaultAfterPasidFree.holds(withFd)).toBe(true);
    const stale = produce(withFd, (d) => void (d.iommufd.response[0] = { dev: asDevice(0), faults: [], last_fault: f({ stale: true }), flush_color: 0 }));
    expect(noFaultAfterPasidFree.holds(stale)).toBe(false);
  });

  it('fault-param-lifetime fires when fault data is touched after it was freed', () => {
    const s = produce(s0, (d) => void (d.ghost.faultDataUseAfterFree = true));
    expect(faultParamLifetime.holds(s)).toBe(false);
  });
});
