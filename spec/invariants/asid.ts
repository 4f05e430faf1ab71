// The ASID contract between arch/arm64/mm/context.c and the SMMU (kernel-notes 1d): a shared CD is
// tagged with its mm's CPU ASID, so that the CPU's broadcast TLB invalidations (BTM) and the SMMU's
// TLBI by that ASID reach the SMMU TLB entries of that address space, and no other address space.
import type { Invariant } from '../../explorer/model.ts';
import { asidOf } from '../../model/mm/context.ts';
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
    "each shared CD's ASID is its mm's CPU ASID and the mm stays pinned, across any number of rollovers; no CPU runs another address space with that ASID",
  source:
    '48118151d8cc "arm64: mm: Pin down ASIDs for sharing mm with devices" (v5.10): "while pinned, the ASID never changes and is never given to another mm"; arm-smmu-v3-sva.c arm_smmu_alloc_shared_cd (the CD takes the pinned ASID); kernel-notes 1d',
  holds: (s) => {
    const xa = s.arm_smmu.asid_xa;
    for (let asid = 0; asid < xa.length; asid++) {
      const e = xa[asid];
      if (e?.type !== 'shared') continue;
      const m = s.mms[e.mm]!;
      if (m.count === 0) continue; // a freed mm is no-mm-use-after-free's
      if (m.context.pinned === 0 || asidOf(s.cpu_asid, m.context.id) !== asid) return false;
      for (let cpu = 0; cpu < s.cpu_mm.length; cpu++) {
        const runs = s.cpu_mm[cpu]!;
        const other = runs.kind === 'other' || (runs.kind === 'mm' && runs.mm !== e.mm);
        if (other && runningAsid(s, cpu) === asid) return false;
      }
    }
    return true;
  },
};
