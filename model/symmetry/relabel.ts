// A relabelling of the state (model/symmetry/symmetry.ts): devices, mms and pages to new indexes.
// What relabels: every array indexed by device, mm or page, every field naming one (a fault's
// device and address, a group's flush bits, a worker's mm, an IOASID's private mm and its bond
// holders, an mm_count bond holder, sva_lock's and a CMD_SYNC's owner number, a munmap's page, a
// CPU's current mm; a master's bonds and ATC, the cached CDs, a CD's, TLB entry's, notifier's and
// shared ASID's mm, a command's StreamID and page, each SMMU's TLB and command queue alike), and
// the sets sorted by them. Identities the kernel allocates (PASIDs, ASIDs, notifiers) stay: their
// allocators hand out the lowest free one whatever asks; a CPU's ASID state holds context ids,
// which move with their mm. HTTU, the event queue and attach are left out, so params refuse the
// symmetry with them.
import { compareKeys, groupKey } from '../canonical.ts';
import { sortedWorkers, workerSymmetry } from '../io-pgfault/symmetry.ts';
import type { IopfGroup, IopfQueue, Worker } from '../io-pgfault/state.ts';
import type { IommuFault } from '../iommu/state.ts';
import type { DevIommu } from '../iommu/dev-iommu.ts';
import type { IoasidState } from '../ioasid/ioasid.ts';
import { ioasidHolderKey } from '../ioasid/ioasid.ts';
import { mmHolderKey, type MmStruct } from '../mm/mm.ts';
import type { HwqEntry } from '../arm-smmu-v3/priq-state.ts';
import { PRIVATE_TLB_ENTRY, type Cd, type Cmd, type SmmuState, type TlbEntry } from '../arm-smmu-v3/state.ts';
import { driverOwner, exitOwner, mmCount, procOwner } from '../sva/config.ts';
import type { IopfParams } from '../params.ts';
import type { State } from '../state.ts';
import type { DeviceId, MmId } from '../ids.ts';

/** A relabelling: the new index of each device, each mm and each page (`dev[old] = new`). */
export interface Relabel {
  readonly dev: readonly number[];
  readonly mm: readonly number[];
  readonly page: readonly number[];
}

/** What a relabelling moves: a state field that names none of what it moves is left as it is. */
export type Part = 'dev' | 'mm' | 'page';

/** A relabelling with the state fields it changes (those that name what it moves). */
export interface Arrangement extends Relabel {
  readonly moved: ReadonlySet<keyof State>;
}

/** The state fields this file relabels or leaves alone (identical for every device); any other is a variant's. */
export const KNOWN_FIELDS = new Set([
  'smmu', 'hwq', 'priq', 'devices', 'dev_iommu', 'drivers', 'priq_flush', 'queue', 'workers', 'ioasid', 'ioasid_reused',
  'mms', 'procs', 'exit_mmap', 'next_process', 'cpu_asid', 'cpu_mm', 'other_processes', 'arm_smmu',
  'sva_lock', 'sva', 'msi', 'ghost',
]);

/**
 * `out[r[i]] = a[i]`: an array indexed by device, mm or page after the relabelling; `a` itself when
 * that changes nothing, so that the comparison skips it (canonicalState).
 */
function reindex<T>(a: T[], r: readonly number[], map: (x: T) => T = (x) => x): T[] {
  const out = new Array<T>(a.length);
  let same = true;
  for (let i = 0; i < a.length; i++) {
    const to = r[i] ?? i;
    const x = map(a[i]!);
    out[to] = x;
    same &&= to === i && x === a[i];
  }
  return same ? a : out;
}

/** `a.map(f)`, or `a` itself when `f` returns every element as it is. */
function mapSame<T>(a: T[], f: (x: T) => T): T[] {
  let out: T[] | undefined;
  for (let i = 0; i < a.length; i++) {
    const x = f(a[i]!);
    if (out === undefined && x !== a[i]) out = a.slice(0, i);
    out?.push(x);
  }
  return out ?? a;
}

const fault = (f: IommuFault, r: Relabel): IommuFault => ({ ...f, dev: r.dev[f.dev]! as DeviceId, addr: r.page[f.addr] ?? f.addr });

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
  const devices = q.devices.map((d) => r.dev[d]! as DeviceId).sort((a, b) => a - b);
  const wq = q.wq.map((g) => group(g, r)).sort(byGroupKey);
  // Its devices are a sorted set: all of them (the common case) relabel to themselves.
  if (wq.length === 0 && devices.every((d, i) => d === q.devices[i])) return q;
  return { state: q.state, devices, wq };
}

const worker = (w: Worker, r: Relabel): Worker =>
  w.pc === 'idle' ? w : { ...w, group: group(w.group, r), mm: w.mm === null ? null : (r.mm[w.mm]! as MmId) };

const hwqEntry = (e: HwqEntry, r: Relabel): HwqEntry =>
  e.kind === 'ppr' ? { kind: 'ppr', fault: fault(e.fault, r) } : { ...e, dev: r.dev[e.dev]! as DeviceId };

const noFaults = (di: DevIommu): boolean => (di.fault_param?.faults.length ?? 0) === 0 && (di.iopf_param?.partial.length ?? 0) === 0;

function devIommu(di: DevIommu, r: Relabel): DevIommu {
  if (noFaults(di)) return di;
  return {
    lock: di.lock,
    fault_param: di.fault_param && { faults: di.fault_param.faults.map((f) => fault(f, r)) },
    iopf_param: di.iopf_param && { partial: di.iopf_param.partial.map((f) => fault(f, r)) },
  };
}

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
  pages: reindex(m.pages, r.page),
  unmap: m.unmap && { ...m.unmap, page: r.page[m.unmap.page]! },
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
      return { ...x, sid: r.dev[x.sid]! as DeviceId };
    case 'ATC_INV':
      return { ...x, sid: r.dev[x.sid]! as DeviceId, page: x.page < 0 ? x.page : r.page[x.page]! };
    case 'TLBI_NH_VA':
    case 'TLBI_EL2_VA':
      return { ...x, page: r.page[x.page]! };
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

/** The SMMU slice relabelled: masters, their bonds and ATCs, cached CDs by device; every CD, TLB entry, notifier and shared ASID naming an mm; TLB and ATC entries and commands by page; the other SMMUs' TLBs and queues alike. */
function smmu(a: SmmuState, c: IopfParams, r: Relabel): SmmuState {
  return {
    ...a,
    masters: reindex(a.masters, r.dev, (m) => ({ ...m, bonds: reindex(m.bonds, r.mm) })),
    domains: a.domains.map((d) => ({ ...d, cdtab: d.cdtab.map((x) => cd(x, r)) })),
    cdcache: reindex(a.cdcache, r.dev, (row) => row.map((x) => x && cd(x, r))),
    asid_xa: a.asid_xa.map((e) => (e?.type === 'shared' ? { ...e, mm: relabelMm(e.mm, r) } : e)),
    mmu_notifiers: a.mmu_notifiers.map((n) => n && { ...n, mm: relabelMm(n.mm, r) }),
    tlb: a.tlb.map((row) => tlbRow(row, r)),
    atc: reindex(a.atc, r.dev, (ssids) => ssids.map((pages) => reindex(pages, r.page, (e) => (e === null ? e : relabelMm(e, r))))),
    cmdq: commands(a.cmdq, c, r),
    ...(a.smmus ? { smmus: a.smmus.map((x) => ({ tlb: x.tlb.map((row) => tlbRow(row, r)), cmdq: commands(x.cmdq, c, r) })) } : {}),
  };
}

// Named closures inside a function run on every successor are hoisted: the TypeScript loader
// (tsx, keepNames) names each one as it is made, a defineProperty a call.
const relabelMm = (m: MmId, r: Relabel): MmId => r.mm[m]! as MmId;

/** A TLB row (an ASID's) relabelled: its pages, and the mm of each entry. */
const tlbRow = (row: (TlbEntry | null)[], r: Relabel): (TlbEntry | null)[] =>
  reindex(row, r.page, (e) => (e === null || e === PRIVATE_TLB_ENTRY ? e : (r.mm[e]! as MmId)));

/** A command queue relabelled, its segments between CMD_SYNCs sorted where the SMMU performs them in any order. */
const commands = (q: Cmd[], c: IopfParams, r: Relabel): Cmd[] => (inAnyOrder(c) ? sortedSegments(q.map((x) => command(x, c, r))) : q.map((x) => command(x, c, r)));

/** The SMMU performs the commands up to a CMD_SYNC in any order (param cmdq), which the device relabelling needs. */
export const inAnyOrder = (c: IopfParams): boolean => c.cmdq !== 'fifo';

/**
 * How each state field that names a device, an mm or a page is relabelled (the others are the same
 * for every device), and what it names (a fault's address is a page): a relabelling that moves none
 * of that leaves the field as it is.
 */
type FieldRelabel = (s: State, c: IopfParams, r: Relabel) => unknown;
const RELABEL: Readonly<Partial<Record<keyof State, { readonly names: readonly Part[]; readonly f: FieldRelabel }>>> = {
  // An empty queue names no device: the same object, which the comparison then skips.
  hwq: { names: ['dev', 'page'], f: (s, _c, r) => (s.hwq.entries.length === 0 ? s.hwq : { ...s.hwq, entries: s.hwq.entries.map((e) => hwqEntry(e, r)) }) },
  priq: { names: ['dev', 'page'], f: (s, _c, r) => (s.priq.evt === null ? s.priq : { ...s.priq, evt: hwqEntry(s.priq.evt, r) }) },
  devices: { names: ['dev'], f: (s, _c, r) => reindex(s.devices, r.dev) },
  dev_iommu: { names: ['dev', 'page'], f: (s, _c, r) => reindex(s.dev_iommu, r.dev, (di) => devIommu(di, r)) },
  drivers: { names: ['dev'], f: (s, _c, r) => reindex(s.drivers, r.dev) },
  priq_flush: { names: ['dev'], f: (s, _c, r) => reindex(s.priq_flush, r.dev) },
  queue: { names: ['dev', 'page'], f: (s, _c, r) => (s.queue.devices.length === 0 && s.queue.wq.length === 0 ? s.queue : queue(s.queue, r)) },
  workers: {
    names: ['dev', 'mm', 'page'],
    f: (s, c, r) => {
      const workers = mapSame(s.workers, (w) => worker(w, r));
      return workerSymmetry(c) === undefined ? workers : sortedWorkers(workers, c);
    },
  },
  ioasid: { names: ['dev', 'mm'], f: (s, _c, r) => ioasid(s.ioasid, r) },
  mms: { names: ['dev', 'mm', 'page'], f: (s, _c, r) => reindex(s.mms, r.mm, (m) => mm(m, r)) },
  procs: { names: ['mm'], f: (s, _c, r) => reindex(s.procs, r.mm) },
  cpu_mm: { names: ['mm'], f: (s, _c, r) => mapSame(s.cpu_mm, (x) => (x.kind === 'mm' ? { kind: 'mm' as const, mm: r.mm[x.mm]! as MmId } : x)) },
  exit_mmap: { names: ['mm'], f: (s, _c, r) => reindex(s.exit_mmap, r.mm) },
  sva_lock: { names: ['dev', 'mm'], f: (s, c, r) => owner(s.sva_lock, c, r) },
  sva: { names: ['dev', 'mm'], f: (s, _c, r) => reindex(s.sva, r.dev, (h) => ({ ...h, mm: h.mm === null ? null : (r.mm[h.mm]! as MmId) })) },
  arm_smmu: { names: ['dev', 'mm', 'page'], f: (s, c, r) => (c.smmu ? smmu(s.arm_smmu, c, r) : s.arm_smmu) },
};

/** Field `k` of `s` relabelled by `r` (one that `r` moves). */
export const relabelField = (k: keyof State, s: State, c: IopfParams, r: Relabel): unknown => RELABEL[k]!.f(s, c, r);

export function relabel(s: State, c: IopfParams, r: Arrangement): State {
  const out: Record<string, unknown> = { ...s };
  for (const key of r.moved) out[key] = RELABEL[key]!.f(s, c, r);
  return out as unknown as State;
}

/** Every permutation of 0..n-1. */
export function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

export const identity = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const isIdentity = (p: readonly number[]): boolean => p.every((to, from) => to === from);

export function arrangement(r: Relabel): Arrangement {
  const parts = new Set<Part>();
  if (!isIdentity(r.dev)) parts.add('dev');
  if (!isIdentity(r.mm)) parts.add('mm');
  if (!isIdentity(r.page)) parts.add('page');
  const moved = new Set<keyof State>();
  for (const [key, field] of Object.entries(RELABEL)) if (field.names.some((part) => parts.has(part))) moved.add(key as keyof State);
  return { ...r, moved };
}
