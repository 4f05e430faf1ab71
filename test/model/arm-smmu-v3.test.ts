import { produce } from 'immer';
import { check_and_switch_context, cpu_asid_init } from '../../model/mm/context.ts';
import { describe, expect, it } from 'vitest';
import { decodeFromArray, encodeToArray } from '../../explorer/codec.ts';
import {
  arm_smmu_alloc_shared_cd,
  arm_smmu_alloc_shared_cd_end,
  arm_smmu_free_shared_cd,
  arm_smmu_share_asid,
  arm_smmu_share_asid_end,
  arm_smmu_share_asid_tlb_inv,
  arm_smmu_share_asid_write_cd,
  seizedAsid,
  seizingDomain,
  type AsidView,
} from '../../model/arm-smmu-v3/asid.ts';
import { arm_smmu_fetch_cd, arm_smmu_write_ctx_desc, arm_smmu_write_ctx_desc_dword0 } from '../../model/arm-smmu-v3/cd.ts';
import { arm_smmu_cmdq_consume, cmdq_consumable, cmdq_sync_done } from '../../model/arm-smmu-v3/cmdq.ts';
import { smmuCodec, smmu_init, type SmmuConfig } from '../../model/arm-smmu-v3/init.ts';
import type { Features, SmmuState } from '../../model/arm-smmu-v3/state.ts';
import type { Asid, DeviceId, DomainId, MmId, SmmuId } from '../../model/ids.ts';

const SMMU0 = 0 as SmmuId;
import {
  arm_smmu_ats_translate,
  arm_smmu_atc_inv_domain,
  arm_smmu_btm_tlbi_va,
  arm_smmu_tlb_inv_asid,
  arm_smmu_translate,
  arm_smmu_translate_private,
} from '../../model/arm-smmu-v3/tlb.ts';
import { mm_init } from '../../model/mm/mm.ts';
import { handle_mm_fault } from '../../model/mm/pgtable.ts';

const dev = (n: number) => n as DeviceId;
const dom = (n: number) => n as DomainId;
const asid = (n: number) => n as Asid;
const mmId = (n: number) => n as MmId;

function smmuConfig(features: Partial<Features> = {}, masters = 2): SmmuConfig {
  return {
    features: { coherency: true, btm: false, ats: true, stall_force: false, ...features },
    masters: Array.from({ length: masters }, () => ({ domain: 0, ssid_max: 3, ats_capable: true, iopf_capable: true })),
    domains: [{ asid: 1 }],
    nr_mms: 2,
    nr_pages: 2,
    nr_iovas: 0,
    nr_ssids: 4,
    max_asid: 3,
    nr_notifiers: 4,
    cmdq_size: 32,
    max_owner: 3,
    max_refs: 8,
  };
}
const mmCfg = { nr_pages: 2, max_pasid: 3, max_asid: 3, max_context_id: 11, max_notifiers: 4, max_refs: 8, max_dev: 1 };
function system(features: Partial<Features> = {}): AsidView {
  // mm 0 then mm 1 run on the CPU: they get CPU ASIDs 1 and 2; domain 0 uses 1 privately, so
  // binding mm 0 seizes it.
  const cpu_asid = cpu_asid_init({ asid_bits: 2, cpus: 1, max_generation: 2 });
  const mms = [mm_init(mmCfg, ['rw', 'rw']), mm_init(mmCfg, ['rw', 'rw'])];
  for (const m of mms) check_and_switch_context(cpu_asid, m, 0);
  return { smmu: smmu_init(smmuConfig(features)), mms, cpu_asid };
}
const drain = (s: SmmuState) => {
  while (s.cmdq.length > 0) arm_smmu_cmdq_consume(s, SMMU0, 0);
};

describe('command queue', () => {
  it('commands before the first CMD_SYNC may be performed in any order; the sync completes last', () => {
    const { smmu } = system();
    arm_smmu_tlb_inv_asid(smmu, SMMU0, asid(2), 1);
    arm_smmu_atc_inv_domain(smmu, dom(0), 1, -1, 2);
    expect(smmu.masters.every((m) => !m.ats_enabled)).toBe(true);
    expect(smmu.cmdq).toHaveLength(2); // no ATS master: atc_inv_domain is a no-op
    expect(cmdq_consumable(smmu, SMMU0)).toEqual([0]);
    expect(cmdq_sync_done(smmu, 1)).toBe(false);
    drain(smmu);
    expect(cmdq_sync_done(smmu, 1)).toBe(true);
  });

  it('a TLBI performed before a refill does not remove the refill (hence: update the CD first)', () => {
    const d = system();
    d.smmu.domains[0]!.cdtab[1] = { v: true, epd0: false, s: false, r: true, asid: asid(2), ttb: { type: 'mm', mm: mmId(1) } };
    handle_mm_fault(d.mms[1]!, 0, 'r');
    arm_smmu_tlb_inv_asid(d.smmu, SMMU0, asid(2), 0);
    arm_smmu_cmdq_consume(d.smmu, SMMU0, 0); // TLBI performed
    expect(arm_smmu_translate(d, dev(0), 1, 0, 'r')).toEqual({ result: 'ok', mm: 1 });
    arm_smmu_cmdq_consume(d.smmu, SMMU0, 0); // CMD_SYNC
    expect(d.smmu.tlb[2]![0]).toBe(1);
  });
});

describe('arm_smmu_write_ctx_desc', () => {
  const cd = { asid: asid(2), ttb: { type: 'mm' as const, mm: mmId(1) } };
  it('(1)/(2) install: dwords 1-3 and a sync, then dword0 with V and a second sync', () => {
    const { smmu } = system();
    expect(arm_smmu_write_ctx_desc(smmu, dom(0), 1, cd, { owner: 1 })).toBe('install-pending');
    expect(smmu.domains[0]!.cdtab[1]).toMatchObject({ v: false, ttb: cd.ttb });
    expect(smmu.cmdq.map((c) => c.op)).toEqual(['CFGI_CD', 'CFGI_CD', 'CMD_SYNC']); // one per master
    drain(smmu);
    arm_smmu_write_ctx_desc_dword0(smmu, dom(0), 1, cd, { owner: 1 });
    expect(smmu.domains[0]!.cdtab[1]).toMatchObject({ v: true, epd0: false, r: true, s: false, asid: 2 });
    expect(smmu.cmdq).toHaveLength(3);
  });

  it('(4) quiesce keeps V and sets EPD0; S and R stay unless the policy clears them', () => {
    for (const [quiet_stall, stall_force, cleared] of [
      ['never', true, false],
      ['unless_forced', true, false],
      ['unless_forced', false, true],
      ['always', true, true],
    ] as const) {
      const { smmu } = system({ stall_force });
      arm_smmu_write_ctx_desc(smmu, dom(0), 1, cd, { owner: 1 });
      arm_smmu_write_ctx_desc_dword0(smmu, dom(0), 1, cd, { owner: 1 });
      expect(arm_smmu_write_ctx_desc(smmu, dom(0), 1, 'quiet_cd', { owner: 1, quiet_stall })).toBe(0);
      expect(smmu.domains[0]!.cdtab[1]).toMatchObject({ v: true, epd0: true, r: !cleared, s: stall_force && !cleared });
    }
  });

  it('(3) rewrites only the ASID of a live CD; (5) clears dword0; an SSID past the table is -E2BIG', () => {
    const { smmu } = system();
    expect(arm_smmu_write_ctx_desc(smmu, dom(0), 0, { asid: asid(3), ttb: { type: 'private' } }, { owner: 1 })).toBe(0);
    expect(smmu.domains[0]!.cdtab[0]).toMatchObject({ v: true, asid: 3, ttb: { type: 'private' } });
    expect(arm_smmu_write_ctx_desc(smmu, dom(0), 0, null, { owner: 1 })).toBe(0);
    expect(smmu.domains[0]!.cdtab[0]).toMatchObject({ v: false, epd0: false, asid: 0 });
    expect(arm_smmu_write_ctx_desc(smmu, dom(0), 4, null, { owner: 1 })).toBe('-E2BIG');
  });

  it('the SMMU keeps using its cached CD until the CFGI_CD is performed', () => {
    const { smmu } = system();
    arm_smmu_fetch_cd(smmu, dev(0), 0); // cached: ASID 1
    arm_smmu_write_ctx_desc(smmu, dom(0), 0, { asid: asid(3), ttb: { type: 'private' } }, { owner: 1 });
    expect(arm_smmu_fetch_cd(smmu, dev(0), 0)?.asid).toBe(1);
    expect(arm_smmu_fetch_cd(smmu, dev(1), 0)?.asid).toBe(3); // not cached there: reads memory
    drain(smmu);
    expect(arm_smmu_fetch_cd(smmu, dev(0), 0)?.asid).toBe(3);
  });
});

describe('ASIDs: share, seize, pin', () => {
  const PINNED = { mmgrab: false, pin: true } as const;
  it('seizes a private ASID in four parts: the new ASID, the CD and its sync, the TLBI of the old one, xa_erase', () => {
    const d = system();
    expect(arm_smmu_alloc_shared_cd(d, mmId(0), PINNED)).toEqual({ seizing: 0 });
    // The domain's ASID is the new one at once; its CD still has the old one.
    expect(d.smmu.domains[0]!.asid).toBe(2);
    expect(d.smmu.domains[0]!.cdtab[0]!.asid).toBe(1);
    expect(seizedAsid(d.smmu, dom(0))).toBe(1);
    expect(seizingDomain(d.smmu)).toBe(0);
    arm_smmu_share_asid_write_cd(d.smmu, 1);
    expect(d.smmu.domains[0]!.cdtab[0]!.asid).toBe(2);
    expect(d.smmu.cmdq.map((c) => c.op)).toEqual(['CFGI_CD', 'CFGI_CD', 'CMD_SYNC']);
    drain(d.smmu);
    arm_smmu_share_asid_tlb_inv(d.smmu, 1);
    expect(d.smmu.cmdq).toEqual([{ op: 'TLBI_NH_ASID', asid: 1 }, { op: 'CMD_SYNC', owner: 1 }]);
    drain(d.smmu);
    arm_smmu_share_asid_end(d.smmu);
    expect(arm_smmu_alloc_shared_cd_end(d, mmId(0), asid(1), PINNED)).toBe(1);
    expect(d.smmu.asid_xa).toEqual([null, { type: 'shared', mm: 0, refs: 1, mmgrab: false, pinned: true }, { type: 'private', domain: 0 }, null]);
    expect(d.mms[0]!.context.pinned).toBe(1);
  });

  it('a second CD for the same mm shares the first (refs + 1) and keeps a single pin', () => {
    const d = system();
    arm_smmu_alloc_shared_cd(d, mmId(1), PINNED);
    expect(arm_smmu_alloc_shared_cd(d, mmId(1), PINNED)).toBe(2);
    expect(d.smmu.asid_xa[2]).toEqual({ type: 'shared', mm: 1, refs: 2, mmgrab: false, pinned: true });
    expect(d.mms[1]!.context.pinned).toBe(1);
    expect(arm_smmu_free_shared_cd(d, asid(2))).toBe(false);
    expect(arm_smmu_free_shared_cd(d, asid(2))).toBe(true);
    expect(d.mms[1]!.context.pinned).toBe(0);
    expect(d.smmu.asid_xa[2]).toBeNull();
    expect(arm_smmu_free_shared_cd(d, asid(2))).toBe(false);
    expect(d.smmu.warnings).toEqual(['cd-refs-underflow']);
  });

  it('a shared ASID owned by another mm WARNs with -EINVAL; a full ASID space is -ENOSPC', () => {
    const d = system();
    arm_smmu_alloc_shared_cd(d, mmId(1), PINNED);
    expect(arm_smmu_share_asid(d.smmu, mmId(0), asid(2))).toBe('-EINVAL');
    expect(d.smmu.warnings).toEqual(['share_asid-foreign-mm']);
    d.smmu.asid_xa[3] = { type: 'shared', mm: mmId(1), refs: 1, mmgrab: false, pinned: true };
    d.smmu.asid_xa[2] = { type: 'private', domain: dom(0) };
    expect(arm_smmu_share_asid(d.smmu, mmId(0), asid(1))).toBe('-ENOSPC');
  });
});

describe('translation, ATS and the caches', () => {
  const live = (d: ReturnType<typeof system>, epd0 = false) => {
    d.smmu.domains[0]!.cdtab[1] = { v: true, epd0, s: false, r: true, asid: asid(2), ttb: { type: 'mm', mm: mmId(1) } };
  };

  it('a walk fills the TLB; an ATS request fills the ATC; EPD0 turns a TLB miss into a fault', () => {
    const d = system();
    live(d);
    expect(arm_smmu_translate(d, dev(0), 1, 0, 'r')).toEqual({ result: 'fault', stall: false, record: true });
    handle_mm_fault(d.mms[1]!, 0, 'w');
    expect(arm_smmu_ats_translate(d, dev(0), 1, 0, 'w')).toBe('UR');
    d.smmu.masters[0]!.ats_enabled = true;
    expect(arm_smmu_ats_translate(d, dev(0), 1, 0, 'w')).toEqual({ result: 'ok', mm: 1 });
    expect(d.smmu.tlb[2]![0]).toBe(1);
    expect(d.smmu.atc[0]![1]![0]).toBe(1);
    const q = system();
    live(q, true);
    handle_mm_fault(q.mms[1]!, 0, 'w');
    expect(arm_smmu_translate(q, dev(0), 1, 0, 'r').result).toBe('fault');
  });

  it("the DMA domain's DMA at SSID 0 translates until its CD is quiesced or removed, with or without forced stall", () => {
    for (const stall_force of [false, true]) {
      const d = system({ stall_force });
      expect(arm_smmu_translate_private(d.smmu, dev(0))).toBe('ok');
      arm_smmu_write_ctx_desc(d.smmu, dom(0), 0, 'quiet_cd', { owner: 0 });
      expect(arm_smmu_translate_private(d.smmu, dev(1))).toBe('fault');
      arm_smmu_write_ctx_desc(d.smmu, dom(0), 0, null, { owner: 0 });
      expect(arm_smmu_translate_private(d.smmu, dev(1))).toBe('C_BAD_CD');
      expect(d.smmu.events).toEqual(['C_BAD_CD']);
      // Only a fetch of an SVA transaction fills the configuration cache.
      expect(d.smmu.cdcache[1]![0]).toBeNull();
    }
  });

  it('V = 0 or, with stall forced, S = 0 raises C_BAD_CD', () => {
    const d = system();
    expect(arm_smmu_translate(d, dev(0), 1, 0, 'r')).toEqual({ result: 'C_BAD_CD' });
    expect(d.smmu.events).toEqual(['C_BAD_CD']);
    const f = system({ stall_force: true });
    live(f);
    expect(arm_smmu_translate(f, dev(0), 1, 0, 'r').result).toBe('C_BAD_CD');
  });

  it('ATC_INV and broadcast TLBI remove entries; BTM does nothing without the feature', () => {
    const d = system({ btm: true });
    live(d);
    handle_mm_fault(d.mms[1]!, 1, 'w');
    d.smmu.masters[0]!.ats_enabled = true;
    arm_smmu_ats_translate(d, dev(0), 1, 1, 'r');
    arm_smmu_btm_tlbi_va(d.smmu, asid(2), 1, 'nsel1');
    expect(d.smmu.tlb[2]![1]).toBeNull();
    arm_smmu_atc_inv_domain(d.smmu, dom(0), 1, 1, 1);
    expect(d.smmu.cmdq.map((c) => c.op)).toEqual(['ATC_INV', 'CMD_SYNC']);
    drain(d.smmu);
    expect(d.smmu.atc[0]![1]![1]).toBeNull();
  });

  it('ATC_INV of SSID 0 (SSV clear) reaches every SSID\'s entries of the master; another SSID only its own', () => {
    const { smmu } = system();
    const fill = (): void => {
      for (const row of smmu.atc[0]!) row.fill(mmId(1));
      smmu.atc[1]![1]!.fill(mmId(1));
    };
    fill();
    smmu.cmdq.push({ op: 'ATC_INV', sid: dev(0), ssid: 2, page: 1 });
    drain(smmu);
    expect(smmu.atc[0]!.map((row) => row[1])).toEqual([1, 1, null, 1]);
    smmu.cmdq.push({ op: 'ATC_INV', sid: dev(0), ssid: 0, page: 1 });
    drain(smmu);
    expect(smmu.atc[0]).toEqual(smmu.atc[0]!.map(() => [1, null]));
    expect(smmu.atc[1]![1]).toEqual([1, 1]);
    fill();
    smmu.cmdq.push({ op: 'ATC_INV', sid: dev(0), ssid: 0, page: -1 });
    drain(smmu);
    expect(smmu.atc[0]!.every((row) => row.every((e) => e === null))).toBe(true);
    expect(smmu.atc[1]![1]).toEqual([1, 1]);
  });

  it('E2H: the driver issues TLBI_EL2_*, and an invalidation of the other regime removes nothing', () => {
    const d = system({ btm: true, e2h: true });
    live(d);
    handle_mm_fault(d.mms[1]!, 1, 'w');
    arm_smmu_translate(d, dev(0), 1, 1, 'r');
    expect(d.smmu.tlb[2]![1]).toBe(1);
    // An EL1 kernel's broadcast, and NH commands, miss the EL2-tagged entry.
    arm_smmu_btm_tlbi_va(d.smmu, asid(2), 1, 'nsel1');
    d.smmu.cmdq.push({ op: 'TLBI_NH_VA', asid: asid(2), page: 1 }, { op: 'TLBI_NH_ASID', asid: asid(2) });
    drain(d.smmu);
    expect(d.smmu.tlb[2]![1]).toBe(1);
    arm_smmu_tlb_inv_asid(d.smmu, SMMU0, asid(2), 1);
    expect(d.smmu.cmdq.map((c) => c.op)).toEqual(['TLBI_EL2_ASID', 'CMD_SYNC']);
    drain(d.smmu);
    expect(d.smmu.tlb[2]![1]).toBeNull();
    arm_smmu_translate(d, dev(0), 1, 1, 'r');
    arm_smmu_btm_tlbi_va(d.smmu, asid(2), 1, 'el2');
    expect(d.smmu.tlb[2]![1]).toBeNull();
  });
});

describe('SMMU codec', () => {
  it('round-trips the initial state and a state with every kind of entry, also through immer', () => {
    const cfg = smmuConfig({ stall_force: true });
    const codec = smmuCodec(cfg);
    const d = { ...system(), smmu: smmu_init(cfg) };
    expect(decodeFromArray(codec, encodeToArray(codec, d.smmu))).toEqual(d.smmu);
    const s = produce(d, (x) => {
      arm_smmu_alloc_shared_cd(x, mmId(1), { mmgrab: true, pin: true });
      x.smmu.domains[0]!.cdtab[1] = { v: true, epd0: true, s: true, r: false, asid: asid(1), ttb: { type: 'mm', mm: mmId(0) } };
      x.smmu.mmu_notifiers[3] = { domain: dom(0), mm: mmId(0), refs: 2, cleared: true, cd: asid(1), freeing: false };
      x.smmu.masters[1]!.bonds[0] = { refs: 1, smmu_mn: 3 as never };
      x.smmu.atc[1]![1]![1] = mmId(0);
      arm_smmu_atc_inv_domain(x.smmu, dom(0), 1, 1, 3);
      x.smmu.events.push('C_BAD_CD');
    });
    expect(decodeFromArray(codec, encodeToArray(codec, s.smmu))).toEqual(s.smmu);
  });
});
