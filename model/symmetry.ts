// Symmetry reduction declared by a config's `symmetry` (params.ts): the iopf workqueue's workers
// (model/io-pgfault/symmetry.ts), the devices, and the mms.
// Without the SMMU side, device d's driver binds mm d % pasids (model/sva/config.ts bindableMms)
// and every device runs the same driver: nothing else tells device 0 from device 1 (the PRI queue
// and the workqueue hold faults by their device, in an order of their own; queue->devices is kept
// sorted; iopf_queue_flush_dev marks work items by its caller's bit). So a permutation of the
// devices, with the permutation of their mms it implies, maps a state to one with the same future.
// With one SMMU, every driver may bind any of `mms` processes and every master sits in the one
// domain with the same capabilities: the devices and the mms relabel independently. The SMMU
// walks a domain's masters in StreamID order (domainDevices), which a relabelling turns around;
// the SMMU performs the commands up to a CMD_SYNC in any order, so the representative holds them
// sorted (sortedSegments), and a FIFO command queue refuses the devices' symmetry.
// The search keeps, of each class, the state whose encoding is least: the exact canonical form,
// at one relabelling and one encoding per permutation.
// What relabels: every array indexed by device or mm, every field naming one (a fault's device, a
// group's flush bits, a worker's mm, an IOASID's private mm and its bond holders, an mm_count bond
// holder, sva_lock's and a CMD_SYNC's owner number; a master's bonds and ATC, the cached CDs, a
// CD's, TLB entry's, notifier's and shared ASID's mm, a command's StreamID), and the sets sorted by
// them. Identities the kernel allocates (PASIDs, ASIDs, notifiers) stay: their allocators hand out
// the lowest free one whatever asks. The CPUs, HTTU, the event queue, several SMMUs and attach are
// left out, so params refuse the symmetry with them.
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
import { PRIVATE_TLB_ENTRY, type Cd, type Cmd, type SmmuState } from './arm-smmu-v3/state.ts';
import { driverOwner, exitOwner, mmCount, nrSmmus, procOwner } from './sva/config.ts';
import type { IopfParams } from './params.ts';
import type { State } from './state.ts';
import type { DeviceId, MmId } from './ids.ts';

/** A relabelling: the new index of each device and each mm (`dev[old] = new`). */
interface Relabel {
  readonly dev: readonly number[];
  readonly mm: readonly number[];
}

/** A relabelling with whether it leaves the devices, and the mms, where they are. */
interface Arrangement extends Relabel {
  readonly sameDevices: boolean;
  readonly sameMms: boolean;
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

const cd = (x: Cd, r: Relabel): Cd => (x.ttb?.type === 'mm' ? { ...x, ttb: { type: 'mm', mm: r.mm[x.ttb.mm]! as MmId } } : x);

const CMD_OPS: readonly Cmd['op'][] = ['CFGI_CD', 'CFGI_STE', 'TLBI_NH_ASID', 'TLBI_NH_VA', 'TLBI_EL2_ASID', 'TLBI_EL2_VA', 'ATC_INV', 'CMD_SYNC'];

function command(x: Cmd, c: IopfParams, r: Relabel): Cmd {
  switch (x.op) {
    case 'CFGI_CD':
    case 'CFGI_STE':
    case 'ATC_INV':
      return { ...x, sid: r.dev[x.sid]! as DeviceId };
    case 'CMD_SYNC':
      return { op: 'CMD_SYNC', owner: owner(x.owner, c, r)! };
    default:
      return x;
  }
}

function commandKey(x: Cmd): number[] {
  const op = CMD_OPS.indexOf(x.op);
  switch (x.op) {
    case 'CFGI_CD':
      return [op, x.sid, x.ssid];
    case 'CFGI_STE':
      return [op, x.sid];
    case 'TLBI_NH_ASID':
    case 'TLBI_EL2_ASID':
      return [op, x.asid];
    case 'TLBI_NH_VA':
    case 'TLBI_EL2_VA':
      return [op, x.asid, x.page];
    case 'ATC_INV':
      return [op, x.sid, x.ssid, x.page];
    case 'CMD_SYNC':
      return [op, x.owner];
  }
}

const byCommand = (a: Cmd, b: Cmd): number => compareKeys(commandKey(a), commandKey(b));

/**
 * The command queue with the commands between two CMD_SYNCs sorted: the SMMU performs them in any
 * order (cmdq_consumable), so only which commands sit between which syncs tells two queues apart.
 * The masters of a domain are walked in StreamID order (domainDevices), so a relabelled queue would
 * otherwise hold its CFGI_CD and ATC_INV in an order no path of the model writes. `q` itself when
 * its segments are sorted.
 */
export function sortedSegments(q: Cmd[]): Cmd[] {
  let sorted = true;
  for (let i = 1; i < q.length && sorted; i++) sorted = q[i]!.op === 'CMD_SYNC' || q[i - 1]!.op === 'CMD_SYNC' || byCommand(q[i - 1]!, q[i]!) <= 0;
  if (sorted) return q;
  const out: Cmd[] = [];
  let from = 0;
  q.forEach((x, i) => {
    if (x.op !== 'CMD_SYNC') return;
    out.push(...q.slice(from, i).sort(byCommand), x);
    from = i + 1;
  });
  out.push(...q.slice(from).sort(byCommand));
  return out;
}

/** The SMMU slice relabelled: masters, their bonds and ATCs, cached CDs by device; every CD, TLB entry, notifier and shared ASID naming an mm. */
function smmu(a: SmmuState, c: IopfParams, r: Relabel): SmmuState {
  const mm = (m: MmId): MmId => r.mm[m]! as MmId;
  return {
    ...a,
    masters: reindex(a.masters, r.dev, (m) => ({ ...m, bonds: reindex(m.bonds, r.mm) })),
    domains: a.domains.map((d) => ({ ...d, cdtab: d.cdtab.map((x) => cd(x, r)) })),
    cdcache: reindex(a.cdcache, r.dev, (row) => row.map((x) => x && cd(x, r))),
    asid_xa: a.asid_xa.map((e) => (e?.type === 'shared' ? { ...e, mm: mm(e.mm) } : e)),
    mmu_notifiers: a.mmu_notifiers.map((n) => n && { ...n, mm: mm(n.mm) }),
    tlb: a.tlb.map((row) => row.map((e) => (e === null || e === PRIVATE_TLB_ENTRY ? e : mm(e)))),
    atc: reindex(a.atc, r.dev, (ssids) => ssids.map((pages) => pages.map((e) => (e === null ? e : mm(e))))),
    cmdq: inAnyOrder(c) ? sortedSegments(a.cmdq.map((x) => command(x, c, r))) : a.cmdq.map((x) => command(x, c, r)),
  };
}

/** The SMMU performs the commands up to a CMD_SYNC in any order (param cmdq), which the device relabelling needs. */
const inAnyOrder = (c: IopfParams): boolean => c.cmdq !== 'fifo';

/** How each state field that names a device or an mm is relabelled (the others are the same for every device). */
type FieldRelabel = (s: State, c: IopfParams, r: Relabel) => unknown;
const RELABEL: Readonly<Partial<Record<keyof State, FieldRelabel>>> = {
  // An empty queue names no device: the same object, which the comparison then skips.
  hwq: (s, _c, r) => (s.hwq.entries.length === 0 ? s.hwq : { ...s.hwq, entries: s.hwq.entries.map((e) => hwqEntry(e, r)) }),
  priq: (s, _c, r) => (s.priq.evt === null ? s.priq : { ...s.priq, evt: hwqEntry(s.priq.evt, r) }),
  devices: (s, _c, r) => reindex(s.devices, r.dev),
  dev_iommu: (s, _c, r) => reindex(s.dev_iommu, r.dev, (di) => devIommu(di, r)),
  drivers: (s, _c, r) => reindex(s.drivers, r.dev),
  priq_flush: (s, _c, r) => reindex(s.priq_flush, r.dev),
  queue: (s, _c, r) => (s.queue.devices.length === 0 && s.queue.wq.length === 0 ? s.queue : queue(s.queue, r)),
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
  arm_smmu: (s, c, r) => (c.smmu ? smmu(s.arm_smmu, c, r) : s.arm_smmu),
};

/** The fields that name devices and no mm, and mms and no device: a relabelling of the others alone leaves them as they are. */
const DEVICES_ONLY = new Set<keyof State>(['hwq', 'priq', 'devices', 'dev_iommu', 'drivers', 'priq_flush', 'queue']);
const MMS_ONLY = new Set<keyof State>(['procs', 'exit_mmap']);
const unmoved = (k: keyof State, r: Arrangement): boolean => (r.sameDevices && DEVICES_ONLY.has(k)) || (r.sameMms && MMS_ONLY.has(k));

function relabel(s: State, c: IopfParams, r: Arrangement): State {
  const out: Record<string, unknown> = { ...s };
  for (const [key, f] of Object.entries(RELABEL)) if (!unmoved(key as keyof State, r)) out[key] = f(s, c, r);
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

/** Whether they declare the mms interchangeable: the SMMU side's processes, which every driver may bind (bindableMms). */
const mmsSymmetric = (c: IopfParams): boolean => (c.symmetry?.includes('mms') ?? false) && c.mms > 1;

const identity = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const isIdentity = (p: readonly number[]): boolean => p.every((to, from) => to === from);

/**
 * The relabellings the params declare. With the fixed rule (device d binds mm d % pasids) a device's
 * mm goes with it (deviceRelabels); where every driver may bind any of `mms` processes, the devices
 * and the mms are relabelled independently, each when declared.
 */
export function relabelsOf(c: IopfParams): Arrangement[] {
  const arrangement = (r: Relabel): Arrangement => ({ ...r, sameDevices: isIdentity(r.dev), sameMms: isIdentity(r.mm) });
  if (c.mms === 0) return devicesSymmetric(c) ? deviceRelabels(c).map(arrangement) : [];
  const devs = devicesSymmetric(c) ? permutations(c.devices) : [identity(c.devices)];
  const mms = mmsSymmetric(c) ? permutations(mmCount(c)) : [identity(mmCount(c))];
  return devs.flatMap((dev) => mms.map((mm) => arrangement({ dev, mm }))).filter((r) => !r.sameDevices || !r.sameMms);
}

const relabelCache = new WeakMap<IopfParams, Arrangement[]>();
/** The field encodings being compared, reused: this runs on every successor. */
const bestEncoding = new IntWriter(1024);
const theirEncoding = new IntWriter(1024);

/** `s` with its command queue's segments sorted (the identity's candidate); `s` itself when they are. */
function withSortedQueue(s: State, c: IopfParams): State {
  if (!c.smmu || !inAnyOrder(c)) return s;
  const cmdq = sortedSegments(s.arm_smmu.cmdq);
  return cmdq === s.arm_smmu.cmdq ? s : { ...s, arm_smmu: { ...s.arm_smmu, cmdq } };
}

/** The representative of `s`'s class: workers sorted, and of the devices' and mms' relabellings the least encoding. */
export function canonicalState(s: State, c: IopfParams): State {
  const sorted = workerSymmetry(c) === undefined ? s : sortWorkers(s, c);
  if (!devicesSymmetric(c) && !mmsSymmetric(c)) return sorted;
  let relabels = relabelCache.get(c);
  if (!relabels) {
    // Every state of a run has the fields of its initial state: a variant's is refused at the first.
    for (const key of Object.keys(s)) if (!KNOWN_FIELDS.has(key)) throw new Error(`symmetry '${c.symmetry!.join("', '")}' does not know the state field '${key}' (a variant's): it cannot relabel it`);
    relabelCache.set(c, (relabels = relabelsOf(c)));
  }
  const fields = fieldsOf(c);
  let best = withSortedQueue(sorted, c);
  for (const r of relabels) if (relabelledFirst(best, s, c, r, fields)) best = relabel(s, c, r);
  return best;
}

/**
 * Whether `s` relabelled by `r` comes before `best`, field by field in the codec's order (each
 * field's encoding compared as a key: a total order, so the least of a class is one state). A
 * field is relabelled only when the fields before it tie, which they seldom do past the first few.
 */
function relabelledFirst(best: State, s: State, c: IopfParams, r: Arrangement, fields: readonly Field[]): boolean {
  for (const { key: k, codec } of fields) {
    const f = RELABEL[k];
    const mine = best[k];
    const theirs = f && !unmoved(k, r) ? f(s, c, r) : s[k];
    if (mine === theirs) continue;
    bestEncoding.reset();
    codec.encode(mine, bestEncoding);
    theirEncoding.reset();
    codec.encode(theirs, theirEncoding);
    const d = compareEncodings(theirEncoding, bestEncoding);
    if (d !== 0) return d < 0;
  }
  return false;
}

function compareEncodings(a: IntWriter, b: IntWriter): number {
  const n = Math.min(a.len, b.len);
  for (let i = 0; i < n; i++) if (a.buf[i] !== b.buf[i]) return a.buf[i]! - b.buf[i]!;
  return a.len - b.len;
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
  if (c.symmetry?.includes('mms') && !c.smmu) throw new HarnessError("params: symmetry 'mms' needs smmu: without it device d binds mm d % pasids, so 'devices' relabels the mms with them");
  if (!devicesSymmetric(c) && !mmsSymmetric(c)) return workers;
  refuseUnrelabelled(c);
  const n = relabelsOf(c).length + 1;
  const what =
    c.mms === 0
      ? `the ${c.devices} devices with the mms they bind are interchangeable`
      : [devicesSymmetric(c) ? `the ${c.devices} devices` : '', mmsSymmetric(c) ? `the ${c.mms} mms` : ''].filter(Boolean).join(' and ') + ' are interchangeable';
  const parts = `${what} (${n} arrangements; the least encoding: the exact canonical form)`;
  return workers === undefined ? `symmetry reduction: ${parts}` : `${workers}; ${parts}`;
}

/** The slices the relabelling does not cover, and the SMMU-side bounds under which devices or mms differ. */
function refuseUnrelabelled(c: IopfParams): void {
  const refuse = (why: string): never => {
    throw new HarnessError(`params: symmetry '${c.symmetry!.join("', '")}' ${why}`);
  };
  if (c.evtq || c.httu || c.cpus > 0) refuse('cannot be declared with evtq, httu or cpus (their slices name devices and mms it does not relabel)');
  if (!c.smmu) return;
  if (nrSmmus(c) > 1 || c.attach) refuse('cannot be declared with smmus or attach: the devices sit in different domains or move between them');
  if (devicesSymmetric(c) && !inAnyOrder(c)) refuse("cannot relabel the devices with cmdq 'fifo': the SMMU performs a domain's CFGI_CD and ATC_INV in StreamID order");
}
