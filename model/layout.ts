// The canonical encoding of the I/O page fault state, field by field in the order of state.ts, and
// the initial state. Every field of State is here: the explorer decodes a fresh copy from this
// encoding before each step, so a field missing from the layout would silently be lost.
import {
  array,
  bool,
  brandedInt,
  int,
  list,
  literal,
  nullable,
  record,
  tagged,
  constant,
  type Codec,
} from '../explorer/codec.ts';
import { PCI_WARNINGS } from './pci/ats.ts';
import type { IopfParams } from './params.ts';
import { smmuCodec, smmu_init } from './arm-smmu-v3/init.ts';
import { ioasidCodec, ioasid_init } from './ioasid/ioasid.ts';
import { mmCodec } from './mm/codec.ts';
import { mm_init } from './mm/mm.ts';
import { asGrpId, asPasid, type Asid, type DeviceId, type GrpId, type MmId, type NotifierId, type Pasid, type PrgSeq } from './ids.ts';
import { ioasidConfig, mmAsid, mmConfig, mmCount, nextMm, nrNotifiers, smmuConfig, startsLive, vmLayout } from './sva/config.ts';
import {
  DRIVER_PCS,
  type Device,
  type DevIommu,
  type FaultParam,
  type Ghost,
  type Hwq,
  type HwqEntry,
  type IommuFault,
  type IopfGroup,
  type IopfParam,
  type IopfQueue,
  type ExitMmap,
  type Proc,
  type SvaHandle,
  type Prg,
  type PriqFlush,
  type PriqThread,
  type State,
  type Worker,
} from './state.ts';
import { maxOwner as maxOwnerOf } from './sva/config.ts';
import { RESPONSE_CODES } from './types.ts';

export { mmCount, nextMm };
/** The mm a device's driver binds without `mms`: devices share processes when there are fewer PASIDs. */
export const mmOfDevice = (c: IopfParams, dev: number): MmId => (dev % c.pasids) as MmId;

/**
 * A slice no step of the config writes (the SMMU's SVA slice without `smmu`): encoded as nothing
 * and decoded as one shared value, so configs without `smmu` pay nothing for it.
 */
function untouched<T>(value: T): Codec<T> {
  return { encode: () => undefined, decode: () => value };
}

export function faultCodec(c: IopfParams): Codec<IommuFault> {
  return record<IommuFault>({
    dev: brandedInt<DeviceId>(0, c.devices - 1),
    flags: int(0, 15),
    pasid: brandedInt<Pasid>(0, c.pasids),
    grpid: brandedInt<GrpId>(0, c.groups - 1),
    perm: int(0, 15),
    addr: int(0, 3),
    private_data: int(0, c.groups),
    seq: brandedInt<PrgSeq>(0, c.groups - 1),
    stale: bool,
    freed: bool,
  });
}

export function groupCodec(c: IopfParams): Codec<IopfGroup> {
  const fault = faultCodec(c);
  return record<IopfGroup>({
    dev: brandedInt<DeviceId>(0, c.devices - 1),
    faults: list(c.requests, fault),
    last_fault: fault,
    flush_color: int(0, (1 << c.devices) - 1),
  });
}

export function stateCodec(c: IopfParams): Codec<State> {
  const fault = faultCodec(c);
  const group = groupCodec(c);
  const respCode = literal(RESPONSE_CODES);
  const hwqEntry = tagged<'kind', HwqEntry>('kind', {
    ppr: record({ kind: constant('ppr' as const), fault }),
    stop_marker: record({
      kind: constant('stop_marker' as const),
      dev: brandedInt<DeviceId>(0, c.devices - 1),
      pasid: brandedInt<Pasid>(0, c.pasids),
    }),
  });
  const prg = record<Prg>({
    state: literal(['unused', 'sending', 'waiting', 'answered'] as const),
    grpid: brandedInt<GrpId>(0, c.groups - 1),
    pasid: brandedInt<Pasid>(0, c.pasids),
    sent: int(0, c.requests),
    code: literal([...RESPONSE_CODES, 'NONE'] as const),
    responses: int(0, 2),
    reported: bool,
    autoResponded: bool,
  });
  const device = record<Device>({
    pri: literal(['off', 'on', 'failed'] as const),
    pasid: brandedInt<Pasid>(0, c.pasids),
    dma_stopped: bool,
    prgs: array(c.groups, prg),
    uprgi: bool,
    warnings: list(PCI_WARNINGS.length, literal(PCI_WARNINGS)),
  });
  // Pending LAST events: at most one per group a device issues (more only through a bug, which the
  // invariants catch first); partials: at most every non-last request of every group.
  const maxPending = c.groups * 2;
  const maxPartial = c.groups * Math.max(1, c.requests - 1) * 2;
  const devIommu = record<DevIommu>({
    lock: bool,
    fault_param: nullable(record<FaultParam>({ faults: list(maxPending, fault) })),
    iopf_param: nullable(record<IopfParam>({ partial: list(maxPartial, fault) })),
  });
  const nid = brandedInt<NotifierId>(0, nrNotifiers(c) - 1);
  const worker = tagged<'pc', Worker>('pc', {
    idle: record({ pc: constant('idle' as const) }),
    find: busyWorker('find', group, respCode, c),
    fault: busyWorker('fault', group, respCode, c),
    complete: busyWorker('complete', group, respCode, c),
    unlock: busyWorker('unlock', group, respCode, c),
  });
  const priq = record<PriqThread>({
    pc: literal(['idle', 'handle', 'nobody_cared', 'batch', 'discard'] as const),
    evt: nullable(hwqEntry),
    overflowed: bool,
    handled: int(0, c.queue - 1),
  });
  return record<State>({
    smmu: literal(['probe', 'live', 'gone'] as const),
    hwq: record<Hwq>({ entries: list(c.queue, hwqEntry), overflow: bool, overflow_noted: bool }),
    priq,
    devices: array(c.devices, device),
    dev_iommu: array(c.devices, devIommu),
    drivers: array(c.devices, literal(DRIVER_PCS)),
    priq_flush: array(c.devices, record<PriqFlush>({ batches: int(0, 2), woken: bool, overflowed: bool })),
    queue: record<IopfQueue>({
      state: literal(['none', 'live', 'freed'] as const),
      devices: list(c.devices, brandedInt<DeviceId>(0, c.devices - 1)),
      wq: list(c.devices * c.groups * 2, group),
    }),
    workers: array(c.workers, worker),
    ioasid: ioasidCodec(ioasidConfig(c)),
    ioasid_reused: array(c.pasids + 1, bool),
    ioasid_shared_put: array(c.pasids + 1, bool),
    mms: array(mmCount(c), mmCodec(mmConfig(c))),
    procs: array(mmCount(c), record<Proc>({ pc: literal(['running', 'munmap', 'invalidate_wait', 'exited'] as const), reader: nullable(nid) })),
    exit_mmap: array(mmCount(c), record<ExitMmap>({ pc: literal(['idle', 'release', 'release_wait'] as const), reader: nullable(nid) })),
    next_process: literal(['waiting', 'bound'] as const),
    arm_smmu: c.smmu ? smmuCodec(smmuConfig(c)) : untouched(smmu_init(smmuConfig(c))),
    sva_lock: nullable(int(0, maxOwnerOf(c))),
    sva: array(
      c.devices,
      record<SvaHandle>({
        mm: nullable(brandedInt<MmId>(0, mmCount(c) - 1)),
        handles: int(0, c.binds),
        binds: int(0, c.binds),
        put: nullable(nid),
      }),
    ),
    ghost: record<Ghost>({
      responseAfterGroupFree: bool,
      responseBeforeLast: bool,
      faultDataUseAfterFree: bool,
      dmaToFreedPage: bool,
      faultAfterSharedUnbind: bool,
    }),
  });
}

function busyWorker<P extends 'find' | 'fault' | 'complete' | 'unlock'>(
  pc: P,
  group: Codec<IopfGroup>,
  respCode: Codec<(typeof RESPONSE_CODES)[number]>,
  c: IopfParams,
): Codec<Extract<Worker, { pc: P }>> {
  return record({
    pc: constant(pc),
    group,
    cursor: int(0, c.requests),
    status: respCode,
    mm: nullable(brandedInt<MmId>(0, mmCount(c) - 1)),
  }) as unknown as Codec<Extract<Worker, { pc: P }>>;
}

export function initialState(c: IopfParams): State {
  const prg = (): Prg => ({
    state: 'unused',
    grpid: asGrpId(0),
    pasid: asPasid(0),
    sent: 0,
    code: 'NONE',
    responses: 0,
    reported: false,
    autoResponded: false,
  });
  return {
    smmu: 'probe',
    hwq: { entries: [], overflow: false, overflow_noted: false },
    priq: { pc: 'idle', evt: null, overflowed: false, handled: 0 },
    devices: Array.from({ length: c.devices }, () => ({
      pri: 'off' as const,
      pasid: asPasid(0),
      dma_stopped: false,
      prgs: Array.from({ length: c.groups }, prg),
      uprgi: false,
      warnings: [],
    })),
    dev_iommu: Array.from({ length: c.devices }, () => ({ lock: false, fault_param: null, iopf_param: null })),
    drivers: Array.from({ length: c.devices }, () => 'enable_pri' as const),
    priq_flush: Array.from({ length: c.devices }, () => ({ batches: 0, woken: false, overflowed: false })),
    queue: { state: 'none', devices: [], wq: [] },
    workers: Array.from({ length: c.workers }, () => ({ pc: 'idle' as const })),
    ioasid: ioasid_init(ioasidConfig(c)),
    ioasid_reused: Array.from({ length: c.pasids + 1 }, () => false),
    ioasid_shared_put: Array.from({ length: c.pasids + 1 }, () => false),
    mms: Array.from({ length: mmCount(c) }, (_, i) => {
      const mm = mm_init(mmConfig(c), mmAsid(i) as Asid, vmLayout(c));
      // The next process's mm does not exist yet: no users, no count (its step creates it).
      return startsLive(c, i) ? mm : { ...mm, users: 0, count: 0, exit: { state: 'exited' as const } };
    }),
    procs: Array.from({ length: mmCount(c) }, (_, i) => ({ pc: startsLive(c, i) ? ('running' as const) : ('exited' as const), reader: null })),
    exit_mmap: Array.from({ length: mmCount(c) }, () => ({ pc: 'idle' as const, reader: null })),
    next_process: 'waiting',
    arm_smmu: smmu_init(smmuConfig(c)),
    sva_lock: null,
    sva: Array.from({ length: c.devices }, () => ({ mm: null, handles: 0, binds: c.binds, put: null })),
    ghost: {
      responseAfterGroupFree: false,
      responseBeforeLast: false,
      faultDataUseAfterFree: false,
      dmaToFreedPage: false,
      faultAfterSharedUnbind: false,
    },
  };
}
