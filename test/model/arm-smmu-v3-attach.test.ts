// arm_smmu_attach_dev and arm_smmu_domain_free as the attach thread runs them (param `attach`):
// the -EBUSY of a master with SVA enabled, the finalise's private ASID, private DMA through the second
// domain's own CD 0 and TLB entries, and the free's invalidation and xa_erase.
import { produce, type Draft } from 'immer';
import { describe, expect, it } from 'vitest';
import {
  arm_smmu_attach_list_add,
  arm_smmu_attach_ste,
  arm_smmu_detach_list_del,
  arm_smmu_detach_ste,
  arm_smmu_disable_ats,
  arm_smmu_domain_finalise_s1,
  arm_smmu_domain_free_asid,
  arm_smmu_domain_free_tlb_inv,
} from '../../model/arm-smmu-v3/attach.ts';
import { arm_smmu_cmdq_consume, cmdq_sync_done } from '../../model/arm-smmu-v3/cmdq.ts';
import { smmu_init } from '../../model/arm-smmu-v3/init.ts';
import { PRIVATE_TLB_ENTRY, domainDevices, type SmmuState } from '../../model/arm-smmu-v3/state.ts';
import { arm_smmu_translate_iova } from '../../model/arm-smmu-v3/tlb.ts';
import type { DeviceId, DomainId, SmmuId } from '../../model/ids.ts';
import { initialState } from '../../model/layout.ts';
import type { State } from '../../model/state.ts';
import { attachCheckStep } from '../../model/sva/attach.ts';
import { attachDomain, attachOwner, smmuConfig } from '../../model/sva/config.ts';
import sva from '../../spec/sva.ts';
import attachConfig from '../../spec/configs/sva-attach.json' with { type: 'json' };

const params = sva.params.parse({ ...attachConfig.params, iovas: 1 });
const M0 = 0 as DeviceId;
const D0 = 0 as DomainId;
const D1 = attachDomain(params);
const OWNER = attachOwner(params, 0);

/** The SMMU performs its whole queue, in order. */
function drain(d: SmmuState): void {
  while (d.cmdq.length > 0) arm_smmu_cmdq_consume(d, 0 as SmmuId, 0);
}

/** Master 0 moved to the second domain by the helpers, each command batch performed before the next. */
function moveToSecond(d: Draft<SmmuState>): void {
  arm_smmu_disable_ats(d, M0, OWNER);
  drain(d);
  arm_smmu_detach_list_del(d, M0);
  arm_smmu_detach_ste(d, M0, OWNER);
  drain(d);
  expect(arm_smmu_domain_finalise_s1(d, D1, 0 as SmmuId)).toBe(0);
  arm_smmu_attach_ste(d, M0, D1, OWNER);
  drain(d);
  arm_smmu_attach_list_add(d, M0, D1, OWNER);
  drain(d);
}

describe('arm_smmu_attach_dev: -EBUSY while SVA is enabled', () => {
  const check = attachCheckStep(params);
  const start = produce(initialState(params), (d) => {
    d.arm_smmu.masters[0]!.sva_enabled = true;
  });

  it('refuses the move before any detach: the master keeps its domain, list, ATS and STE, no command is issued, and the thread makes no further move', () => {
    const after = produce(start, (d) => check.apply(d, 0, undefined));
    const a = after.arm_smmu.attach!;
    expect(after.arm_smmu.masters[0]!.domain).toBe(0);
    expect(a.listed[0]).toBe(0);
    expect(after.arm_smmu.masters[0]!.ats_enabled).toBe(start.arm_smmu.masters[0]!.ats_enabled);
    expect(after.arm_smmu.cmdq).toEqual([]);
    expect(a.pc[0]).toBe('domain_free');
    expect(a.state[D1]).toBe('alloc');
  });

  it('with SVA disabled the same step detaches: ATS off, one ATC_INV of SSID 0 (SSV clear, which reaches the entries of every SSID: arm_smmu_atc_inv_master) and a CMD_SYNC to wait for', () => {
    const after = produce(initialState(params), (d: Draft<State>) => check.apply(d, 0, undefined));
    expect(after.arm_smmu.attach!.pc[0]).toBe('detach_list_del');
    expect(after.arm_smmu.masters[0]!.ats_enabled).toBe(false);
    expect(after.arm_smmu.cmdq).toEqual([
      { op: 'ATC_INV', sid: 0, ssid: 0, page: -1 },
      { op: 'CMD_SYNC', owner: OWNER },
    ]);
    expect(cmdq_sync_done(after.arm_smmu, OWNER)).toBe(false);
  });

  it('waits while the driver holds group->mutex inside a bind, and while another thread holds sva_lock', () => {
    const binding = produce(initialState(params), (d) => {
      d.drivers[0] = 'bind_register';
    });
    expect(check.enabled!(binding, 0, undefined)).toBe(false);
    const locked = produce(initialState(params), (d) => {
      d.sva_lock = 0;
    });
    expect(check.enabled!(locked, 0, undefined)).toBe(false);
  });
});

describe('the second domain: finalised at the first attach, its own private ASID and TLB entries, freed after', () => {
  const init = smmu_init(smmuConfig(params));

  it('starts allocated, not finalised: no ASID, no private CD, nothing in asid_xa for it', () => {
    expect(init.attach!.state).toEqual(['finalised', 'alloc']);
    expect(init.domains[D1]!.asid).toBe(0);
    expect(init.domains[D1]!.cdtab[0]!.v).toBe(false);
    expect(init.asid_xa.some((e) => e?.type === 'private' && e.domain === D1)).toBe(false);
  });

  it("the move gives it the lowest free ASID of asid_xa, the master's STE and list, and its DMA through CD 0 fills the TLB under that ASID alone", () => {
    const moved = produce(init, (d) => {
      moveToSecond(d);
      d.domains[D1]!.iovas[0] = 'mapped';
      expect(arm_smmu_translate_iova(d, M0, 0)).toBe('ok');
    });
    const asid1 = moved.domains[D1]!.asid;
    expect(asid1).toBe(2);
    expect(moved.asid_xa[asid1]).toEqual({ type: 'private', domain: D1 });
    expect(moved.masters[0]!.domain).toBe(D1);
    expect(domainDevices(moved, D1)).toEqual([M0]);
    expect(domainDevices(moved, D0)).toEqual([]);
    expect(moved.masters[0]!.ats_enabled).toBe(false);
    expect(moved.tlb[asid1]![0]).toBe(PRIVATE_TLB_ENTRY);
    expect(moved.tlb[moved.domains[D0]!.asid]![0]).toBe(null);
  });

  it('a cached CD of the old domain is used through the cached STE until the CFGI_STE is performed', () => {
    produce(init, (d) => {
      d.domains[D0]!.iovas[0] = 'mapped';
      expect(arm_smmu_translate_iova(d, M0, 0)).toBe('ok');
      expect(d.attach!.ste_cached[0]).toBe(D0);
      arm_smmu_detach_list_del(d, M0);
      arm_smmu_detach_ste(d, M0, OWNER);
      expect(d.cdcache[0]![0]).not.toBe(null);
      expect(arm_smmu_translate_iova(d, M0, 0)).toBe('ok');
      drain(d);
      expect(d.attach!.ste_cached[0]).toBe(null);
      expect(d.cdcache[0]![0]).toBe(null);
      expect(arm_smmu_translate_iova(d, M0, 0)).toBe('fault');
    });
  });

  it("arm_smmu_domain_free invalidates the private ASID's TLB entries before it erases the ASID", () => {
    const freed = produce(init, (d) => {
      moveToSecond(d);
      d.domains[D1]!.iovas[0] = 'mapped';
      arm_smmu_translate_iova(d, M0, 0);
      const asid1 = d.domains[D1]!.asid;
      d.masters[0]!.domain = D0;
      d.attach!.listed[0] = D0;
      arm_smmu_domain_free_tlb_inv(d, D1, OWNER);
      expect(d.cmdq.map((c) => c.op)).toEqual(['TLBI_NH_ASID', 'CMD_SYNC']);
      drain(d);
      expect(d.tlb[asid1]!.every((e) => e === null)).toBe(true);
      arm_smmu_domain_free_asid(d, D1);
      expect(d.asid_xa[asid1]).toBe(null);
    });
    expect(freed.attach!.state[D1]).toBe('freed');
    expect(freed.domains[D1]!.cdtab.every((cd) => !cd.v)).toBe(true);
    expect(freed.domains[D1]!.iovas).toEqual(['free']);
  });
});
