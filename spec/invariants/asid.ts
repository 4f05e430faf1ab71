// The ASID contract between arch/arm64/mm/context.c and the SMMU (kernel-notes 1d): a shared CD is
// tagged with its mm's CPU ASID, so that the CPU's broadcast TLB invalidations (BTM) and the SMMU's
// TLBI by that ASID reach the SMMU TLB entries of that address space, and no other address space.
import type { Invariant } from '../../explorer/model.ts';
import { asidOf } from '../../model/mm/context.ts';
import { PRIVATE_TLB_ENTRY, type Cd, type TlbEntry } from '../../model/arm-smmu-v3/state.ts';
import type { State } from '../../model/state.ts';

/** The ASID CPU `cpu` runs with: active_asids, or the reserved one a rollover took it to. */
function runningAsid(s: State, cpu: number): number {
  const ctx = s.cpu_asid;
  const id = ctx.active_asids[cpu]! !== 0 ? ctx.active_asids[cpu]! : ctx.reserved_asids[cpu]!;
  return asidOf(ctx, id);
}

export const pinnedAsidStable: Invariant<State> = {
  name: 'pinned-asid-stable',
  description:
    "each shared CD's ASID is its mm's CPU ASID, across any number of rollovers, and no CPU runs another address space with that ASID (that the CD holds a pin is refcounts-balanced's; this is what the pin is for)",
  source:
    '48118151d8cc "arm64: mm: Pin down ASIDs for sharing mm with devices" (v5.10): "while pinned, the ASID never changes and is never given to another mm"; arm-smmu-v3-sva.c arm_smmu_alloc_shared_cd (the CD takes the pinned ASID); kernel-notes 1d',
  holds: (s) => {
    const xa = s.arm_smmu.asid_xa;
    for (let asid = 0; asid < xa.length; asid++) {
      const e = xa[asid];
      if (e?.type !== 'shared') continue;
      const m = s.mms[e.mm]!;
      if (m.count === 0) continue; // a freed mm is no-mm-use-after-free's
      if (asidOf(s.cpu_asid, m.context.id) !== asid) return false;
      for (let cpu = 0; cpu < s.cpu_mm.length; cpu++) {
        const runs = s.cpu_mm[cpu]!;
        const other = runs.kind === 'other' || (runs.kind === 'mm' && runs.mm !== e.mm);
        if (other && runningAsid(s, cpu) === asid) return false;
      }
    }
    return true;
  },
};

/** The address space a TLB entry or a CD's TTB0 belongs to: an mm, or a domain's io-pgtable. */
type AddressSpace = { kind: 'mm'; mm: number } | { kind: 'private'; domain: number };

const sameSpace = (a: AddressSpace, b: AddressSpace): boolean =>
  a.kind === 'mm' ? b.kind === 'mm' && a.mm === b.mm : b.kind === 'private' && a.domain === b.domain;

/** Whose address space asid_xa gives ASID `asid` to, if anyone's. */
function asidOwner(s: State, asid: number): AddressSpace | null {
  const e = s.arm_smmu.asid_xa[asid];
  if (!e) return null;
  return e.type === 'shared' ? { kind: 'mm', mm: e.mm } : { kind: 'private', domain: e.domain };
}

/**
 * Whether a TLB entry belongs to `owner`. A private entry does not say which io-pgtable it came
 * from; xa_alloc gives each domain its own private ASIDs and no domain is freed in these configs, so
 * under a private owner's ASID a private entry is that domain's.
 */
const entryOf = (owner: AddressSpace, e: TlbEntry): boolean => (owner.kind === 'mm' ? e === owner.mm : e === PRIVATE_TLB_ENTRY);

/** The valid CDs the SMMU can use, in memory and in its configuration cache, with their address spaces. */
function validCds(s: State): { asid: number; space: AddressSpace }[] {
  const out: { asid: number; space: AddressSpace }[] = [];
  const add = (cd: Cd | null, domain: number): void => {
    if (!cd?.v || cd.ttb === null) return;
    out.push({ asid: cd.asid, space: cd.ttb.type === 'mm' ? { kind: 'mm', mm: cd.ttb.mm } : { kind: 'private', domain } });
  };
  s.arm_smmu.domains.forEach((dom, i) => dom.cdtab.forEach((cd) => add(cd, i)));
  s.arm_smmu.cdcache.forEach((row, sid) => row.forEach((cd) => add(cd, s.arm_smmu.masters[sid]!.domain)));
  return out;
}

export const asidUnique: Invariant<State> = {
  name: 'asid-unique',
  description:
    'no ASID is in two valid CDs of the SMMU (in memory or cached) that translate different address spaces, and every TLB entry under an ASID that asid_xa gives out belongs to the address space it is given to',
  source:
    'arm-smmu-v3-sva.c arm_smmu_share_asid ("All devices bound to this mm use the same cd struct"; a private ASID is seized before the mm uses it), arm_smmu_mmu_notifier_put (TLBI of the ASID before arm_smmu_free_shared_cd frees it); kernel-notes 1c-1d',
  holds: (s) => {
    const cds = validCds(s);
    for (const a of cds) if (cds.some((b) => b.asid === a.asid && !sameSpace(a.space, b.space))) return false;
    const tlb = s.arm_smmu.tlb;
    for (let asid = 0; asid < tlb.length; asid++) {
      const owner = asidOwner(s, asid);
      if (owner === null) continue; // entries of a free ASID are stale until it is given out again
      if (tlb[asid]!.some((e) => e !== null && !entryOf(owner, e))) return false;
    }
    return true;
  },
};

export const seizedAsidInvalidated: Invariant<State> = {
  name: 'seized-asid-invalidated',
  description:
    "once a shared CD holds an ASID (after arm_smmu_share_asid's xa_erase), no TLB entry under it is a private domain's: the seize invalidated the entries the domain filled under its old ASID",
  source:
    'v5.10 "iommu/arm-smmu-v3: Seize private ASID": arm_smmu_share_asid, "Invalidate TLB entries previously associated with that context" (arm_smmu_tlb_inv_asid, arm-smmu-v3-sva.c:84-85 at v5.13-rc6) before xa_erase',
  holds: (s) =>
    s.arm_smmu.asid_xa.every((e, asid) => e?.type !== 'shared' || !s.arm_smmu.tlb[asid]!.includes(PRIVATE_TLB_ENTRY)),
};
