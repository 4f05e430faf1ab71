// Each sva invariant holds on the initial state and fires on a hand-made state that breaks it (the
// variants of test/spec/sva-variants.test.ts make several of them fire on reachable states too).
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { asDevice, asGrpId, asPasid, asSeq, type Asid, type NotifierId } from '../../model/ids.ts';
import { initialState } from '../../model/layout.ts';
import type { State } from '../../model/state.ts';
import {
  noCBadCd,
  noDmaToUnmappedPage,
  noMmUseAfterFree,
  noStaleAtcAfterRelease,
  noStaleTlbAfterRelease,
  oneBondPerDeviceMm,
  pasidLifetime,
  refcountsBalanced,
  svaInvariants,
} from '../../spec/invariants/sva.ts';
import { noKernelWarning } from '../../spec/invariants/warn.ts';
import { svaSmall } from './sva-helpers.ts';

const s0 = initialState(svaSmall);
const at = (fn: (d: State) => void): State => produce(s0, fn);

describe('sva invariants', () => {
  it('all hold on the initial state', () => {
    for (const inv of svaInvariants) expect(inv.holds(s0), inv.name).toBe(true);
  });

  it('no-stale-atc-after-release fires on an ATC entry of an mm whose release is done', () => {
    expect(noStaleAtcAfterRelease.holds(at((d) => void (d.arm_smmu.atc[0]![1]![0] = 0 as never)))).toBe(true);
    const s = at((d) => {
      d.mms[0]!.pages[0]!.pte = 'present';
      d.mms[0]!.exit = { state: 'unmapping' };
      d.arm_smmu.atc[0]![1]![0] = 0 as never;
    });
    expect(noStaleAtcAfterRelease.holds(s)).toBe(false);
  });

  it('no-stale-tlb-after-release fires on a TLB entry of an exited mm', () => {
    const s = at((d) => {
      d.mms[0]!.exit = { state: 'exited' };
      d.arm_smmu.tlb[1]![0] = 0 as never;
    });
    expect(noStaleTlbAfterRelease.holds(s)).toBe(false);
  });

  it('no-dma-to-unmapped-page fires on an entry for a freed frame, and on a DMA that used one', () => {
    expect(noDmaToUnmappedPage.holds(at((d) => void (d.arm_smmu.tlb[1]![0] = 0 as never)))).toBe(false);
    expect(noDmaToUnmappedPage.holds(at((d) => void (d.ghost.dmaToFreedPage = true)))).toBe(false);
  });

  it('pasid-lifetime fires on a bond without mm->pasid, a CD of another mm, and a stale pending fault', () => {
    const bound = (d: State) => {
      d.ioasid.xa[1] = { set: 1, private: 0, refs: 1, holders: [{ kind: 'bond', dev: 0 }], active: true };
      d.mms[0]!.pasid = 1;
      d.arm_smmu.masters[0]!.bonds[0] = { refs: 1, smmu_mn: 0 as NotifierId };
    };
    expect(pasidLifetime.holds(at(bound))).toBe(true);
    expect(pasidLifetime.holds(at((d) => { bound(d); d.mms[0]!.pasid = 0; }))).toBe(false);
    const cd = { v: true, epd0: false, s: false, r: true, asid: 1 as Asid, ttb: { type: 'mm' as const, mm: 0 as never } };
    expect(pasidLifetime.holds(at((d) => { bound(d); d.arm_smmu.domains[0]!.cdtab[1] = cd; }))).toBe(true);
    expect(pasidLifetime.holds(at((d) => { bound(d); d.arm_smmu.domains[0]!.cdtab[1] = cd; d.ioasid.xa[1]!.private = 1; }))).toBe(false);
    const stale = {
      dev: asDevice(0), flags: 3, pasid: asPasid(1), grpid: asGrpId(0), perm: 2, addr: 0, private_data: 0, seq: asSeq(0), stale: true, freed: false,
    };
    expect(pasidLifetime.holds(at((d) => { bound(d); d.queue.wq = [{ dev: asDevice(0), faults: [], last_fault: stale, flush_color: 0 }]; }))).toBe(false);
  });

  it('no-kernel-warning fires on any warning a slice records, but not on the model\'s own use-after-free check', () => {
    expect(noKernelWarning.holds(at((d) => void (d.ioasid.warnings = ['ioasid_put-unknown'])))).toBe(false);
    expect(noKernelWarning.holds(at((d) => void (d.arm_smmu.warnings = ['write_ctx_desc-ssid-range'])))).toBe(false);
    expect(noKernelWarning.holds(at((d) => void (d.mms[0]!.warnings = ['mmdrop-subscriptions-listed'])))).toBe(false);
    expect(noKernelWarning.holds(at((d) => void (d.devices[0]!.warnings = ['pci_disable_pri-disabled'])))).toBe(false);
    expect(noKernelWarning.holds(at((d) => void (d.mms[0]!.warnings = ['use-after-free'])))).toBe(true);
  });

  it('refcounts-balanced fires on an IOASID reference whose holder is gone, and on a count its holders do not explain', () => {
    const leak = (d: State) => {
      d.ioasid.xa[1] = { set: 1, private: 0, refs: 1, holders: [{ kind: 'bond', dev: 0 }], active: true };
      d.mms[0]!.pasid = 1;
    };
    expect(refcountsBalanced.holds(at(leak))).toBe(false);
    // The same reference held by the mm itself (the PASID as the mm's, v5.18) is balanced.
    expect(refcountsBalanced.holds(at((d) => { leak(d); d.ioasid.xa[1]!.holders = [{ kind: 'mm' }]; }))).toBe(true);
    expect(refcountsBalanced.holds(at((d) => { leak(d); d.ioasid.xa[1]!.holders = []; }))).toBe(false);
    // One bond holding two references of one PASID is not two holders.
    const twice = (d: State) => {
      leak(d);
      d.arm_smmu.masters[0]!.bonds[0] = { refs: 1, smmu_mn: 0 as NotifierId };
      d.ioasid.xa[1]!.refs = 2;
      d.ioasid.xa[1]!.holders = [{ kind: 'bond', dev: 0 }, { kind: 'bond', dev: 0 }];
    };
    expect(refcountsBalanced.holds(at(twice))).toBe(false);
    expect(refcountsBalanced.holds(at((d) => void (d.mms[0]!.count = 2)))).toBe(false);
    expect(refcountsBalanced.holds(at((d) => { leak(d); d.sva_lock = 0; }))).toBe(true); // inside sva_lock: not judged
    expect(refcountsBalanced.holds(at((d) => void (d.mms[0]!.context.pinned = 1)))).toBe(false);
  });

  it('one-bond-per-device-mm fires when a driver holds more handles than its bond has references, or on two notifiers', () => {
    const s = at((d) => {
      d.sva[0] = { mm: 0 as never, handles: 2, binds: 0, put: null };
      d.arm_smmu.masters[0]!.bonds[0] = { refs: 1, smmu_mn: 0 as NotifierId };
    });
    expect(oneBondPerDeviceMm.holds(s)).toBe(false);
    const mn = { domain: 0 as never, mm: 0 as never, refs: 1, cleared: false, cd: 1 as Asid, freeing: false };
    expect(oneBondPerDeviceMm.holds(at((d) => void (d.arm_smmu.mmu_notifiers = [mn, { ...mn }])))).toBe(false);
  });

  it('no-c-bad-cd fires once the SMMU raised C_BAD_CD', () => {
    expect(noCBadCd.holds(at((d) => void (d.arm_smmu.events = ['C_BAD_CD'])))).toBe(false);
  });

  it('no-mm-use-after-free fires on a use-after-free warning and on a translating CD of a freed mm', () => {
    expect(noMmUseAfterFree.holds(at((d) => void (d.mms[0]!.warnings = ['use-after-free'])))).toBe(false);
    const s = at((d) => {
      d.mms[0]!.count = 0;
      d.arm_smmu.domains[0]!.cdtab[1] = { v: true, epd0: false, s: false, r: true, asid: 1 as Asid, ttb: { type: 'mm', mm: 0 as never } };
    });
    expect(noMmUseAfterFree.holds(s)).toBe(false);
    expect(noMmUseAfterFree.holds(produce(s, (d) => void (d.arm_smmu.domains[0]!.cdtab[1]!.epd0 = true)))).toBe(true);
  });
});
