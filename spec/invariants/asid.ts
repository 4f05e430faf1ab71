// The ASID contract between arch/arm64/mm/context.c and the SMMU (kernel-notes 1d): a shared CD is
// tagged with its mm's CPU ASID, so that the CPU's broadcast TLB invalidations (BTM) and the SMMU's
// TLBI by that ASID reach the SMMU TLB entries of that address space, and no other address space.
import type { Invariant } from '../../explorer/model.ts';
import { asidOf } from '../../model/mm/context.ts';
import { PRIVATE_TLB_ENTRY, smmuDevices, steDomain, type AsidEntry, type Cd, type TlbEntry } from '../../model/arm-smmu-v3/state.ts';
import type { DeviceId } from '../../model/ids.ts';
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

/**
 * Whether a TLB entry belongs to the owner asid_xa gives its ASID to. A private entry does not say
 * which io-pgtable it came from; xa_alloc gives each domain its own private ASIDs, and a domain freed
 * (param `attach`) invalidates its ASID (arm_smmu_tlb_inv_context) before arm_smmu_free_asid erases
 * it, so under a private owner's ASID a private entry is that domain's.
 */
const entryOf = (owner: AsidEntry, e: TlbEntry): boolean => (owner.type === 'shared' ? e === owner.mm : e === PRIVATE_TLB_ENTRY);

/** The address space a valid CD translates, as one number: mm m is m + 1, domain d's io-pgtable -(d + 1). */
const spaceCode = (cd: Cd, domain: number): number => (cd.ttb!.type === 'mm' ? cd.ttb!.mm + 1 : -(domain + 1));

/** Per ASID, the space of the first valid CD seen with it in this state (0: none); reused, as this runs on every state. */
const firstSpace = new Int32Array(1 << 8);

/** Whether a valid CD agrees with the first seen with its ASID (firstSpace) on its address space. */
function agrees(cd: Cd | null, domain: number): boolean {
  if (!cd?.v || cd.ttb === null || cd.asid >= firstSpace.length) return true;
  const code = spaceCode(cd, domain);
  if (firstSpace[cd.asid] === 0) firstSpace[cd.asid] = code;
  return firstSpace[cd.asid] === code;
}

/** Whether the valid CDs the SMMU can use, in memory and in its configuration cache, agree per ASID on one address space. */
function validCdsAgree(s: State): boolean {
  const smmu = s.arm_smmu;
  firstSpace.fill(0, 0, smmu.asid_xa.length);
  for (let d = 0; d < smmu.domains.length; d++) for (const cd of smmu.domains[d]!.cdtab) if (!agrees(cd, d)) return false;
  for (let sid = 0; sid < smmu.cdcache.length; sid++) {
    const dom = steDomain(smmu, sid as DeviceId);
    if (dom !== null) for (const cd of smmu.cdcache[sid]!) if (!agrees(cd, dom)) return false;
  }
  return true;
}

export const asidUnique: Invariant<State> = {
  name: 'asid-unique',
  description:
    'no ASID is in two valid CDs of the SMMU (in memory or cached) that translate different address spaces, and every TLB entry under an ASID that asid_xa gives out belongs to the address space it is given to',
  source:
    'arm-smmu-v3-sva.c arm_smmu_share_asid ("All devices bound to this mm use the same cd struct"; a private ASID is seized before the mm uses it), arm_smmu_mmu_notifier_put (TLBI of the ASID before arm_smmu_free_shared_cd frees it); kernel-notes 1c-1d',
  reads: ['arm_smmu'],
  holds: (s) => {
    if (!validCdsAgree(s)) return false;
    // asid_xa is global: on every SMMU an ASID's entries belong to its one owner.
    for (const { tlb } of smmuDevices(s.arm_smmu)) {
      for (let asid = 0; asid < tlb.length; asid++) {
        const owner = s.arm_smmu.asid_xa[asid];
        if (!owner) continue; // entries of a free ASID are stale until it is given out again
        for (const e of tlb[asid]!) if (e !== null && !entryOf(owner, e)) return false;
      }
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
  reads: ['arm_smmu'],
  holds: (s) =>
    s.arm_smmu.asid_xa.every((e, asid) => e?.type !== 'shared' || smmuDevices(s.arm_smmu).every(({ tlb }) => !tlb[asid]!.includes(PRIVATE_TLB_ENTRY))),
};
