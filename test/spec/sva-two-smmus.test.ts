// Two SMMUs (param smmus): the layout of one-SMMU configs is as it was, each SMMU has its own TLB
// and queue, a bind on one SMMU's master seizes the other SMMU's private ASID (asid_xa is global)
// on that domain and SMMU, invalidation-reaches-every-smmu on hand-made states, and at
// sva-two-smmus the mutation notifier-per-mm (one notifier for the mm, on the first SMMU's domain)
// leaves the second SMMU's entry behind when munmap's flush completes, and at sva-two-smmus-exit
// exit_mmap's release, called once for the one notifier, leaves the second SMMU's TLB and its
// master's ATC. The baseline's count and verdict at sva-two-smmus are test/spec/configs.test.ts's;
// sva-two-smmus-exit is exhaustive and takes over half a minute, so its baseline is measured with
// the benchmarks (bench/RESULTS.md).
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/bfs.ts';
import { encodeToArray } from '../../explorer/codec.ts';
import { compile } from '../../explorer/compile.ts';
import type { Invariant } from '../../explorer/model.ts';
import { expectedVerdict, verdictOf } from '../../explorer/verdict.ts';
import { arm_smmu_cmdq_consume, cmdq_sync_done } from '../../model/arm-smmu-v3/cmdq.ts';
import { seizedAsid, seizingDomain } from '../../model/arm-smmu-v3/asid.ts';
import { smmuDevice, smmuDevices } from '../../model/arm-smmu-v3/state.ts';
import { arm_smmu_tlb_inv_range_asid } from '../../model/arm-smmu-v3/tlb.ts';
import type { Asid, DomainId, MmId, NotifierId, SmmuId } from '../../model/ids.ts';
import { initialState, stateCodec } from '../../model/layout.ts';
import type { State } from '../../model/state.ts';
import { invalidationReachesEverySmmu } from '../../spec/invariants/smmus.ts';
import sva from '../../spec/sva.ts';
import config from '../../spec/configs/sva-two-smmus.json' with { type: 'json' };
import exitConfig from '../../spec/configs/sva-two-smmus-exit.json' with { type: 'json' };
import notifierPerMm from '../../spec/variants/sva/notifier-per-mm.ts';
import { svaSmall, svaVariant } from './sva-helpers.ts';
import { exploreOnce } from '../helpers/explore-once.ts';

const params = sva.params.parse(config.params);
const MM = 0 as MmId;
const ASID = 3 as Asid;
const smmu = (k: number): SmmuId => k as SmmuId;

/**
 * sva-two-smmus with mm 0's munmap of page 0 flushed (PTE cleared, every invalidate_range returned),
 * a notifier of the mm linked on each domain in `domains`, and SMMU k's TLB holding the page for
 * each k in `tlb`.
 */
function flushed(domains: number[], tlb: number[], atc: number[] = []): State {
  const s = structuredClone(initialState(params));
  const m = s.mms[MM]!;
  m.pages[0]!.pte = 'zapped';
  m.unmap = { page: 0, phase: 'range_end', pending: [] };
  domains.forEach((dom, i) => {
    s.arm_smmu.mmu_notifiers[i] = { domain: dom as DomainId, mm: MM, refs: 1, cleared: false, cd: ASID, freeing: false };
    m.notifiers.push({ id: i as NotifierId, ops: dom, users: 1, linked: true });
  });
  for (const k of tlb) smmuDevice(s.arm_smmu, smmu(k)).tlb[ASID]![0] = MM;
  for (const sid of atc) s.arm_smmu.atc[sid]![1]![0] = MM;
  return s;
}

const holds = (s: State, c = params): boolean => invalidationReachesEverySmmu.holds(s, c);

describe('several SMMUs', () => {
  it('one-SMMU configs keep their layout: the slice has no smmus field; two SMMUs are two domains, one master each', () => {
    expect('smmus' in initialState(svaSmall).arm_smmu).toBe(false);
    const two = initialState(params);
    expect(two.arm_smmu.smmus).toHaveLength(1);
    expect(two.arm_smmu.masters.map((m) => m.domain)).toEqual([0, 1]);
    // Both private ASIDs come from the one global arm_smmu_asid_xa.
    expect(two.arm_smmu.domains.map((d) => d.asid)).toEqual([1, 2]);
    expect(encodeToArray(stateCodec(params), two).length).toBeGreaterThan(encodeToArray(stateCodec(svaSmall), initialState(svaSmall)).length);
  });

  it("each SMMU performs its own queue: a TLBI for a domain of SMMU 1 leaves SMMU 0's TLB alone", () => {
    const s = flushed([], [0, 1]);
    arm_smmu_tlb_inv_range_asid(s.arm_smmu, 1 as DomainId, ASID, 0, 7);
    expect(s.arm_smmu.cmdq).toEqual([]);
    expect(smmuDevice(s.arm_smmu, smmu(1)).cmdq.map((c) => c.op)).toEqual(['TLBI_NH_VA', 'CMD_SYNC']);
    expect(cmdq_sync_done(s.arm_smmu, 7)).toBe(false);
    arm_smmu_cmdq_consume(s.arm_smmu, smmu(1), 0);
    arm_smmu_cmdq_consume(s.arm_smmu, smmu(1), 0);
    expect(cmdq_sync_done(s.arm_smmu, 7)).toBe(true);
    expect(smmuDevice(s.arm_smmu, smmu(1)).tlb[ASID]![0]).toBeNull();
    expect(s.arm_smmu.tlb[ASID]![0]).toBe(MM);
  });
});

/** A seize's TLBI issued (driver at bind_seize_end): which domain it seized, with the master's and the TLBI's SMMU. */
function seizeOf(s: State): { binder: number; seized: DomainId; tlbiOn: number[] } | null {
  const binder = s.drivers.indexOf('bind_seize_end');
  if (binder < 0) return null;
  const seized = seizingDomain(s.arm_smmu);
  const old = seizedAsid(s.arm_smmu, seized);
  const tlbiOn = smmuDevices(s.arm_smmu).flatMap((q, k) => (q.cmdq.some((c) => c.op === 'TLBI_NH_ASID' && c.asid === old) ? [k] : []));
  return { binder, seized, tlbiOn };
}

describe('a bind seizes the private ASID of a domain on another SMMU (arm_smmu_asid_xa is global)', () => {
  // The first state, breadth-first, where a master binds the mm whose CPU ASID the other SMMU's domain holds.
  const cross: Invariant<State> = {
    name: 'no-cross-smmu-seize',
    description: "a probe: no bind seizes the ASID of a domain other than its master's",
    source: 'test',
    holds: (s) => {
      const x = seizeOf(s);
      return x === null || x.seized === s.arm_smmu.masters[x.binder]!.domain;
    },
  };
  const r = explore(compile({ ...sva, invariants: [cross], witnesses: [], liveness: [], actionProperties: [] }, params), { maxDepth: config.bounds.maxDepth });
  const last = r.kind === 'violation' ? (r.violations[0]!.trace.at(-1)!.state as State) : null;

  it("rewrites the other domain's CD 0 with its new ASID and sends the old ASID's TLBI to that domain's SMMU alone", () => {
    const x = seizeOf(last!)!;
    const own = last!.arm_smmu.masters[x.binder]!.domain!;
    expect(x.seized).toBe(1 - own);
    expect(last!.arm_smmu.domains[x.seized]!.cdtab[0]!.asid).toBe(last!.arm_smmu.domains[x.seized]!.asid);
    expect(x.tlbiOn).toEqual([x.seized]);
    // The binder's own domain is untouched: its CD 0 keeps its ASID.
    expect(last!.arm_smmu.domains[own]!.cdtab[0]!.asid).toBe(last!.arm_smmu.domains[own]!.asid);
  });
});

describe('invalidation-reaches-every-smmu on hand-made states', () => {
  it('holds when each SMMU caching the page has a notifier of the mm on its domain', () => {
    expect(holds(flushed([0, 1], [0, 1], [0, 1]))).toBe(true);
    expect(holds(flushed([0], [0], [0]))).toBe(true);
  });

  it("fails when SMMU 1's TLB or device 1's ATC holds the page and the mm's only notifier is on SMMU 0's domain", () => {
    expect(holds(flushed([0], [0, 1]))).toBe(false);
    expect(holds(flushed([0], [], [1]))).toBe(false);
  });

  it('reads the flush: before every invalidate_range returned, or after the frame is freed, it says nothing', () => {
    const pending = flushed([0], [1]);
    pending.mms[MM]!.unmap!.pending = [0 as NotifierId];
    expect(holds(pending)).toBe(true);
    const zapped = flushed([0], [1]);
    zapped.mms[MM]!.unmap!.phase = 'zapped';
    expect(holds(zapped)).toBe(true);
  });

  it("with BTM the CPU's broadcast reaches every SMMU's TLB, but not the ATCs", () => {
    const btm = sva.params.parse({ ...config.params, btm: true });
    const s = flushed([0], [1], [1]);
    s.arm_smmu.features.btm = true;
    expect(holds(s, btm)).toBe(false);
    s.arm_smmu.atc[1]![1]![0] = null;
    expect(holds(s, btm)).toBe(true);
  });

  it('an unlinked notifier (mmu_notifier_put, mn_hlist_release) reaches nothing', () => {
    const s = flushed([0, 1], [1]);
    s.mms[MM]!.notifiers[1]!.linked = false;
    expect(holds(s)).toBe(false);
  });
});

describe(`notifier-per-mm at sva-two-smmus (depth ${config.bounds.maxDepth})`, () => {
  const r = explore(compile(svaVariant(notifierPerMm), params), { continueAfterViolation: true, maxDepth: config.bounds.maxDepth });

  it(`→ ${notifierPerMm.expect.violates.join(', ')}`, () => {
    expect(notifierPerMm.expect.config).toBe('sva-two-smmus');
    expect(verdictOf(r, [], config.expect.violates)).toEqual(expectedVerdict(notifierPerMm.expect, []));
  });

  it("the second device's bind joins the first domain's notifier, and SMMU 1 keeps the entry after the flush", () => {
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'invalidation-reaches-every-smmu') : undefined;
    expect(v?.length).toBe(42);
    const steps = v!.trace.map((t) => `${t.move?.process}/${t.move?.step}`);
    expect(steps).toContain('driver/arm_smmu_mmu_notifier_get/join_domain');
    const last = v!.trace.at(-1)!.state as State;
    expect(last.arm_smmu.mmu_notifiers.filter((n) => n !== null).map((n) => n.domain)).toEqual([0]);
    expect(smmuDevice(last.arm_smmu, smmu(1)).tlb.some((row) => row[0] === MM)).toBe(true);
    expect(last.arm_smmu.domains[1]!.cdtab[1]!.v).toBe(true);
  });

  it('the baseline reaches the witness every-smmu-caches-the-mm within the bound', () => {
    // The search configs.test.ts makes of the config (shared within a worker).
    const base = exploreOnce(sva, params, { continueAfterViolation: true, maxDepth: config.bounds.maxDepth });
    expect(base.witnesses.find((w) => w.name === 'every-smmu-caches-the-mm')?.reached).toBe(true);
  });
});

/** Where notifier-per-mm first leaves an entry behind at release: the depth its search here is bounded at. */
const RELEASE_DEPTH = 51;

describe(`notifier-per-mm at sva-two-smmus-exit (depth ${RELEASE_DEPTH})`, () => {
  const exitParams = sva.params.parse(exitConfig.params);
  const known = exitConfig.expect.findings.map((f) => f.property);
  const r = explore(compile(svaVariant(notifierPerMm), exitParams), { continueAfterViolation: true, maxDepth: RELEASE_DEPTH, liveness: false });

  it('→ no-stale-atc-after-release, no-stale-tlb-after-release: the release reaches only the SMMU of the one notifier', () => {
    expect(verdictOf(r, known, exitConfig.expect.violates)).toEqual({ violates: ['no-stale-atc-after-release', 'no-stale-tlb-after-release'], fixes: [] });
    const lengths = r.kind === 'violation' ? r.violations.map((v) => [v.property, v.length]) : [];
    expect(lengths).toContainEqual(['no-stale-tlb-after-release', RELEASE_DEPTH]);
    expect(lengths).toContainEqual(['no-stale-atc-after-release', RELEASE_DEPTH]);
  });

  it('mn_hlist_release calls arm_smmu_mm_release once, for the first domain: SMMU 1 keeps its TLB entry and device 1 its ATC entry', () => {
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'no-stale-tlb-after-release') : undefined;
    const steps = v!.trace.map((t) => `${t.move?.process}/${t.move?.step}`);
    expect(steps.filter((x) => x === 'exit_mmap/arm_smmu_mm_release')).toHaveLength(1);
    const last = v!.trace.at(-1)!.state as State;
    expect(last.mms[MM]!.exit.state).toMatch(/unmapping|exited/);
    expect(smmuDevice(last.arm_smmu, smmu(1)).tlb.some((row) => row.includes(MM))).toBe(true);
    expect(smmuDevice(last.arm_smmu, smmu(0)).tlb.some((row) => row.includes(MM))).toBe(false);
    const atc = r.kind === 'violation' ? r.violations.find((x) => x.property === 'no-stale-atc-after-release') : undefined;
    const atcLast = atc!.trace.at(-1)!.state as State;
    expect(atcLast.arm_smmu.atc[1]!.some((row) => row.includes(MM))).toBe(true);
    expect(atcLast.arm_smmu.atc[0]!.some((row) => row.includes(MM))).toBe(false);
  });
});
