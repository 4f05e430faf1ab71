// Step-level tests of the iommufd fault object (model/iommufd/): the report into fault->deliver,
// read() and its cookies, write() and its -EINVAL cases, the detach's auto-response, the codec.
import { produce, type Draft } from 'immer';
import { describe, expect, it } from 'vitest';
import { faultRecord } from '../helpers/fault-record.ts';
import { decodeFromArray, encodeToArray } from '../../explorer/codec.ts';
import {
  iommufdReport,
  iommufd_auto_response_faults,
  iommufd_fault_fops_read,
  iommufd_fault_fops_write,
} from '../../model/iommufd/fault.ts';
import { BOGUS_WRITES, initialIommufd, iommufdCodec, type IommufdState } from '../../model/iommufd/state.ts';
import { extendRecord } from '../../explorer/codec.ts';
import { writeChoices } from '../../model/iommufd/user.ts';
import { initialState, stateCodec } from '../../model/layout.ts';
import { iopfParams } from '../../model/params.ts';
import type { IommuFault } from '../../model/iommu/state.ts';
import type { IopfGroup } from '../../model/io-pgfault/state.ts';
import {
  IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE as LAST,
  IOMMU_FAULT_PAGE_REQUEST_PASID_VALID as PV,
  IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID as NP,
} from '../../model/types.ts';
import { asDevice, asGrpId, asPasid, asSeq } from '../../model/ids.ts';

const c = iopfParams.parse({ devices: 2 });

const fault = (over: Partial<IommuFault> = {}): IommuFault => faultRecord({ flags: PV | NP | LAST, ...over });
const group = (over: Partial<IommuFault> = {}): IopfGroup => ({ dev: over.dev ?? asDevice(0), faults: [], last_fault: fault(over), flush_color: 0 });

/** Both devices with IOPF enabled and their HWPT attached; device 0 waits for groups #0 (grpid 0) and #1 (grpid 1). */
function ready(): IommufdState {
  const s: IommufdState = { ...initialState(c), iommufd: initialIommufd(c) };
  return produce(s, (d) => {
    for (const i of [0, 1]) {
      d.dev_iommu[i] = { lock: false, fault_param: { faults: [] }, iopf_param: { partial: [] } };
      d.devices[i]!.pri = 'on';
      d.iommufd.hwpt[i] = 'attached';
    }
    d.devices[0]!.prgs = d.devices[0]!.prgs.map((p, seq) => ({ ...p, state: 'waiting', grpid: asGrpId(seq), pasid: asPasid(1) }));
    d.dev_iommu[0]!.fault_param!.faults = [fault(), fault({ grpid: asGrpId(1), seq: asSeq(1), private_data: 1 })];
  });
}

const edit = (s: IommufdState, fn: (d: Draft<IommufdState>) => unknown): IommufdState =>
  produce(s, (d) => {
    fn(d);
  });

describe('iommu_report_device_fault into the fault object', () => {
  it('queues a LAST request\'s group on fault->deliver, with its partials, while the HWPT is attached', () => {
    const s = edit(ready(), (d) => {
      d.dev_iommu[0]!.fault_param!.faults = [];
      d.dev_iommu[0]!.iopf_param!.partial = [fault({ flags: PV | NP, addr: 1 })];
      iommufdReport(d, fault(), 'none');
    });
    expect(s.iommufd.deliver).toHaveLength(1);
    expect(s.iommufd.deliver[0]!.faults.map((f) => f.addr)).toEqual([1]);
    expect(s.dev_iommu[0]!.fault_param!.faults).toHaveLength(1);
    expect(s.priq.pc).toBe('idle');
  });

  it('without the attach handle drops the group and its partials; the IOMMU driver answers', () => {
    const s = edit(ready(), (d) => {
      d.dev_iommu[0]!.fault_param!.faults = [];
      d.iommufd.hwpt[0] = 'detached';
      d.dev_iommu[0]!.iopf_param!.partial = [fault({ flags: PV | NP, addr: 1 })];
      iommufdReport(d, fault(), 'none');
    });
    expect(s.iommufd.deliver).toEqual([]);
    expect(s.dev_iommu[0]!.iopf_param!.partial).toEqual([]);
    expect(s.dev_iommu[0]!.fault_param!.faults).toEqual([]);
    expect(s.priq.pc).toBe('nobody_cared');
  });
});

describe('read() and write() on the fault fd', () => {
  const delivered = (): IommufdState =>
    edit(ready(), (d) => {
      d.iommufd.deliver = [group(), group({ grpid: asGrpId(1), seq: asSeq(1), private_data: 1 })];
    });

  it('read takes whole groups from the head and hands out the lowest free cookies', () => {
    let s = edit(delivered(), (d) => iommufd_fault_fops_read(d, 1));
    expect(s.iommufd.response[0]!.last_fault.grpid).toBe(0);
    expect(s.iommufd.deliver).toHaveLength(1);
    s = edit(s, (d) => iommufd_fault_fops_write(d, 1, 'SUCCESS', true));
    s = edit(s, (d) => iommufd_fault_fops_read(d, 1));
    // xa_alloc reuses the freed index: the second group gets cookie 1 again.
    expect(s.iommufd.response[0]!.last_fault.grpid).toBe(1);
  });

  it('write answers the cookie\'s group once; the same cookie again, or an unknown one, is -EINVAL', () => {
    let s = edit(delivered(), (d) => iommufd_fault_fops_read(d, 2));
    s = edit(s, (d) => expect(iommufd_fault_fops_write(d, 2, 'INVALID', true)).toBe(0));
    expect(s.devices[0]!.prgs[1]).toMatchObject({ state: 'answered', responses: 1 });
    expect(s.iommufd.response[1]).toBeNull();
    const again = edit(s, (d) => expect(iommufd_fault_fops_write(d, 2, 'SUCCESS', true)).toBe('-EINVAL'));
    expect(again).toEqual(s);
    const unknown = edit(s, (d) => expect(iommufd_fault_fops_write(d, 3, 'SUCCESS', true)).toBe('-EINVAL'));
    expect(unknown).toEqual(s);
  });

  it('a code other than SUCCESS or INVALID is -EINVAL with the check, and reaches the device without it', () => {
    const s = edit(delivered(), (d) => iommufd_fault_fops_read(d, 1));
    const checked = edit(s, (d) => expect(iommufd_fault_fops_write(d, 1, 'FAILURE', true)).toBe('-EINVAL'));
    expect(checked).toEqual(s);
    const unchecked = edit(s, (d) => expect(iommufd_fault_fops_write(d, 1, 'FAILURE', false)).toBe(0));
    expect(unchecked.iommufd.badUserCode).toBe(true);
    expect(unchecked.devices[0]!.pri).toBe('failed');
  });

  it('offers rejected writes only while the budget lasts, so a stall stays a state with no step', () => {
    const s = edit(delivered(), (d) => iommufd_fault_fops_read(d, 1));
    expect(writeChoices(s, true)).toEqual([
      { cookie: 1, code: 'SUCCESS' },
      { cookie: 1, code: 'INVALID' },
      { cookie: 1, code: 'FAILURE' },
      { cookie: 2, code: 'SUCCESS' },
    ]);
    const spent = edit(s, (d) => void (d.iommufd.bogus = 0));
    expect(writeChoices(spent, true)).toEqual([
      { cookie: 1, code: 'SUCCESS' },
      { cookie: 1, code: 'INVALID' },
    ]);
    expect(writeChoices(spent, false).map((w) => w.code)).toEqual(['SUCCESS', 'INVALID', 'FAILURE']);
    expect(BOGUS_WRITES).toBeGreaterThan(0);
  });
});

describe('iommufd_auto_response_faults at detach', () => {
  it('answers INVALID the device\'s groups in deliver and in response, and leaves other devices\' alone', () => {
    let s = edit(ready(), (d) => {
      d.iommufd.deliver = [group(), group({ dev: asDevice(1) })];
      d.iommufd.response[2] = group({ grpid: asGrpId(1), seq: asSeq(1), private_data: 1 });
    });
    s = edit(s, (d) => iommufd_auto_response_faults(d, asDevice(0)));
    // INVALID: the groups are answered and PRI stays on (a FAILURE would have disabled it).
    expect(s.devices[0]!.prgs.map((p) => p.state)).toEqual(['answered', 'answered']);
    expect(s.devices[0]!.pri).toBe('on');
    expect(s.iommufd.deliver.map((g) => g.dev)).toEqual([1]);
    expect(s.iommufd.response.every((g) => g === null)).toBe(true);
    expect(s.iommufd.autoResponded).toBe(true);
    // A cookie user space still holds is now stale: its write is -EINVAL.
    s = edit(s, (d) => expect(iommufd_fault_fops_write(d, 3, 'SUCCESS', true)).toBe('-EINVAL'));
  });
});

describe('the iommufd slice encoding', () => {
  it('round-trips after the baseline\'s encoding', () => {
    const codec = extendRecord(stateCodec(c), { iommufd: iommufdCodec(c) });
    const s = edit(ready(), (d) => {
      d.iommufd.deliver = [group()];
      d.iommufd.response[1] = group({ dev: asDevice(1) });
      d.iommufd.bogus = 0;
    });
    expect(decodeFromArray(codec, encodeToArray(codec, s))).toEqual(s);
  });
});
