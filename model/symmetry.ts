// Symmetry reduction declared by a config's `symmetry` (params.ts): the iopf workqueue's workers
// (model/io-pgfault/symmetry.ts), and the devices of the fault path with the mms they bind.
// Without the SMMU side, device d's driver binds mm d % pasids (model/sva/config.ts bindableMms)
// and every device runs the same driver: nothing else tells device 0 from device 1 (the PRI queue
// and the workqueue hold faults by their device, in an order of their own; queue->devices is kept
// sorted; iopf_queue_flush_dev marks work items by its caller's bit). So a permutation of the
// devices, with the permutation of their mms it implies, maps a state to one with the same future.
// The search keeps, of each class, the state whose encoding is least: the exact canonical form,
// at one relabelling and one encoding per permutation (2 for two devices).
// What relabels: every array indexed by device or mm, every field naming one (a fault's device, a
// group's flush bits, a worker's mm, an IOASID's private mm and its bond holders, an mm_count bond
// holder, sva_lock's owner number), and the sets sorted by them. The SMMU side (arm_smmu, the
// CPU ASIDs, HTTU, the event queue) is left out, so params refuse `devices` with it.
import type { Codec } from '../explorer/codec.ts';
import { IntWriter } from '../explorer/codec-io.ts';
import { HarnessError } from '../explorer/errors.ts';
import { stateCodec } from './layout.ts';
import { compareKeys, groupKey } from './canonical.ts';
import { sortedWorkers, sortWorkers, workerSymmetry } from './io-pgfault/symmetry.ts';
import type { IopfGroup, IopfQueue, Worker } from './io-pgfault/state.ts';
import type { IommuFault } from './iommu/state.ts';
import type { DevIommu } from './iommu/dev-iommu.ts';
import type { IoasidState } from './ioasid/ioasid.ts';
import { ioasidHolderKey } from './ioasid/ioasid.ts';
import { mmHolderKey, type MmStruct } from './mm/mm.ts';
import type { HwqEntry } from './arm-smmu-v3/priq-state.ts';
import { driverOwner, exitOwner, mmCount, procOwner } from './sva/config.ts';
import type { IopfParams } from './params.ts';
import type { State } from './state.ts';
import type { DeviceId, MmId } from './ids.ts';

/** A relabelling: the new index of each device and each mm (`dev[old] = new`). */
interface Relabel {
  readonly dev: readonly number[];
  readonly mm: readonly number[];
}

/** The state fields this file relabels or leaves alone (identical for every device); any other is a variant's. */
const KNOWN_FIELDS = new Set([
  'smmu', 'hwq', 'priq', 'devices', 'dev_iommu', 'drivers', 'priq_flush', 'queue', 'workers', 'ioasid', 'ioasid_reused',
  'ioasid_shared_put', 'mms', 'procs', 'exit_mmap', 'next_process', 'cpu_asid', 'cpu_mm', 'other_processes', 'arm_smmu',
  'sva_lock', 'sva', 'msi', 'ghost',
]);

/** `out[r[i]] = a[i]`: an array indexed by device (or mm) after the relabelling. */
function reindex<T>(a: readonly T[], r: readonly number[], map: (x: T) => T = (x) => x): T[] {
  const out = new Array<T>(a.length);
  for (let i = 0; i < a.length; i++) out[r[i] ?? i] = map(a[i]!);
  return out;
}

const fault = (f: IommuFault, r: Relabel): IommuFault => ({ ...f, dev: r.dev[f.dev]! as DeviceId });

/** A flush colour: bit i is driver i's flush_workqueue (model/io-pgfault/queue.ts). */
function colour(bits: number, r: Relabel): number {
  let out = 0;
  for (let i = 0; i < r.dev.length; i++) if (bits & (1 << i)) out |= 1 << r.dev[i]!;
  return out;
}

const group = (g: IopfGroup, r: Relabel): IopfGroup => ({
  dev: r.dev[g.dev]! as DeviceId,
  faults: g.faults.map((f) => fault(f, r)),
  last_fault: fault(g.last_fault, r),
  flush_color: colour(g.flush_color, r),
});

const byGroupKey = (a: IopfGroup, b: IopfGroup): number => compareKeys(groupKey(a), groupKey(b));

function queue(q: IopfQueue, r: Relabel): IopfQueue {
  return {
    state: q.state,
    devices: q.devices.map((d) => r.dev[d]! as DeviceId).sort((a, b) => a - b),
    wq: q.wq.map((g) => group(g, r)).sort(byGroupKey),
  };
}

const worker = (w: Worker, r: Relabel): Worker =>
  w.pc === 'idle' ? w : { ...w, group: group(w.group, r), mm: w.mm === null ? null : (r.mm[w.mm]! as MmId) };

const hwqEntry = (e: HwqEntry, r: Relabel): HwqEntry =>
  e.kind === 'ppr' ? { kind: 'ppr', fault: fault(e.fault, r) } : { ...e, dev: r.dev[e.dev]! as DeviceId };

const devIommu = (di: DevIommu, r: Relabel): DevIommu => ({
  lock: di.lock,
  fault_param: di.fault_param && { faults: di.fault_param.faults.map((f) => fault(f, r)) },
  iopf_param: di.iopf_param && { partial: di.iopf_param.partial.map((f) => fault(f, r)) },
});

function ioasid(s: IoasidState, r: Relabel): IoasidState {
  return {
    warnings: s.warnings,
    xa: s.xa.map(
      (data) =>
        data && {
          ...data,
          private: data.private === null ? null : r.mm[data.private]!,
          holders: data.holders
            .map((h) => (h.kind === 'bond' ? { kind: 'bond' as const, dev: r.dev[h.dev]! } : h))
            .sort((a, b) => ioasidHolderKey(a) - ioasidHolderKey(b)),
        },
    ),
  };
}

const mm = (m: MmStruct, r: Relabel): MmStruct => ({
  ...m,
  count_holders: m.count_holders.map((h) => (h.kind === 'bind' ? { kind: 'bind' as const, dev: r.dev[h.dev]! } : h)).sort((a, b) => mmHolderKey(a) - mmHolderKey(b)),
});

/** sva_lock's owner number (model/sva/config.ts numbers drivers, then owners, then exit_mmap threads). */
function owner(o: number | null, c: IopfParams, r: Relabel): number | null {
  if (o === null) return null;
  if (o < c.devices) return driverOwner(r.dev[o]!);
  const n = mmCount(c);
  if (o < procOwner(c, n)) return procOwner(c, r.mm[o - procOwner(c, 0)]!);
  if (o < exitOwner(c, n)) return exitOwner(c, r.mm[o - exitOwner(c, 0)]!);
  return o;
}

/** How each state field that names a device or an mm is relabelled (the others are the same for every device). */
type FieldRelabel = (s: State, c: IopfParams, r: Relabel) => unknown;
const RELABEL: Readonly<Partial<Record<keyof State, FieldRelabel>>> = {
  hwq: (s, _c, r) => ({ ...s.hwq, entries: s.hwq.entries.map((e) => hwqEntry(e, r)) }),
  priq: (s, _c, r) => ({ ...s.priq, evt: s.priq.evt && hwqEntry(s.priq.evt, r) }),
  devices: (s, _c, r) => reindex(s.devices, r.dev),
  dev_iommu: (s, _c, r) => reindex(s.dev_iommu, r.dev, (di) => devIommu(di, r)),
  drivers: (s, _c, r) => reindex(s.drivers, r.dev),
  priq_flush: (s, _c, r) => reindex(s.priq_flush, r.dev),
  queue: (s, _c, r) => queue(s.queue, r),
  workers: (s, c, r) => {
    const workers = s.workers.map((w) => worker(w, r));
    return workerSymmetry(c) === undefined ? workers : sortedWorkers(workers, c);
  },
  ioasid: (s, _c, r) => ioasid(s.ioasid, r),
  mms: (s, _c, r) => reindex(s.mms, r.mm, (m) => mm(m, r)),
  procs: (s, _c, r) => reindex(s.procs, r.mm),
  exit_mmap: (s, _c, r) => reindex(s.exit_mmap, r.mm),
  sva_lock: (s, c, r) => owner(s.sva_lock, c, r),
  sva: (s, _c, r) => reindex(s.sva, r.dev, (h) => ({ ...h, mm: h.mm === null ? null : (r.mm[h.mm]! as MmId) })),
};

function relabel(s: State, c: IopfParams, r: Relabel): State {
  const out: Record<string, unknown> = { ...s };
  for (const [key, f] of Object.entries(RELABEL)) out[key] = f(s, c, r);
  return out as unknown as State;
}

/** Every permutation of 0..n-1. */
function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

/**
 * The relabellings of the devices that carry device d's mm (d % pasids) to its image's: a permutation
 * of the mms when every device with one mm goes to devices with one mm. The mms no device binds (the
 * next process's) stay.
 */
export function deviceRelabels(c: IopfParams): Relabel[] {
  const nMms = mmCount(c);
  const out: Relabel[] = [];
  for (const dev of permutations(c.devices)) {
    if (dev.every((to, from) => to === from)) continue;
    const mmMap = Array.from({ length: nMms }, (_, i) => i);
    const set = new Array<boolean>(nMms).fill(false);
    let consistent = true;
    for (let d = 0; d < c.devices && consistent; d++) {
      const from = d % c.pasids;
      const to = dev[d]! % c.pasids;
      if (set[from]) consistent = mmMap[from] === to;
      mmMap[from] = to;
      set[from] = true;
    }
    if (consistent && new Set(mmMap).size === nMms) out.push({ dev, mm: mmMap });
  }
  return out;
}

/** Whether the params declare the devices interchangeable. */
const devicesSymmetric = (c: IopfParams): boolean => (c.symmetry?.includes('devices') ?? false) && c.devices > 1;

const relabelsOf = new WeakMap<IopfParams, Relabel[]>();
/** The field encodings being compared, reused: this runs on every successor. */
const bestEncoding = new IntWriter(1024);
const theirEncoding = new IntWriter(1024);

/** The representative of `s`'s class: workers sorted, and of the devices' relabellings the least encoding. */
export function canonicalState(s: State, c: IopfParams): State {
  const sorted = workerSymmetry(c) === undefined ? s : sortWorkers(s, c);
  if (!devicesSymmetric(c)) return sorted;
  for (const key of Object.keys(s)) if (!KNOWN_FIELDS.has(key)) throw new Error(`symmetry 'devices' does not know the state field '${key}' (a variant's): it cannot relabel it`);
  const relabels = relabelsOf.get(c) ?? deviceRelabels(c);
  relabelsOf.set(c, relabels);
  const fields = fieldsOf(c);
  let best = sorted;
  for (const r of relabels) if (relabelledFirst(best, s, c, r, fields)) best = relabel(s, c, r);
  return best;
}

/**
 * Whether `s` relabelled by `r` comes before `best`, field by field in the codec's order (each
 * field's encoding compared as a key: a total order, so the least of a class is one state). A
 * field is relabelled only when the fields before it tie, which they seldom do past the first few.
 */
function relabelledFirst(best: State, s: State, c: IopfParams, r: Relabel, fields: readonly Field[]): boolean {
  for (const { key: k, codec } of fields) {
    const f = RELABEL[k];
    const mine = best[k];
    const theirs = f ? f(s, c, r) : s[k];
    if (mine === theirs) continue;
    bestEncoding.reset();
    codec.encode(mine, bestEncoding);
    theirEncoding.reset();
    codec.encode(theirs, theirEncoding);
    const d = compareKeys(theirEncoding.buf.subarray(0, theirEncoding.len), bestEncoding.buf.subarray(0, bestEncoding.len));
    if (d !== 0) return d < 0;
  }
  return false;
}

interface Field {
  readonly key: keyof State;
  readonly codec: Codec<unknown>;
}

const fieldLists = new WeakMap<IopfParams, Field[]>();

/** The state's fields with their codecs, in the order the state codec encodes them. */
function fieldsOf(c: IopfParams): Field[] {
  const cached = fieldLists.get(c);
  if (cached) return cached;
  const shape = stateCodec(c).shape;
  if (shape?.kind !== 'record') throw new Error('the state codec is not a record');
  const fields = shape.keys.map((key, i) => ({ key: key as keyof State, codec: shape.fields[i] as Codec<unknown> }));
  fieldLists.set(c, fields);
  return fields;
}

/** The symmetry the params declare, for the report, or undefined. */
export function declaredSymmetry(c: IopfParams): string | undefined {
  const workers = workerSymmetry(c);
  if (!devicesSymmetric(c)) return workers;
  if (c.smmu || c.evtq || c.httu || c.cpus > 0) {
    throw new HarnessError("params: symmetry 'devices' is the fault path's alone: it cannot be declared with smmu, evtq, httu or cpus (their slices name devices it does not relabel)");
  }
  const devices = `the ${c.devices} devices with the mms they bind are interchangeable (${deviceRelabels(c).length + 1} arrangements; the least encoding: the exact canonical form)`;
  return workers === undefined ? `symmetry reduction: ${devices}` : `${workers}; ${devices}`;
}
