// cd-hitless on hand-made states: a valid CD the SMMU can fetch, in memory or in its configuration
// cache, is a whole configuration whose ASID asid_xa gives to the table its TTB0 points at; and
// sva-cd-ownership, which leaves that ASID to it.
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import type { Cd } from '../../model/arm-smmu-v3/state.ts';
import type { Asid, DomainId, MmId } from '../../model/ids.ts';
import { initialState } from '../../model/layout.ts';
import type { State } from '../../model/state.ts';
import { cdHitless } from '../../spec/invariants/cd.ts';
import { svaCdOwnership } from '../../spec/invariants/sva.ts';
import { svaSmall } from './sva-helpers.ts';

const s0 = initialState(svaSmall);
const at = (fn: (d: State) => void): State => produce(s0, fn);

const PRIVATE = 1 as Asid; // the domain's ASID at attach (sva-small)
const SHARED = 2 as Asid;
const mm0 = 0 as MmId;
const sharedCd: Cd = { v: true, epd0: false, s: false, r: true, asid: SHARED, ttb: { type: 'mm', mm: mm0 } };

/** A notifier of domain 0 for mm 0 at PASID 1 (its CD may be being written), with no shared CD yet. */
const writer = (d: State): void => {
  d.mms[0]!.pasid = 1;
  d.arm_smmu.mmu_notifiers[0] = { domain: 0 as DomainId, mm: mm0, refs: 1, cleared: false, cd: SHARED, freeing: false };
};

/** mm 0 bound at PASID 1: its notifier, and its shared CD in asid_xa at `SHARED`. */
const bound = (d: State): void => {
  writer(d);
  d.arm_smmu.asid_xa[SHARED] = { type: 'shared', mm: mm0, refs: 1, mmgrab: false, pinned: true };
};

/** Mid-seize: the domain owns two private ASIDs, its CD may carry either. */
const seizing = (d: State): void => {
  d.arm_smmu.asid_xa[3] = { type: 'private', domain: 0 as DomainId };
  d.arm_smmu.domains[0]!.asid = 3 as Asid;
};

describe('cd-hitless', () => {
  it('holds on the initial state, an installed shared CD, and either ASID of a seize', () => {
    expect(cdHitless.holds(s0)).toBe(true);
    expect(cdHitless.holds(at((d) => { bound(d); d.arm_smmu.domains[0]!.cdtab[1] = sharedCd; }))).toBe(true);
    expect(cdHitless.holds(at(seizing))).toBe(true);
    expect(cdHitless.holds(at((d) => { seizing(d); d.arm_smmu.domains[0]!.cdtab[0]!.asid = 3 as Asid; }))).toBe(true);
  });

  it('passes a CD with V = 0 whatever its other words hold (an install or a removal in progress)', () => {
    expect(cdHitless.holds(at((d) => void (d.arm_smmu.domains[0]!.cdtab[1] = { ...sharedCd, v: false, asid: 0 })))).toBe(true);
    expect(cdHitless.holds(at((d) => void (d.arm_smmu.domains[0]!.cdtab[1] = { ...sharedCd, v: false, ttb: null })))).toBe(true);
  });

  it('fires on a valid CD with ASID 0 (an ASID field cleared before it is set)', () => {
    expect(cdHitless.holds(at((d) => void (d.arm_smmu.domains[0]!.cdtab[0]!.asid = 0)))).toBe(false);
  });

  it('fires on a valid CD without TTB0, or with the TTB0 of another address space than its ASID\'s', () => {
    expect(cdHitless.holds(at((d) => { bound(d); d.arm_smmu.domains[0]!.cdtab[1] = { ...sharedCd, ttb: null }; }))).toBe(false);
    // The previous mm's table under the new mm's ASID (a reused SSID, V written before TTB0).
    const reused = (d: State): void => {
      writer(d);
      d.arm_smmu.asid_xa[SHARED] = { type: 'shared', mm: 1 as MmId, refs: 1, mmgrab: false, pinned: true };
      d.arm_smmu.domains[0]!.cdtab[1] = sharedCd;
    };
    expect(cdHitless.holds(at(reused))).toBe(false);
    // The private io-pgtable under a shared CD's ASID, and an mm's table under the domain's ASID.
    expect(cdHitless.holds(at((d) => { bound(d); d.arm_smmu.domains[0]!.cdtab[0]!.asid = SHARED; }))).toBe(false);
    expect(cdHitless.holds(at((d) => { writer(d); d.arm_smmu.domains[0]!.cdtab[1] = { ...sharedCd, asid: PRIVATE }; }))).toBe(false);
  });

  it('fires on an ASID that asid_xa does not hold, as on the seize\'s old ASID once erased', () => {
    expect(cdHitless.holds(at((d) => { writer(d); d.arm_smmu.domains[0]!.cdtab[1] = sharedCd; }))).toBe(false);
    expect(cdHitless.holds(at((d) => { seizing(d); d.arm_smmu.asid_xa[PRIVATE] = null; }))).toBe(false);
  });

  it('does not judge a PASID CD that no notifier writes: left installed after its notifier went, it is stale, not torn', () => {
    const stale = (d: State): void => void (d.arm_smmu.domains[0]!.cdtab[1] = { ...sharedCd, epd0: true });
    expect(cdHitless.holds(at(stale))).toBe(true);
    expect(cdHitless.holds(at((d) => { writer(d); stale(d); }))).toBe(false);
    // A freeing notifier (put, its SRCU free pending) still counts: the put's CD removal is its write.
    expect(cdHitless.holds(at((d) => { writer(d); d.arm_smmu.mmu_notifiers[0]!.freeing = true; stale(d); }))).toBe(false);
    // A notifier whose mm is at another PASID is not this CD's writer.
    expect(cdHitless.holds(at((d) => { writer(d); d.mms[0]!.pasid = 2; stale(d); }))).toBe(true);
  });

  it('judges the configuration cache as well as memory', () => {
    const cached = at((d) => void (d.arm_smmu.cdcache[0]![0] = { ...d.arm_smmu.domains[0]!.cdtab[0]!, asid: 0 }));
    expect(cached.arm_smmu.domains[0]!.cdtab[0]!.asid).toBe(PRIVATE);
    expect(cdHitless.holds(cached)).toBe(false);
    expect(cdHitless.holds(at((d) => { writer(d); d.arm_smmu.cdcache[0]![1] = { ...sharedCd, v: false }; }))).toBe(true);
    expect(cdHitless.holds(at((d) => { writer(d); d.arm_smmu.cdcache[0]![1] = sharedCd; }))).toBe(false);
  });
});

describe('sva-cd-ownership', () => {
  it('fires on a private CD quiesced (EPD0) or made invalid, not on its ASID, which is cd-hitless\'s', () => {
    expect(svaCdOwnership.holds(s0)).toBe(true);
    expect(svaCdOwnership.holds(at((d) => void (d.arm_smmu.domains[0]!.cdtab[0]!.epd0 = true)))).toBe(false);
    expect(svaCdOwnership.holds(at((d) => void (d.arm_smmu.domains[0]!.cdtab[0]!.v = false)))).toBe(false);
    const torn = at((d) => void (d.arm_smmu.domains[0]!.cdtab[0]!.asid = 0));
    expect(svaCdOwnership.holds(torn)).toBe(true);
    expect(cdHitless.holds(torn)).toBe(false);
  });
});
