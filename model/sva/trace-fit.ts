// What validate-trace needs of the sva model besides the tracepoints: the bounds a log needs, the
// part of a state that decides which lines can come next, and a one-line summary of a state.
import type { RaisedBound } from '../../explorer/trace-validate/events.ts';
import { initialState } from '../layout.ts';
import type { Perm } from '../mm/mm.ts';
import type { IopfParams } from '../params.ts';
import type { State } from '../state.ts';
import { IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE, IOMMU_FAULT_PERM_READ, IOMMU_FAULT_PERM_WRITE, hasFlag } from '../types.ts';
import { PAGE_SHIFT, pageOf, type SvaLogEvent } from './trace-log.ts';

type Fault = Extract<SvaLogEvent, { event: 'dev_fault' }>;
type Range = Extract<SvaLogEvent, { event: 'smmu_mm_invalidate' }>;

const count = <T>(xs: readonly T[]): number => new Set(xs).size;

/** Page request groups of the device with the most (a group the log leaves open counts too), and requests in a group. */
function groupsOf(faults: readonly Fault[]): { groups: number; requests: number; dev: string } {
  const perDevice = [...new Set(faults.map((f) => f.dev))].map((dev) => {
    const open = new Map<number, number>();
    let groups = 0;
    let requests = 0;
    for (const f of faults.filter((x) => x.dev === dev)) {
      const sent = (open.get(f.group) ?? 0) + 1;
      requests = Math.max(requests, sent);
      if (hasFlag(f.flags, IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE)) {
        open.delete(f.group);
        groups++;
      } else {
        open.set(f.group, sent);
      }
    }
    return { dev, groups: groups + open.size, requests };
  });
  const most = perDevice.reduce((a, b) => (b.groups > a.groups ? b : a), { dev: '', groups: 0, requests: 0 });
  return { ...most, requests: Math.max(0, ...perDevice.map((d) => d.requests)) };
}

/**
 * Pages of the address space with the most: those faulted (each a model page the device may request,
 * `accesses`), plus one for each invalidated range that covers none of them (a munmap of another page).
 */
function pagesOf(faults: readonly Fault[], ranges: readonly Range[]): { faulted: number; total: number } {
  const perPasid = [...new Set([...faults.map((f) => f.pasid), ...ranges.map((r) => r.pasid)])].map((pasid) => {
    const faulted = new Set(faults.filter((f) => f.pasid === pasid).map((f) => pageOf(f.addr)));
    const covers = (r: Range): boolean => [...faulted].some((p) => p >= pageOf(r.start) && BigInt(p) << BigInt(PAGE_SHIFT) < r.end);
    const elsewhere = new Set(ranges.filter((r) => r.pasid === pasid && !covers(r)).map((r) => `${r.start}-${r.end}`));
    return { faulted: faulted.size, total: faulted.size + elsewhere.size };
  });
  return { faulted: Math.max(0, ...perPasid.map((p) => p.faulted)), total: Math.max(0, ...perPasid.map((p) => p.total)) };
}

/** The config raised to what the log shows; bounds already large enough are kept. */
export function fitSva(log: readonly SvaLogEvent[], c: IopfParams): { config: IopfParams; raised: RaisedBound[] } {
  const raised: RaisedBound[] = [];
  const out: Record<string, unknown> = { ...c };
  const atLeast = (param: keyof IopfParams, need: number, why: string): void => {
    const had = c[param] as number;
    if (need <= had) return;
    out[param] = need;
    raised.push({ param, from: had, to: need, why });
  };
  const turnOn = (param: keyof IopfParams, need: boolean, why: string): void => {
    if (!need || c[param] === true) return;
    out[param] = true;
    raised.push({ param, from: c[param] ?? false, to: true, why });
  };
  const faults = log.filter((e): e is Fault => e.event === 'dev_fault');
  const ranges = log.filter((e): e is Range => e.event === 'smmu_mm_invalidate');
  const devices = count(log.flatMap((e) => ('dev' in e ? [e.dev] : [])));
  atLeast('devices', devices, `${devices} devices`);
  const bound = count(log.flatMap((e) => (e.event === 'smmu_bind_alloc' && e.pasid !== 0 ? [e.pasid] : [])));
  atLeast('pasids', bound, `${bound} PASIDs bound`);
  atLeast('mms', bound, `${bound} address spaces bound`);
  const g = groupsOf(faults);
  atLeast('groups', g.groups, `${g.groups} page request groups of ${g.dev}`);
  atLeast('requests', g.requests, `a group of ${g.requests} requests`);
  const p = pagesOf(faults, ranges);
  atLeast('accesses', p.faulted, `${p.faulted} pages faulted`);
  if (p.total > c.vmas.length) {
    const vmas: Perm[] = [...c.vmas, ...Array<Perm>(p.total - c.vmas.length).fill('rw')];
    out['vmas'] = vmas;
    raised.push({ param: 'vmas', from: c.vmas, to: vmas, why: `${p.total} pages: ${p.faulted} faulted, ${p.total - p.faulted} unmapped elsewhere` });
    // A page the device never requests is not like the others (model/symmetry/symmetry.ts refuses it).
    const accesses = out['accesses'] as number;
    if (c.symmetry?.includes('pages') && accesses < vmas.length) {
      const symmetry = c.symmetry.filter((x) => x !== 'pages');
      out['symmetry'] = symmetry;
      raised.push({ param: 'symmetry', from: c.symmetry, to: symmetry, why: `${vmas.length - accesses} of the ${vmas.length} pages never requested by a device` });
    }
  }
  const reads = faults.some((f) => hasFlag(f.prot, IOMMU_FAULT_PERM_READ) && !hasFlag(f.prot, IOMMU_FAULT_PERM_WRITE));
  turnOn('reads', reads, 'read faults');
  turnOn('munmap', ranges.length > 0, 'invalidated ranges');
  turnOn('exit', log.some((e) => e.event === 'smmu_mm_release'), 'a release');
  return { config: out as IopfParams, raised };
}

const initial = new WeakMap<IopfParams, State>();

/**
 * The state without what only the device's DMA reads (the TLB, the ATC, the SMMU's CD and STE caches
 * and event kinds: model/arm-smmu-v3/tlb.ts is their only reader, called from model/sva/dma.ts) and
 * without the ghosts (read by invariants and by dma_private's guard alone). No tracepoint, no guard
 * or choice of another step and no other field depends on them: two states that differ only there
 * print the same logs from then on, and the DMA, which prints nothing, need not be searched.
 */
export function observableSva(s: State, c: IopfParams): State {
  let init = initial.get(c);
  if (!init) initial.set(c, (init = initialState(c)));
  return {
    ...s,
    arm_smmu: {
      ...s.arm_smmu,
      tlb: init.arm_smmu.tlb,
      atc: init.arm_smmu.atc,
      cdcache: init.arm_smmu.cdcache,
      events: init.arm_smmu.events,
      ...(s.arm_smmu.smmus ? { smmus: s.arm_smmu.smmus.map((q, i) => ({ ...q, tlb: init.arm_smmu.smmus![i]!.tlb })) } : {}),
      ...(s.arm_smmu.attach ? { attach: { ...s.arm_smmu.attach, ste_cached: init.arm_smmu.attach!.ste_cached } } : {}),
    },
    ghost: init.ghost,
  };
}

/** Where the drivers, the owners and the fault path are: what decides which line comes next. */
export function describeSva(s: State): string {
  const parts: string[] = [];
  s.drivers.forEach((pc, dev) => {
    const prgs = s.devices[dev]!.prgs.filter((p) => p.state === 'sending' || p.state === 'waiting');
    const waits = prgs.length === 0 ? 'no request outstanding' : prgs.map((p) => `grpid ${p.grpid} ${p.state}`).join(', ');
    parts.push(`driver ${dev} at ${pc} (device PRI ${s.devices[dev]!.pri}, ${waits})`);
  });
  s.mms.forEach((m, mm) => {
    const present = m.pages.flatMap((p, i) => (p.pte === 'present' ? [i] : []));
    parts.push(
      `mm ${mm} ${m.exit.state}${m.pasid !== 0 ? ` with pasid ${m.pasid}` : ''}, owner ${s.procs[mm]!.pc}, pages present [${present.join(' ')}]`,
    );
  });
  const pending = s.dev_iommu.reduce((n, di) => n + (di.fault_param?.faults.length ?? 0), 0);
  const busy = s.workers.filter((w) => w.pc !== 'idle').length;
  parts.push(`PRI queue ${s.hwq.entries.length}, thread ${s.priq.pc}, ${s.queue.wq.length} groups queued, ${busy} workers busy, ${pending} responses pending`);
  return parts.join('; ');
}
