// The CD writes' contract with the SMMU (arm_smmu_write_ctx_desc, arm-smmu-v3.c v5.11-v5.13): the
// SMMU may fetch a CD at any time, between any two stores of a write, and reads each 64-bit word
// atomically; so each store must leave a CD that is the old or the new configuration in the words
// the SMMU uses, or invalid. The word-level form of the same check, on the driver's bit layout, is
// model/arm-smmu-v3/entry-hitless.ts (outside the explored state).
import type { Invariant } from '../../explorer/model.ts';
import { steDomain, type Cd, type SmmuState } from '../../model/arm-smmu-v3/state.ts';
import type { DeviceId } from '../../model/ids.ts';
import type { State } from '../../model/state.ts';

/**
 * A valid CD of domain `dom` is a whole configuration: an ASID, a TTB0, and the ASID is the one
 * asid_xa gives to the address space TTB0 points at (the domain's private CD for its io-pgtable, the
 * mm's shared CD for an mm's pgd). A CD with V = 0 passes: an install and a removal go through it on
 * purpose, and a transaction that meets it is no-c-bad-cd's.
 */
export function cdWhole(smmu: SmmuState, dom: number, cd: Cd): boolean {
  if (!cd.v) return true;
  const ttb = cd.ttb;
  if (cd.asid === 0 || ttb === null) return false;
  const owner = smmu.asid_xa[cd.asid];
  if (!owner) return false;
  // A plain test on the two-case union, not a match: this runs on every CD of every new state.
  return ttb.type === 'private' ? owner.type === 'private' && owner.domain === dom : owner.type === 'shared' && owner.mm === ttb.mm;
}

/**
 * Can a CD write of domain `dom` at `ssid` be in progress: SSID 0 (the domain's private CD, which the
 * seize rewrites), or the PASID of an mm that a notifier of the domain still exists for (bind, release
 * and unbind write it only then)?
 */
function cdHasWriter(s: State, dom: number, ssid: number): boolean {
  if (ssid === 0) return true;
  for (const n of s.arm_smmu.mmu_notifiers) if (n !== null && n.domain === dom && s.mms[n.mm]!.pasid === ssid) return true;
  return false;
}

/** Does every CD the SMMU can fetch, of an SSID with a writer, pass `cdWhole`: in memory for a domain with a master, or cached? */
export function everyFetchableCdWhole(s: State): boolean {
  const smmu = s.arm_smmu;
  for (let dom = 0; dom < smmu.domains.length; dom++) {
    if (!smmu.masters.some((_, sid) => steDomain(smmu, sid as DeviceId) === dom)) continue;
    const cdtab = smmu.domains[dom]!.cdtab;
    for (let ssid = 0; ssid < cdtab.length; ssid++) if (!cdWhole(smmu, dom, cdtab[ssid]!) && cdHasWriter(s, dom, ssid)) return false;
  }
  for (let sid = 0; sid < smmu.cdcache.length; sid++) {
    // A row is cached through the STE the SMMU cached with it (param `attach`), else the master's.
    const dom = steDomain(smmu, sid as DeviceId);
    if (dom === null) continue;
    const row = smmu.cdcache[sid]!;
    for (let ssid = 0; ssid < row.length; ssid++) {
      const cd = row[ssid];
      if (cd && !cdWhole(smmu, dom, cd) && cdHasWriter(s, dom, ssid)) return false;
    }
  }
  return true;
}

/**
 * A predicate on the state, no ghost: the model's CD is the fields of its words (dword 0: V, EPD0,
 * S, R, ASID; dword 1: TTB0), and old and new configurations of a driver's write agree with asid_xa
 * at every step where the SMMU can fetch. The install writes TTB0 and syncs before V; the ASID
 * update (the seize) rewrites dword 0 with one store while both the old and the new ASID are the
 * domain's in asid_xa, whose xa_erase of the old one waits for the CD's and the TLB's syncs; the
 * quiesce sets only EPD0; the removal clears V, and the shared CD goes only after its sync. EPD0,
 * S and R are not judged: each is one value of one store, and an illegal S is no-c-bad-cd's.
 * Only CDs a write can be in progress on are judged (`cdHasWriter`). A CD left valid after its
 * notifier went is whole but stale, its ASID freed under it: v5.18-rc1's PASID lifetime leaves one
 * when the unbind finds mm->pasid already INVALID_IOASID (variant pasid-freed-at-mmput, which breaks
 * pasid-lifetime and no-kernel-warning), and it is no torn write.
 */
export const cdHitless: Invariant<State> = {
  name: 'cd-hitless',
  description:
    'every CD the SMMU can fetch (in memory for a domain with a master, or in its configuration cache) that a driver may be writing (SSID 0, or the PASID of an mm with a notifier on the domain) is invalid or a whole configuration, old or new: a non-zero ASID, a TTB0, and the ASID is the one asid_xa gives to the table TTB0 points at',
  source:
    'arm-smmu-v3.c arm_smmu_write_ctx_desc (v5.13-rc6, 972-1051): "STE is live, and the SMMU might read dwords of this CD in any order. Ensure that it observes valid values before reading V=1"; "(3) Update ASID of a CD. Atomically write the first 64 bits of the CD"; IHI0070 3.21.3 ("Any single field within an aligned 64-bit span of a structure can be altered without first making the structure invalid")',
  reads: ['arm_smmu', 'mms'],
  holds: (s) => everyFetchableCdWhole(s),
};
