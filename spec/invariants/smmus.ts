// Several SMMUs (param `smmus`): an mm's address space is cached by every SMMU whose masters are
// bound to it, each through its own domain, and arm_smmu_mm_invalidate_range invalidates only
// smmu_mn->domain's SMMU (arm_smmu_tlb_inv_range_asid on smmu_domain->smmu, arm_smmu_atc_inv_domain
// on the domain's masters: arm-smmu-v3-sva.c:180-192 at 9936a12fcb18). So an invalidation of the mm
// reaches an SMMU only through a notifier of the mm on a domain of that SMMU (or, for its TLB, the
// CPU's broadcast TLBI where the SMMU has BTM).
import type { Invariant } from '../../explorer/model.ts';
import { domainSmmu, masterSmmu, smmuDevices } from '../../model/arm-smmu-v3/state.ts';
import type { DeviceId, MmId, SmmuId } from '../../model/ids.ts';
import type { State } from '../../model/state.ts';

/**
 * The page of mm `mm` whose munmap flush has completed: its PTE is cleared, and every
 * invalidate_range call of both rounds (tlb_flush_mmu_tlbonly's and invalidate_range_end's) has
 * returned; tlb_finish_mmu, which frees the frame, is next. Null when no such flush is at that point.
 */
export function flushedPage(s: State, mm: MmId): number | null {
  const u = s.mms[mm]!.unmap;
  if (u === null || u.phase === 'zapped' || u.pending.length > 0) return null;
  return s.mms[mm]!.pages[u.page]!.pte === 'zapped' ? u.page : null;
}

/** Is a notifier of `mm` linked on the mm whose domain is on SMMU `smmu`? Its invalidate_range issues there. */
export function notifierOn(s: State, mm: MmId, smmu: SmmuId): boolean {
  return s.mms[mm]!.notifiers.some((n) => {
    const mn = n.linked ? s.arm_smmu.mmu_notifiers[n.id] : null;
    return mn !== null && mn !== undefined && mn.mm === mm && domainSmmu(s.arm_smmu, mn.domain) === smmu;
  });
}

/** SMMU `smmu` holds a TLB entry of `mm` at `page`, under any ASID. */
const tlbHolds = (s: State, smmu: number, mm: MmId, page: number): boolean =>
  smmuDevices(s.arm_smmu)[smmu]!.tlb.some((row) => row[page] === mm);

/** Some master behind SMMU `smmu` holds an ATC entry of `mm` at `page`, under any SSID. */
const atcHolds = (s: State, smmu: number, mm: MmId, page: number): boolean =>
  s.arm_smmu.atc.some((rows, sid) => masterSmmu(s.arm_smmu, sid as DeviceId) === smmu && rows.some((row) => row[page] === mm));

export const invalidationReachesEverySmmu: Invariant<State> = {
  name: 'invalidation-reaches-every-smmu',
  description:
    "when a munmap's invalidation of a page has completed (every invalidate_range call returned, the frame not yet freed), every SMMU that still holds a TLB or ATC entry of the mm at that page is one the invalidation was sent to: a notifier of the mm is linked on a domain of that SMMU (for the TLB, or the SMMU has BTM and the CPU's TLBI broadcast reached it)",
  source:
    'arm-smmu-v3-sva.c arm_smmu_mmu_notifier_get: "Allocate or get existing MMU notifier for this {domain, mm} pair" (:229 at 9936a12fcb18; the walk of smmu_domain->mmu_notifiers :238-243), arm_smmu_mm_invalidate_range (:180-192: smmu_domain->smmu, arm_smmu_atc_inv_domain); arm-smmu-v3.c arm_smmu_attach_dev (a domain never spans SMMUs); mm/mmu_notifier.h invalidate_range: "after this call the device must not access the range"',
  reads: ['mms', 'arm_smmu'],
  holds: (s) => {
    const smmus = smmuDevices(s.arm_smmu).length;
    for (let mm = 0 as MmId; mm < s.mms.length; mm++) {
      const page = flushedPage(s, mm);
      if (page === null) continue;
      for (let k = 0 as SmmuId; k < smmus; k++) {
        if (notifierOn(s, mm, k)) continue;
        if (atcHolds(s, k, mm, page)) return false;
        if (!s.arm_smmu.features.btm && tlbHolds(s, k, mm, page)) return false;
      }
    }
    return true;
  },
};
