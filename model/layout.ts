// The canonical encoding of the I/O page fault state and its initial state: the slices' codecs and
// initial values composed field by field in the order of state.ts. Every field of State is here: the
// explorer decodes a fresh copy from this encoding before each step, so a field missing from the
// layout would silently be lost.
import { msiCodec, msiInit, msiParams } from './msi-iommu/model.ts';
import { array, bool, brandedInt, constant, extendRecord, int, list, literal, nullable, record, sharedConstant, tagged, type Codec } from '../explorer/codec.ts';
import { WRITEBACK_PCS, httu_init, type HttuState, type Writeback } from './mm/page-writeback.ts';
import { SMMU_PCS, hwqCodec, hwq_init, priqFlushCodec, priqThreadCodec, priq_flush_init, priq_init } from './arm-smmu-v3/priq-state.ts';
import { smmuCodec, smmu_init } from './arm-smmu-v3/init.ts';
import { evtqCodec, evtq_init } from './arm-smmu-v3/evtq-state.ts';
import { devIommuCodec, dev_iommu_init } from './iommu/dev-iommu.ts';
import { iopf_queue_init, queueCodec, workerCodec, worker_init } from './io-pgfault/state.ts';
import { ioasidCodec, ioasid_init } from './ioasid/ioasid.ts';
import { mmCodec } from './mm/codec.ts';
import { mm_init } from './mm/mm.ts';
import { deviceCodec, device_init } from './pci/endpoint.ts';
import type { IopfParams } from './params.ts';
import { vocabulary } from '../explorer/vocabulary.ts';
import type { MmId, NotifierId } from './ids.ts';
import { cpuAsidCodec, cpu_asid_init } from './mm/context.ts';
import { cpuAsidConfig, ioasidConfig, maxOwner, mmConfig, mmCount, nextMm, nrNotifiers, nrPages, smmuConfig, startsLive, vmLayout } from './sva/config.ts';
import { DRIVER_PCS, type CpuMm, type ExitMmap, type Ghost, type Proc, type State, type SvaHandle } from './state.ts';

export { mmCount, nextMm };
/** The mm a device's driver binds without `mms`: devices share processes when there are fewer PASIDs. */
export const mmOfDevice = (c: IopfParams, dev: number): MmId => (dev % c.pasids) as MmId;


/** The `httu` slice (model/mm/page-writeback.ts), [mm][page] and per mm. */
function httuCodec(c: IopfParams): Codec<HttuState> {
  const nid = brandedInt<NotifierId>(0, nrNotifiers(c) - 1);
  return record<HttuState>({
    pg_dirty: array(mmCount(c), array(nrPages(c), bool)),
    writeback: array(
      mmCount(c),
      record<Writeback>({
        pc: literal(WRITEBACK_PCS),
        page: nullable(int(0, nrPages(c) - 1)),
        cleaned: bool,
        pending: list(nrNotifiers(c), nid),
        reader: nullable(nid),
      }),
    ),
    lost_dirty: bool,
  });
}

export function stateCodec(c: IopfParams): Codec<State> {
  const base = baseCodec(c);
  return c.httu ? extendRecord(base, { httu: httuCodec(c) }) : base;
}

function baseCodec(c: IopfParams): Codec<State> {
  const nid = brandedInt<NotifierId>(0, nrNotifiers(c) - 1);
  return record<State>({
    smmu: literal(SMMU_PCS),
    hwq: hwqCodec(c),
    priq: priqThreadCodec(c),
    // Only `evtq` configs have an event queue.
    ...(c.evtq ? { evtq: evtqCodec(c) } : {}),
    devices: array(c.devices, deviceCodec(c)),
    dev_iommu: array(c.devices, devIommuCodec(c)),
    drivers: array(c.devices, literal(vocabulary(c, 'driver_pc', DRIVER_PCS))),
    priq_flush: array(c.devices, priqFlushCodec),
    queue: queueCodec(c),
    workers: array(c.workers, workerCodec(c)),
    ioasid: ioasidCodec(ioasidConfig(c)),
    ioasid_reused: array(c.pasids + 1, bool),
    mms: array(mmCount(c), mmCodec(mmConfig(c))),
    procs: array(mmCount(c), record<Proc>({ pc: literal(['running', 'munmap', 'invalidate_wait', 'exited'] as const), reader: nullable(nid) })),
    exit_mmap: array(mmCount(c), record<ExitMmap>({ pc: literal(['idle', 'release', 'release_wait'] as const), reader: nullable(nid) })),
    next_process: literal(['waiting', 'bound'] as const),
    // Without `smmu` nothing pins an ASID and no CPU switches: one value shared by all states.
    cpu_asid: c.smmu ? cpuAsidCodec(cpuAsidConfig(c)) : sharedConstant(cpu_asid_init(cpuAsidConfig(c))),
    cpu_mm: array(
      c.cpus,
      tagged<'kind', CpuMm>('kind', {
        idle: record({ kind: constant<'idle'>('idle') }),
        mm: record({ kind: constant<'mm'>('mm'), mm: brandedInt<MmId>(0, mmCount(c) - 1) }),
        other: record({ kind: constant<'other'>('other') }),
      }),
    ),
    other_processes: int(0, c.otherProcesses),
    // Without `smmu` no step writes the SMMU's SVA slice: encoded as nothing, one value shared by all states.
    arm_smmu: c.smmu ? smmuCodec(smmuConfig(c)) : sharedConstant(smmu_init(smmuConfig(c))),
    sva_lock: nullable(int(0, maxOwner(c))),
    sva: array(
      c.devices,
      record<SvaHandle>({
        mm: nullable(brandedInt<MmId>(0, mmCount(c) - 1)),
        handles: int(0, c.binds),
        binds: int(0, c.binds),
        put: nullable(nid),
      }),
    ),
    msi: c.msi ? array(1, msiCodec(c.msi)) : array(0, msiCodec(msiParams.parse({}))),
    ghost: record<Ghost>({
      responseAfterGroupFree: bool,
      responseBeforeLast: bool,
      faultDataUseAfterFree: bool,
      dmaToFreedPage: bool,
      privateDmaAborted: bool,
      dmaStaleTlb: bool,
    }),
  });
}

export function initialState(c: IopfParams): State {
  return {
    smmu: 'probe',
    hwq: hwq_init(),
    priq: priq_init(),
    ...(c.evtq ? { evtq: evtq_init(c) } : {}),
    devices: Array.from({ length: c.devices }, () => device_init(c)),
    dev_iommu: Array.from({ length: c.devices }, dev_iommu_init),
    drivers: Array.from({ length: c.devices }, () => (c.evtq ? ('probe' as const) : ('enable_pri' as const))),
    priq_flush: Array.from({ length: c.devices }, priq_flush_init),
    queue: iopf_queue_init(),
    workers: Array.from({ length: c.workers }, worker_init),
    ioasid: ioasid_init(ioasidConfig(c)),
    ioasid_reused: Array.from({ length: c.pasids + 1 }, () => false),
    mms: Array.from({ length: mmCount(c) }, (_, i) => {
      const mm = mm_init(mmConfig(c), vmLayout(c));
      // The next process's mm does not exist yet: no users, no count (its step creates it).
      return startsLive(c, i) ? mm : { ...mm, users: 0, count: 0, exit: { state: 'exited' as const } };
    }),
    procs: Array.from({ length: mmCount(c) }, (_, i) => ({ pc: startsLive(c, i) ? ('running' as const) : ('exited' as const), reader: null })),
    exit_mmap: Array.from({ length: mmCount(c) }, () => ({ pc: 'idle' as const, reader: null })),
    next_process: 'waiting',
    cpu_asid: cpu_asid_init(cpuAsidConfig(c)),
    cpu_mm: Array.from({ length: c.cpus }, () => ({ kind: 'idle' as const })),
    other_processes: c.otherProcesses,
    arm_smmu: smmu_init(smmuConfig(c)),
    sva_lock: null,
    sva: Array.from({ length: c.devices }, () => ({ mm: null, handles: 0, binds: c.binds, put: null })),
    msi: c.msi ? [msiInit(c.msi)] : [],
    ghost: {
      responseAfterGroupFree: false,
      responseBeforeLast: false,
      faultDataUseAfterFree: false,
      dmaToFreedPage: false,
      privateDmaAborted: false,
      dmaStaleTlb: false,
    },
    ...(c.httu ? { httu: httu_init(mmCount(c), nrPages(c)) } : {}),
  };
}
