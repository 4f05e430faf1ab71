// Bind/unbind, release and invalidate_range end to end, each scenario run the way a model step
// sequence would run it (SVA-NOTES.md): a kernel function, then `drain` where the thread sleeps on
// its CMD_SYNC. These are also the building blocks of the sva variants' verdicts.
import { check_and_switch_context, cpu_asid_init } from '../../model/mm/context.ts';
import { describe, expect, it } from 'vitest';
import { arm_smmu_write_ctx_desc_dword0 } from '../../model/arm-smmu-v3/cd.ts';
import { arm_smmu_cmdq_consume, cmdq_sync_done } from '../../model/arm-smmu-v3/cmdq.ts';
import { smmu_init } from '../../model/arm-smmu-v3/init.ts';
import { BIND_ALLOC_FAILURES } from '../../model/arm-smmu-v3/state.ts';
import type { DeviceId, MmId, NotifierId, SmmuId } from '../../model/ids.ts';

const SMMU0 = 0 as SmmuId;
import {
  __arm_smmu_sva_bind,
  __arm_smmu_sva_bind_register,
  arm_smmu_enable_ats,
  arm_smmu_master_disable_sva,
  arm_smmu_master_enable_sva,
  arm_smmu_sva_unbind,
} from '../../model/arm-smmu-v3/sva-bind.ts';
import { arm_smmu_mm_invalidate_range, arm_smmu_mm_release, arm_smmu_mmu_notifier_free, type ReleaseOpts, type SvaOpts, type SvaView } from '../../model/arm-smmu-v3/sva-notifier.ts';
import { arm_smmu_ats_translate, atc_lookup } from '../../model/arm-smmu-v3/tlb.ts';
import { ioasid_init } from '../../model/ioasid/ioasid.ts';
import { iommu_sva_free_pasid } from '../../model/iommu-sva/iommu-sva-lib.ts';
import { mm_init, mmput } from '../../model/mm/mm.ts';
import { mmu_notifier_invalidate_range_done, mmu_notifier_invalidate_range_end, mmu_notifier_release_done, mmu_notifier_release_next } from '../../model/mm/mmu-notifier.ts';
import { exit_mmap_unmap, handle_mm_fault, munmap_zap, tlb_finish_mmu, tlb_flush_mmu_tlbonly } from '../../model/mm/pgtable.ts';
import type { IoasidHolder } from '../../model/ioasid/ioasid.ts';

/** The PASID reference of device 0's bond. */
const B: IoasidHolder = { kind: 'bond', dev: 0 };

const dev = (n: number) => n as DeviceId;
const mmId = (n: number) => n as MmId;
const OWNER = 1;
const opts: SvaOpts = { owner: OWNER };

function system(features: { coherency?: boolean; stall_force?: boolean; iopf?: boolean; notifiers?: number } = {}): SvaView {
  const mmCfg = { nr_pages: 2, max_pasid: 3, max_asid: 3, max_context_id: 11, max_notifiers: 4, max_refs: 8, max_dev: 1 };
  const smmu = smmu_init({
    features: { coherency: features.coherency ?? true, btm: false, ats: true, stall_force: features.stall_force ?? false },
    masters: [0, 1].map(() => ({ domain: 0, ssid_max: 3, ats_capable: true, iopf_capable: features.iopf ?? true })),
    domains: [{ asid: 3 }],
    nr_mms: 2,
    nr_pages: 2,
    nr_iovas: 0,
    nr_ssids: 4,
    max_asid: 3,
    nr_notifiers: features.notifiers ?? 4,
    cmdq_size: 32,
    max_owner: 3,
    max_refs: 8,
  });
  // mm 0 then mm 1 run on the CPU: CPU ASIDs 1 and 2.
  const cpu_asid = cpu_asid_init({ asid_bits: 2, cpus: 1, max_generation: 2 });
  const mms = [mm_init(mmCfg, ['rw', 'rw']), mm_init(mmCfg, ['rw', 'rw'])];
  for (const m of mms) check_and_switch_context(cpu_asid, m, 0);
  return { smmu, mms, ioasid: ioasid_init({ nr_ids: 4, max_private: 1, max_set: 1, max_refs: 8, max_dev: 1 }), cpu_asid };
}
const drain = (d: SvaView) => {
  while (d.smmu.cmdq.length > 0) arm_smmu_cmdq_consume(d.smmu, SMMU0, 0);
  expect(cmdq_sync_done(d.smmu, OWNER)).toBe(true);
};
/** bind, and the install's second half after the first sync, as the bind steps would. */
function bind(d: SvaView, sid: number, mm: number): void {
  const r = __arm_smmu_sva_bind(d, dev(sid), mmId(mm), opts);
  if (typeof r === 'string' || 'seizing' in r) throw new Error(JSON.stringify(r));
  const reg = r.register === null ? { install_pending: false } : __arm_smmu_sva_bind_register(d, dev(sid), mmId(mm), opts);
  if (typeof reg === 'string') throw new Error(reg);
  drain(d);
  if (reg.install_pending) {
    const mn = d.smmu.mmu_notifiers[d.smmu.masters[sid]!.bonds[mm]!.smmu_mn]!;
    arm_smmu_write_ctx_desc_dword0(d.smmu, mn.domain, d.mms[mm]!.pasid, { asid: mn.cd }, opts);
    drain(d);
  }
}
function unbind(d: SvaView, sid: number, mm: number): void {
  if (arm_smmu_sva_unbind(d, dev(sid), mmId(mm), opts) === 'freed') {
    drain(d);
    iommu_sva_free_pasid(d, mmId(mm), B);
  }
}
function exitMm(d: SvaView, mm: number, release: Omit<ReleaseOpts, 'owner'> = {}): void {
  mmput(d.mms[mm]!);
  for (let n = mmu_notifier_release_next(d.mms[mm]!); n !== null; n = mmu_notifier_release_next(d.mms[mm]!)) {
    arm_smmu_mm_release(d, n, { owner: OWNER, ...release });
    drain(d);
    mmu_notifier_release_done(d.mms[mm]!, n);
  }
  exit_mmap_unmap(d.mms[mm]!);
}
/** The device's ATS request and DMA on (sid, PASID of mm, page). */
function ats(d: SvaView, sid: number, mm: number, page: number) {
  return arm_smmu_ats_translate(d, dev(sid), d.mms[mm]!.pasid, page, 'w');
}
/** The `refcounts-balanced` equalities of SVA-NOTES.md (sva_lock free, free_cd_in 'free_notifier'). */
function expectBalanced(d: SvaView): void {
  const bonds = d.smmu.masters.flatMap((m) => m.bonds.flatMap((b, mm) => (b ? [{ ...b, mm }] : [])));
  d.mms.forEach((m, x) => {
    if (m.pasid) expect(d.ioasid.xa[m.pasid]?.refs).toBe(bonds.filter((b) => b.mm === x).length);
    expect(m.count).toBe((m.exit.state !== 'exited' ? 1 : 0) + m.notifiers.length + m.srcu_pending.length);
    const shared = d.smmu.asid_xa.some((e) => e?.type === 'shared' && e.mm === x);
    expect(m.context.pinned).toBe(shared ? 1 : 0);
  });
  d.smmu.mmu_notifiers.forEach((n, id) => {
    if (n && !n.freeing) expect(n.refs).toBe(bonds.filter((b) => b.smmu_mn === id).length);
  });
  d.smmu.asid_xa.forEach((e, a) => {
    if (e?.type === 'shared') expect(e.refs).toBe(d.smmu.mmu_notifiers.filter((n) => n?.cd === a).length);
  });
}
const allWarnings = (d: SvaView) => [...d.smmu.warnings, ...d.ioasid.warnings, ...d.mms.flatMap((m) => m.warnings)];

describe('bind and unbind', () => {
  it('a repeated bind returns the same bond; the last unbind frees CD, PASID, notifier, shared CD', () => {
    const d = system();
    expect(arm_smmu_master_enable_sva(d.smmu, dev(0))).toBe(0);
    bind(d, 0, 1);
    bind(d, 0, 1);
    expect(d.smmu.masters[0]!.bonds[1]).toEqual({ refs: 2, smmu_mn: 0 });
    expect(d.ioasid.xa[1]?.refs).toBe(1); // one ioasid reference per bond: a reused bond takes none
    expect(d.smmu.mmu_notifiers[0]).toMatchObject({ refs: 1, cleared: false, cd: 2 });
    expect(d.smmu.domains[0]!.cdtab[1]).toMatchObject({ v: true, epd0: false, asid: 2, ttb: { type: 'mm', mm: 1 } });
    expect(d.mms[1]).toMatchObject({ pasid: 1, count: 2, context: { pinned: 1 } });
    expectBalanced(d);
    unbind(d, 0, 1);
    expect(d.mms[1]!.pasid).toBe(1);
    unbind(d, 0, 1);
    expect(d.smmu.domains[0]!.cdtab[1]!.v).toBe(false);
    expect(d.mms[1]!.pasid).toBe(0);
    expect(d.smmu.mmu_notifiers[0]).toMatchObject({ freeing: true });
    expect(d.mms[1]!.srcu_pending).toEqual([0]);
    expect(arm_smmu_master_disable_sva(d.smmu, dev(0))).toBe(0);
    arm_smmu_mmu_notifier_free(d, 0 as NotifierId, {}); // seed 001 v6: the deferred free owns the CD
    expect(d.smmu.mmu_notifiers[0]).toBeNull();
    expect(d.smmu.asid_xa[2]).toBeNull();
    expect(d.mms[1]).toMatchObject({ count: 1, context: { pinned: 0 }, srcu_pending: [] });
    expectBalanced(d);
    expect(allWarnings(d)).toEqual([]);
  });

  it('two masters of one domain share the notifier (refs 2) and the CD; each bond holds a PASID ref', () => {
    const d = system();
    arm_smmu_master_enable_sva(d.smmu, dev(0));
    arm_smmu_master_enable_sva(d.smmu, dev(1));
    bind(d, 0, 1);
    bind(d, 1, 1);
    expect(d.smmu.mmu_notifiers[0]).toMatchObject({ refs: 2 });
    expect(d.smmu.mmu_notifiers[1]).toBeNull();
    expect(d.ioasid.xa[1]?.refs).toBe(2);
    expectBalanced(d);
    unbind(d, 0, 1);
    expectBalanced(d);
    expect(d.smmu.domains[0]!.cdtab[1]!.v).toBe(true);
    expect(arm_smmu_master_disable_sva(d.smmu, dev(1))).toBe('-EBUSY');
  });

  it('notifier-register-not-get: two notifiers share one CD slot; the first unbind clears V under the other bond', () => {
    const d = system();
    const register: SvaOpts = { owner: OWNER, reuse_notifier: false };
    arm_smmu_master_enable_sva(d.smmu, dev(0));
    arm_smmu_master_enable_sva(d.smmu, dev(1));
    arm_smmu_enable_ats(d.smmu, dev(1));
    bind(d, 0, 1);
    expect(__arm_smmu_sva_bind(d, dev(1), mmId(1), register)).toEqual({ bond: 1, register: 1 }); // a second notifier
    expect(__arm_smmu_sva_bind_register(d, dev(1), mmId(1), register)).toEqual({ install_pending: false }); // CD already live: case (3)
    drain(d);
    expect(d.smmu.mmu_notifiers.filter((n) => n !== null)).toHaveLength(2);
    expect(d.smmu.asid_xa[2]).toMatchObject({ type: 'shared', refs: 2 });
    arm_smmu_sva_unbind(d, dev(0), mmId(1), register);
    drain(d);
    expect(d.smmu.masters[1]!.bonds[1]).not.toBeNull();
    expect(ats(d, 1, 1, 0)).toEqual({ result: 'C_BAD_CD' });
  });

  it('v5.11 frees the shared CD in the put, under sva_lock, instead of in free_notifier', () => {
    const d = system();
    arm_smmu_master_enable_sva(d.smmu, dev(0));
    bind(d, 0, 1);
    arm_smmu_sva_unbind(d, dev(0), mmId(1), { owner: OWNER, free_cd_in: 'put' });
    expect(d.mms[1]!.context.pinned).toBe(0);
    arm_smmu_mmu_notifier_free(d, 0 as NotifierId, { free_cd_in: 'put' });
    expect(allWarnings(d)).toEqual([]);
  });

  it('binding an mm on a private ASID seizes it; running out of notifiers unwinds PASID and pin', () => {
    const d = system({ notifiers: 0 });
    arm_smmu_master_enable_sva(d.smmu, dev(0));
    expect(__arm_smmu_sva_bind(d, dev(0), mmId(0), opts)).toBe('-ENOMEM');
    expect(d.mms[0]).toMatchObject({ pasid: 0, context: { pinned: 0 } });
    expect(d.smmu.masters[0]!.bonds[0]).toBeNull();
  });

  it('each allocation failure of a bind unwinds through its labels and leaves nothing held', () => {
    const errno = { bond: '-ENOMEM', pin: '-ESRCH', cd: '-ENOMEM', smmu_mn: '-ENOMEM' } as const;
    for (const fail of BIND_ALLOC_FAILURES.filter((f) => f !== 'none')) {
      const d = system();
      arm_smmu_master_enable_sva(d.smmu, dev(0));
      const before = JSON.stringify(d);
      expect(__arm_smmu_sva_bind(d, dev(0), mmId(0), opts, fail), fail).toBe(errno[fail]);
      expect(JSON.stringify(d), fail).toBe(before);
    }
    const d = system();
    arm_smmu_master_enable_sva(d.smmu, dev(0));
    const before = JSON.stringify(d);
    expect(__arm_smmu_sva_bind(d, dev(0), mmId(0), opts)).toEqual({ bond: 0, register: 0 });
    expect(__arm_smmu_sva_bind_register(d, dev(0), mmId(0), opts, true)).toBe('-ENOMEM'); // mm->notifier_subscriptions
    expect(JSON.stringify(d)).toBe(before);
    expect(allWarnings(d)).toEqual([]);
  });

  it('enabling SVA fails with -ENODEV without coherency or an I/O page fault path; bind needs it', () => {
    expect(arm_smmu_master_enable_sva(system({ coherency: false }).smmu, dev(0))).toBe('-ENODEV');
    expect(arm_smmu_master_enable_sva(system({ iopf: false }).smmu, dev(0))).toBe('-ENODEV');
    expect(__arm_smmu_sva_bind(system(), dev(0), mmId(0), opts)).toBe('-ENODEV');
    const d = system();
    arm_smmu_master_enable_sva(d.smmu, dev(0));
    expect(arm_smmu_master_enable_sva(d.smmu, dev(0))).toBe('-EBUSY');
  });
});

describe('invalidate_range and release', () => {
  function bound(features = {}): SvaView {
    const d = system(features);
    arm_smmu_master_enable_sva(d.smmu, dev(0));
    arm_smmu_enable_ats(d.smmu, dev(0));
    bind(d, 0, 1);
    handle_mm_fault(d.mms[1]!, 0, 'w');
    expect(ats(d, 0, 1, 0)).toEqual({ result: 'ok', mm: 1 });
    return d;
  }

  it('munmap: invalidate_range removes the TLB and ATC entries before the page is freed', () => {
    const d = bound();
    munmap_zap(d.mms[1]!, 0);
    expect(tlb_finish_mmu(d.mms[1]!)).toBe(false);
    expect(tlb_flush_mmu_tlbonly(d.mms[1]!)).toBe(true);
    arm_smmu_mm_invalidate_range(d, 0 as NotifierId, 0, OWNER);
    expect(d.smmu.cmdq.map((c) => c.op)).toEqual(['TLBI_NH_VA', 'CMD_SYNC', 'ATC_INV', 'CMD_SYNC']);
    drain(d);
    mmu_notifier_invalidate_range_done(d.mms[1]!, 0 as NotifierId);
    expect(mmu_notifier_invalidate_range_end(d.mms[1]!)).toBe(true); // the second call finds nothing left
    arm_smmu_mm_invalidate_range(d, 0 as NotifierId, 0, OWNER);
    drain(d);
    mmu_notifier_invalidate_range_done(d.mms[1]!, 0 as NotifierId);
    expect(tlb_finish_mmu(d.mms[1]!)).toBe(true);
    expect(atc_lookup(d.smmu, dev(0), 1, 0)).toBeNull();
    expect(d.smmu.tlb[2]![0]).toBeNull();
  });

  it("seed 001's killed process: release quiesces (V kept, EPD0), invalidates, and unbind skips it", () => {
    const d = bound();
    exitMm(d, 1);
    expectBalanced(d);
    expect(d.smmu.domains[0]!.cdtab[1]).toMatchObject({ v: true, epd0: true });
    expect(d.smmu.mmu_notifiers[0]!.cleared).toBe(true);
    expect(atc_lookup(d.smmu, dev(0), 1, 0)).toBeNull();
    expect(d.smmu.tlb[2]!.every((e) => e === null)).toBe(true);
    expect(ats(d, 0, 1, 0)).toMatchObject({ result: 'fault' }); // "returns with R=W=0"
    expect(d.smmu.events).toEqual([]);
    arm_smmu_sva_unbind(d, dev(0), mmId(1), opts);
    expect(d.smmu.cmdq.map((c) => c.op)).toEqual(['CFGI_CD', 'CFGI_CD', 'CMD_SYNC']); // cleared: no TLBI/ATC_INV
    drain(d);
    iommu_sva_free_pasid(d, mmId(1), B);
    expectBalanced(d);
    arm_smmu_mmu_notifier_free(d, 0 as NotifierId, {});
    expect(d.mms[1]!.count).toBe(0); // the notifier's mmdrop was the last reference
    expect(allWarnings(d)).toEqual([]);
  });

  it('release-without-invalidate: the ATC keeps a translation of a page exit_mmap freed', () => {
    const d = bound();
    exitMm(d, 1, { invalidate: false });
    expect(d.mms[1]!.pages[0]!.pte).toBe('none');
    expect(atc_lookup(d.smmu, dev(0), 1, 0)).toBe(1);
    expect(d.smmu.tlb[2]![0]).toBe(1);
  });

  it('release-clears-valid: the next DMA on the PASID raises C_BAD_CD', () => {
    const d = bound();
    exitMm(d, 1, { cd: null });
    expect(ats(d, 0, 1, 1)).toEqual({ result: 'C_BAD_CD' });
    expect(d.smmu.events).toEqual(['C_BAD_CD']);
  });

  it('release-clears-stall-bits (v5) with STALL_FORCE: the quiesced CD is illegal, C_BAD_CD', () => {
    const d = bound({ stall_force: true });
    exitMm(d, 1, { quiet_stall: 'always' });
    expect(ats(d, 0, 1, 1)).toEqual({ result: 'C_BAD_CD' });
    const v513 = bound({ stall_force: true });
    exitMm(v513, 1, { quiet_stall: 'unless_forced' });
    expect(ats(v513, 0, 1, 1)).toMatchObject({ result: 'fault', stall: true });
  });
});
