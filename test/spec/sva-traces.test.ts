// The two event logs of seed 001 (copied from shared/traces/ to test/spec/traces/, Jean-Philippe Brucker's SMMU-model test, review
// message #28) are behaviours of the sva model: a search finds a run whose events, rendered in the
// log's terms, are exactly the log. Abstractions: group numbers are not compared (the device picks
// its PRG index), addresses are numbered by first appearance (address k = page k of the model), and
// an invalidated range is one page. The kernel calls invalidate_range twice per range
// (mmu_notifier_invalidate_range_end, then tlb_flush_mmu_tlbonly), and so does the model: each call
// renders as one of the log's two identical lines.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyWithImmer, compile, enabledMoves, type Move } from '../../explorer/compile.ts';
import type { State } from '../../model/state.ts';
import { IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE, hasFlag } from '../../model/types.ts';
import sva from '../../spec/sva.ts';

const params = sva.params.parse({
  smmu: true,
  devices: 1,
  mms: 1,
  pasids: 1,
  vmas: ['rw', 'rw'],
  accesses: 2,
  binds: 1,
  dma: false,
  munmap: true,
  exit: true,
  groups: 2,
  requests: 1,
  workers: 1,
  queue: 1,
  ridRequests: false,
  allocFailures: false,
  nextProcess: false,
  // Both logs end with the device's faults answered before its driver stops it.
  pasidStop: 'wait',
});

/** The log's events, with addresses and ranges numbered by first appearance and groups dropped. */
function readLog(file: string): string[] {
  const addrs: string[] = [];
  const ranges: string[] = [];
  const index = (list: string[], x: string): number => (list.includes(x) ? list.indexOf(x) : list.push(x) - 1);
  return readFileSync(new URL(`./traces/${file}`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [event, rest] = line.split(': ');
      const f = Object.fromEntries([...rest!.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]]));
      switch (event) {
        case 'smmu_bind_alloc':
        case 'smmu_unbind_free':
        case 'smmu_mm_release':
          return `${event} pasid=${f['pasid']}`;
        case 'dev_fault':
          return `dev_fault pasid=${f['pasid']} addr=${index(addrs, f['addr']!)} prot=${f['prot']}`;
        case 'dev_page_response':
          return `dev_page_response code=${f['code']} pasid=${f['pasid']}`;
        case 'smmu_mm_invalidate':
          return `smmu_mm_invalidate pasid=${f['pasid']} range=${index(ranges, `${f['start']}-${f['end']}`)}`;
        default:
          throw new Error(`unknown event ${line}`);
      }
    });
}

const CODES = { SUCCESS: 0, INVALID: 1, FAILURE: 2 } as const;

/** The log lines a move prints (the tracepoints of the SVA development tree), or none. */
function events(before: State, move: Move<State>, after: State): string[] {
  const step = move.action.step.name;
  const self = move.action.self;
  const pasid = before.mms[0]!.pasid || after.mms[0]!.pasid;
  switch (step) {
    case '__arm_smmu_sva_bind':
      return after.arm_smmu.masters[self]!.bonds.some((b, mm) => b !== null && before.arm_smmu.masters[self]!.bonds[mm] === null)
        ? [`smmu_bind_alloc pasid=${pasid}`]
        : [];
    case 'iommu_report_device_fault': {
      const e = before.priq.evt;
      if (e?.kind !== 'ppr' || !hasFlag(e.fault.flags, IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE)) return [];
      return [`dev_fault pasid=${e.fault.pasid} addr=${e.fault.addr} prot=${e.fault.perm}`];
    }
    case 'arm_smmu_mm_release':
      return [`smmu_mm_release pasid=${pasid}`];
    case 'iopf_complete_group': {
      const w = before.workers[self]!;
      return w.pc === 'complete' ? [`dev_page_response code=${CODES[w.status]} pasid=${w.group.last_fault.pasid}`] : [];
    }
    case 'arm_smmu_mm_invalidate_range': {
      return [`smmu_mm_invalidate pasid=${pasid} range=${before.mms[0]!.unmap!.page}`];
    }
    case 'iommu_sva_free_pasid':
      return [`smmu_unbind_free pasid=${pasid}`];
    default:
      return [];
  }
}

/** Breadth-first search for a run that prints exactly `log` and ends with the driver done. */
function replays(log: readonly string[]): string[] | null {
  const compiled = compile(sva, params);
  type Node = { s: State; pos: number; path: string[] };
  const seen = new Set<string>();
  let frontier: Node[] = compiled.initStates.map((s) => ({ s, pos: 0, path: [] }));
  for (let depth = 0; depth < 200 && frontier.length > 0; depth++) {
    const next: Node[] = [];
    for (const n of frontier) {
      if (n.pos === log.length && n.s.drivers[0] === 'done') return n.path;
      for (const m of enabledMoves(compiled, n.s)) {
        const after = applyWithImmer(m.action, n.s, m.choice);
        const out = events(n.s, m, after);
        if (out.some((e, i) => log[n.pos + i] !== e)) continue;
        const pos = n.pos + out.length;
        const key = `${pos}|${JSON.stringify(after)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        next.push({ s: after, pos, path: [...n.path, m.action.stepKey] });
      }
    }
    frontier = next;
  }
  return null;
}

describe('seed 001 traces are behaviours of the sva model', () => {
  it('seed001-normal-job.log: bind, two faults answered SUCCESS, two munmaps (invalidate_range), unbind', () => {
    const log = readLog('seed001-normal-job.log');
    const path = replays(log);
    expect(path).not.toBeNull();
    expect(path).toContain('process/arm_smmu_mm_invalidate_range');
    expect(path).not.toContain('exit_mmap/arm_smmu_mm_release');
  }, 120_000);

  it('seed001-killed-process.log: the process exits with a fault in flight, release, SUCCESS then INVALID, no invalidate_range', () => {
    const log = readLog('seed001-killed-process.log');
    const path = replays(log);
    expect(path).not.toBeNull();
    expect(path).not.toContain('process/arm_smmu_mm_invalidate_range');
    expect(path!.indexOf('process/do_exit')).toBeLessThan(path!.indexOf('exit_mmap/arm_smmu_mm_release'));
  }, 120_000);
});
