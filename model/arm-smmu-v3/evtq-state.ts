// The SMMUv3 event queue's data (model/arm-smmu-v3/evtq.ts, master.ts), as in the SVA series' stall
// patches merged for v5.14 ([PATCH v14 07/10] "Maintain a SID->device structure" and [PATCH v14
// 10/10] "Add stall support for platform devices", Apr 2021; 395ad89d11fd): the hardware event
// queue, arm_smmu_evtq_thread's progress, smmu->streams (the SID->master rb-tree) with its
// streams_mutex, and each device's struct arm_smmu_master.
// Only `evtq` configs have the slice (State.evtq is absent elsewhere): evtqOf reads it.
import { bool, brandedInt, constant, int, list, literal, nullable, record, tagged, type Codec } from '../../explorer/codec.ts';
import { faultCodec, type IommuFault } from '../iommu/state.ts';
import type { IopfParams } from '../params.ts';
import type { DeviceId } from '../ids.ts';

/**
 * An event record the SMMU wrote: F_TRANSLATION of a stall master (EVTQ_1_STALL, the STAG is the
 * fault's grpid; the device waits for CMD_RESUME), or of another master (recorded, CD.R; the
 * transaction was already terminated). `sid` is EVTQ_0_SID, all the driver has to route it by.
 */
export type EvtqEntry =
  | { kind: 'stall'; sid: number; fault: IommuFault }
  | {
      kind: 'record';
      sid: number;
      /** Ghost: the device that issued the faulting transaction (the record names only its StreamID). */
      dev: DeviceId;
    };

/**
 * arm_smmu_evtq_thread: `handle` holds the entry queue_remove_raw took; `report` has found the master
 * (under smmu->streams_mutex in the baseline) and calls iommu_report_device_fault; `nobody_cared`
 * owes the abort of a stall the core refused; `log` prints the event arm_smmu_handle_evt returned an
 * error for (no master, or the report failed).
 */
export const EVTQ_THREAD_PCS = ['idle', 'handle', 'report', 'nobody_cared', 'log'] as const;
export type EvtqThreadPc = (typeof EVTQ_THREAD_PCS)[number];

export interface EvtqThread {
  pc: EvtqThreadPc;
  evt: EvtqEntry | null;
  /** The master arm_smmu_find_master returned (pc report, nobody_cared), else null. */
  master: DeviceId | null;
}

/**
 * A device's struct arm_smmu_master: `absent` before arm_smmu_probe_device allocated it (and after a
 * probe that failed freed it), `probed` while it lives, `released` once arm_smmu_release_device
 * kfree()d it. `sid` (master->streams[0].id, from fwspec) and `stall_enabled` are set at probe from
 * the firmware and never change.
 */
export const MASTER_PCS = ['absent', 'probed', 'released'] as const;
export type MasterPc = (typeof MASTER_PCS)[number];

export interface EvtqMaster {
  pc: MasterPc;
  sid: number;
  stall_enabled: boolean;
}

export interface EvtqState {
  /** The hardware event queue, PROD to CONS order. */
  q: EvtqEntry[];
  thread: EvtqThread;
  /** smmu->streams, indexed by StreamID: the master an arm_smmu_stream of that id points to. */
  streams: (DeviceId | null)[];
  /** smmu->streams_mutex held by the event thread across steps (insert and remove hold it within one step). */
  streams_mutex: boolean;
  masters: EvtqMaster[];
}

/** StreamIDs the config gives its devices (fwspec->ids[0]). */
export const streamIdOf = (c: IopfParams, dev: number): number => c.streamIds?.[dev] ?? dev;
export const nrStreams = (c: IopfParams): number => Math.max(...Array.from({ length: c.devices }, (_, d) => streamIdOf(c, d))) + 1;

/**
 * arm_smmu_probe_device: stall_enabled when the SMMU has STALLS and the firmware says dma-can-stall,
 * or the SMMU forces stalls (STALL_FORCE). The modelled SMMU has STALLS.
 */
export const stallEnabledOf = (c: IopfParams, dev: number): boolean => c.stallForce || (c.dmaCanStall?.[dev] ?? true);

function entryCodec(c: IopfParams): Codec<EvtqEntry> {
  const sid = int(0, nrStreams(c) - 1);
  return tagged<'kind', EvtqEntry>('kind', {
    stall: record({ kind: constant('stall' as const), sid, fault: faultCodec(c) }),
    record: record({ kind: constant('record' as const), sid, dev: brandedInt<DeviceId>(0, c.devices - 1) }),
  });
}

export function evtqCodec(c: IopfParams): Codec<EvtqState> {
  const dev = brandedInt<DeviceId>(0, c.devices - 1);
  return record<EvtqState>({
    q: list(c.queue, entryCodec(c)),
    thread: record<EvtqThread>({ pc: literal(EVTQ_THREAD_PCS), evt: nullable(entryCodec(c)), master: nullable(dev) }),
    streams: list(nrStreams(c), nullable(dev)),
    streams_mutex: bool,
    masters: list(c.devices, record<EvtqMaster>({ pc: literal(MASTER_PCS), sid: int(0, nrStreams(c) - 1), stall_enabled: bool })),
  });
}

/** The event queue's slice of a state of an `evtq` config. */
export function evtqOf<S extends { evtq?: unknown }>(s: S): NonNullable<S['evtq']> {
  if (s.evtq === undefined) throw new Error('this state has no event queue: the config does not set evtq');
  return s.evtq as NonNullable<S['evtq']>;
}

export function evtq_init(c: IopfParams): EvtqState {
  if ((c.streamIds ?? []).length > c.devices || (c.dmaCanStall ?? []).length > c.devices) {
    throw new Error(`evtq: streamIds and dmaCanStall give one entry per device (${c.devices})`);
  }
  return {
    q: [],
    thread: { pc: 'idle', evt: null, master: null },
    streams: Array.from({ length: nrStreams(c) }, () => null),
    streams_mutex: false,
    masters: Array.from({ length: c.devices }, (_, d) => ({ pc: 'absent' as const, sid: streamIdOf(c, d), stall_enabled: stallEnabledOf(c, d) })),
  };
}
