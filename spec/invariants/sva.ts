// The safety rules of SVA bind/unbind, the mm lifetime and the translation caches, one per
// clause of the issue, each with where it comes from. They read the slices of model/sva/ and
// presume the `smmu` part is on (the `sva` model's configs). Witnesses: spec/witnesses-sva.ts;
// each invariant fires on a variant (spec/variants/sva/) or a hand-made state (test/spec/sva-invariants.test.ts).
import { PRIVATE_TLB_ENTRY, domainFinalised, smmuDevices } from '../../model/arm-smmu-v3/state.ts';
import type { Invariant } from '../../explorer/model.ts';
import { ioasidHolderKey, type IoasidHolder } from '../../model/ioasid/ioasid.ts';
import { mmHolderKey, type MmHolder } from '../../model/mm/mm.ts';
import type { IommuFault } from '../../model/iommu/state.ts';
import type { State } from '../../model/state.ts';
import { FREE_CD_IN, type FreeCdIn } from '../../model/sva/processes.ts';

/** exit_mmap's release is done for this mm (mn_hlist_release returned). */
const released = (s: State, mm: number): boolean => {
  const x = s.mms[mm]!.exit.state;
  return x === 'unmapping' || x === 'exited';
};

// The helpers below walk the caches with plain loops and a predicate, allocating nothing: the
// invariants run on every new state, and generators with destructured tuples were a tenth of the
// search of the `sva` config.

/** Does `ok` hold for every ATC entry (master, ssid, page, mm)? */
function everyAtcEntry(s: State, ok: (dev: number, ssid: number, page: number, mm: number) => boolean): boolean {
  const atc = s.arm_smmu.atc;
  for (let dev = 0; dev < atc.length; dev++) {
    const rows = atc[dev]!;
    for (let ssid = 0; ssid < rows.length; ssid++) {
      const row = rows[ssid]!;
      for (let page = 0; page < row.length; page++) {
        const mm = row[page]!;
        if (mm !== null && !ok(dev, ssid, page, mm)) return false;
      }
    }
  }
  return true;
}

/** Does `ok` hold for every TLB entry of an mm (asid, page, mm)? The private io-pgtable's are skipped. */
function everyTlbEntry(s: State, ok: (asid: number, page: number, mm: number) => boolean): boolean {
  for (const { tlb } of smmuDevices(s.arm_smmu)) {
    for (let asid = 0; asid < tlb.length; asid++) {
      const row = tlb[asid]!;
      for (let page = 0; page < row.length; page++) {
        const mm = row[page]!;
        if (mm !== null && mm !== PRIVATE_TLB_ENTRY && !ok(asid, page, mm)) return false;
      }
    }
  }
  return true;
}

export const noStaleAtcAfterRelease: Invariant<State> = {
  name: 'no-stale-atc-after-release',
  description: 'once exit_mmap\'s release (or the unbind before it) completed for an mm, no ATC entry of that address space remains',
  source: 'seed 001 patch 17 (arm_smmu_mm_release: "TLB and ATC invalidate"), review of v6 (Jacob Pan: "is it still necessary to invalidate again?"); kernel-notes 1c',
  reads: ['arm_smmu', 'mms'],
  holds: (s) => everyAtcEntry(s, (_dev, _ssid, _page, mm) => !released(s, mm)),
};

export const noStaleTlbAfterRelease: Invariant<State> = {
  name: 'no-stale-tlb-after-release',
  description: 'once exit_mmap\'s release completed for an mm, no SMMU TLB entry of that address space remains',
  source: 'seed 001 patch 17 arm_smmu_mm_release: arm_smmu_tlb_inv_asid(smmu_mn->cd->asid); kernel-notes 1c',
  reads: ['arm_smmu', 'mms'],
  holds: (s) => everyTlbEntry(s, (_asid, _page, mm) => !released(s, mm)),
};

export const noDmaToUnmappedPage: Invariant<State> = {
  name: 'no-dma-to-unmapped-page',
  description:
    'after invalidate_range for a page completed (its frame freed: PTE none), no TLB or ATC entry translates it and no DMA used a translation of it',
  source: 'mm/mmu_notifier.h invalidate_range: "after this call the device must not access the range"; seed 001 (ATC invalidation in invalidate_range); kernel-notes 1c',
  reads: ['ghost', 'arm_smmu', 'mms'],
  holds: (s) =>
    !s.ghost.dmaToFreedPage &&
    everyAtcEntry(s, (_dev, _ssid, page, mm) => s.mms[mm]!.pages[page]!.pte !== 'none') &&
    everyTlbEntry(s, (_asid, page, mm) => s.mms[mm]!.pages[page]!.pte !== 'none'),
};

export const noDmaThroughStaleTlb: Invariant<State> = {
  name: 'no-dma-through-stale-tlb',
  description:
    "no DMA uses an SMMU TLB entry that its CD's address space does not map: not an IOVA whose iommu_unmap has returned, nor another address space's entry under the same ASID",
  source:
    'Documentation/core-api/dma-api.rst (after dma_unmap_* the device must not access the buffer); arm-smmu-v3-sva.c arm_smmu_share_asid ("Race with unmap ... We\'ll do an invalidate-all on the old ASID later, so it doesn\'t matter"; "Invalidate TLB entries previously associated with that context")',
  reads: ['ghost'],
  holds: (s) => !s.ghost.dmaStaleTlb,
};

/** Does `ok` hold for every fault still owed a response or queued/running for handling? */
function everyPendingFault(s: State, ok: (f: IommuFault) => boolean): boolean {
  for (const di of s.dev_iommu) if (di.fault_param && !di.fault_param.faults.every(ok)) return false;
  for (const g of s.queue.wq) if (!g.faults.every(ok) || !ok(g.last_fault)) return false;
  for (const w of s.workers) if (w.pc !== 'idle' && (!w.group.faults.every(ok) || !ok(w.group.last_fault))) return false;
  return true;
}

export const pasidLifetime: Invariant<State> = {
  name: 'pasid-lifetime',
  description:
    'a PASID is not reallocated to another mm while a CD, an ATC entry or a pending fault still names it; mm->pasid is set while any bond of that mm exists',
  source: 'seed 001 patches 2-3 (ioasid references, iommu_sva_free_pasid), iopf_queue_flush_dev kdoc ("won\'t hit the address space of the next process"); kernel-notes 1b',
  reads: ['ioasid', 'arm_smmu', 'mms', 'dev_iommu', 'queue', 'workers'],
  holds: (s) => {
    const xa = s.ioasid.xa;
    for (let p = 1; p < xa.length; p++) {
      const a = xa[p]!;
      if (a === null) continue;
      const owner = a.private;
      for (const dom of s.arm_smmu.domains) {
        const cd = dom.cdtab[p];
        if (cd?.v && cd.ttb?.type === 'mm' && cd.ttb.mm !== owner) return false;
      }
      if (!everyAtcEntry(s, (_dev, ssid, _page, mm) => ssid !== p || mm === owner)) return false;
      if (!everyPendingFault(s, (f) => f.pasid !== p || !f.stale)) return false;
    }
    // Set: neither 0 (seed 001: "invalid PASID = 0") nor INVALID_IOASID (-1, from a6cbd44093ef).
    return s.arm_smmu.masters.every((m) => m.bonds.every((b, mm) => b === null || s.mms[mm]!.pasid > 0));
  },
};

/** How many bonds (any master's, to mm `mm` through notifier `mn`) satisfy `ok`. */
function countBonds(smmu: State['arm_smmu'], ok: (mm: number, mn: number) => boolean): number {
  let n = 0;
  for (const m of smmu.masters) {
    for (let mm = 0; mm < m.bonds.length; mm++) {
      const b = m.bonds[mm]!;
      if (b !== null && ok(mm, b.smmu_mn)) n++;
    }
  }
  return n;
}

/** The holder of a reference of PASID `id` (owned by mm `owner`) still exists. */
// The two holder checks below are switches, not matches: they run on every new state (a match cost
// 3% of a search); `satisfies never` still breaks the build on a new kind of holder.
function ioasidHolderAlive(s: State, id: number, owner: number | null, h: IoasidHolder): boolean {
  if (owner === null) return false;
  switch (h.kind) {
    case 'bond':
      return (s.arm_smmu.masters[h.dev]?.bonds[owner] ?? null) !== null;
    case 'mm':
      return s.mms[owner]!.pasid === id;
    default:
      return h satisfies never;
  }
}

/** The holder of an mm_count reference of mm `mm` still exists. */
function mmHolderAlive(s: State, mm: number, h: MmHolder): boolean {
  const m = s.mms[mm]!;
  switch (h.kind) {
    case 'users':
      return m.exit.state !== 'exited';
    case 'notifier':
      return m.notifiers.some((n) => n.id === h.id) || m.srcu_pending.includes(h.id);
    case 'cd': {
      const e = s.arm_smmu.asid_xa[h.asid];
      return e?.type === 'shared' && e.mm === mm;
    }
    case 'bind':
      return s.devices[h.dev]!.pasid !== 0;
    default:
      return h satisfies never;
  }
}

/**
 * Each holder appears once (a holder takes one reference) and the count is the number of holders.
 * The slices keep holders sorted by `key`, so a holder taken twice sits next to itself.
 */
function holdersMatch<H>(refs: number, holders: readonly H[], key: (h: H) => number): boolean {
  if (refs !== holders.length) return false;
  for (let i = 1; i < holders.length; i++) if (key(holders[i]!) === key(holders[i - 1]!)) return false;
  return true;
}

/** The refcount equalities, checked when no thread is inside an sva_lock section. */
function balanced(s: State, free_cd_in: FreeCdIn): boolean {
  // Counted in place rather than by collecting and filtering the holders: this runs on every state.
  const smmu = s.arm_smmu;
  const xa = s.ioasid.xa;
  for (let p = 1; p < xa.length; p++) {
    const a = xa[p]!;
    if (a === null) continue;
    if (!holdersMatch(a.refs, a.holders, ioasidHolderKey) || !a.holders.every((h) => ioasidHolderAlive(s, p, a.private, h))) return false;
  }
  const notifiers = smmu.mmu_notifiers;
  for (let id = 0; id < notifiers.length; id++) {
    const mn = notifiers[id]!;
    if (mn === null) continue;
    if (mn.refs !== countBonds(smmu, (_mm, bondMn) => bondMn === id)) return false;
  }
  for (let asid = 0; asid < smmu.asid_xa.length; asid++) {
    const e = smmu.asid_xa[asid];
    if (e?.type !== 'shared') continue;
    let users = 0;
    for (const n of notifiers) if (n !== null && n.cd === asid && (free_cd_in === 'free_notifier' || !n.freeing)) users++;
    if (e.refs !== users) return false;
  }
  for (let x = 0; x < s.mms.length; x++) {
    const m = s.mms[x]!;
    // The pin's holder is the mm's shared CD, the one holder of a pin the model has.
    const pinner = smmu.asid_xa.some((e) => e?.type === 'shared' && e.mm === x && e.pinned);
    if (m.context.pinned !== (pinner ? 1 : 0)) return false;
    if (!holdersMatch(m.count, m.count_holders, mmHolderKey) || !m.count_holders.every((h) => mmHolderAlive(s, x, h))) return false;
  }
  return true;
}

/**
 * `refcounts-balanced` for a driver that frees the shared CD in free_notifier (seed 001 v6, the
 * baseline) or in arm_smmu_mmu_notifier_put (v5.11): a put notifier still holds its CD in the first.
 */
export const refcountsBalancedFor = (free_cd_in: FreeCdIn): Invariant<State> => ({
  name: 'refcounts-balanced',
  description:
    'outside sva_lock, each IOASID, bond, notifier, shared-CD, ASID-pin and mm_count reference count equals the number of its holders, every one of which still exists, so each object is freed exactly when its last reference goes (a count dropped below zero is no-kernel-warning)',
  source: 'kernel-notes 1c "Locks and refcounts (v5.11)"; seed 001 patch 2 (ioasid_get/put), mm/mmu_notifier.c (mmgrab in register, mmdrop in free_rcu)',
  reads: ['sva_lock', 'ioasid', 'arm_smmu', 'mms', 'devices'],
  holds: (s) => s.sva_lock !== null || balanced(s, free_cd_in),
});

export const refcountsBalanced = refcountsBalancedFor(FREE_CD_IN);

export const oneBondPerDeviceMm: Invariant<State> = {
  name: 'one-bond-per-device-mm',
  description:
    'repeated binds of a (device, mm) pair share one bond: the handles a driver holds are the bond\'s references; at most one live notifier per (domain, mm)',
  source: 'seed 001 iommu_sva_bind_device kdoc ("If bind() was already called for this {dev, mm} pair, reuse it"), patch 17: arm_smmu_bond one per (device, mm), arm_smmu_mmu_notifier one per (domain, mm)',
  reads: ['sva', 'sva_lock', 'arm_smmu'],
  holds: (s) =>
    s.sva.every((h, dev) => {
      if (h.mm === null || h.handles === 0 || s.sva_lock === dev) return true;
      return s.arm_smmu.masters[dev]!.bonds[h.mm]?.refs === h.handles;
    }) &&
    s.arm_smmu.mmu_notifiers.every(
      (n, i) =>
        n === null ||
        n.freeing ||
        !s.arm_smmu.mmu_notifiers.some((o, j) => j !== i && o !== null && !o.freeing && o.domain === n.domain && o.mm === n.mm),
    ),
};

export const noCBadCd: Invariant<State> = {
  name: 'no-c-bad-cd',
  description: 'a CD is never made invalid (V = 0) or illegal while the device may still DMA with that PASID: the SMMU raised no C_BAD_CD',
  source: 'seed 001 patch 17 cover: "To avoid any event 0x0a print (C_BAD_CD) we disable translation without clearing CD.V"; kernel-notes 1c case (4)',
  reads: ['arm_smmu'],
  holds: (s) => !s.arm_smmu.events.includes('C_BAD_CD'),
};

export const noMmUseAfterFree: Invariant<State> = {
  name: 'no-mm-use-after-free',
  description:
    'nothing reads an mm (its context, pages, PASID) after its mm_count reached zero, and no translating CD points at the pgd of a freed mm',
  source: 'include/linux/sched/mm.h mmgrab/mmdrop; mm/mmu_notifier.c (the notifier holds mm_count until free_rcu); kernel-notes 1c',
  holds: (s) =>
    s.mms.every((m) => !m.warnings.includes('use-after-free')) &&
    s.arm_smmu.domains.every((dom) =>
      dom.cdtab.every((cd) => !(cd.v && !cd.epd0 && cd.ttb?.type === 'mm' && s.mms[cd.ttb.mm]!.count === 0)),
    ),
};

export const svaCdOwnership: Invariant<State> = {
  name: 'sva-cd-ownership',
  description:
    "SVA writes only the CD of its own PASID: each domain's private CD at SSID 0 (the device's DMA without a PASID) keeps its configuration, valid and translating through the domain's io-pgtable, from the domain's finalise to its free",
  source:
    'arm-smmu-v3.c arm_smmu_domain_finalise_s1 (the private CD at SSID 0); seed 001 patch 1 ("invalid PASID = 0"), iommu-sva-lib.c iommu_sva_free_pasid ("mm->pasid = 0" when the last reference goes), arm_smmu_mm_release and arm_smmu_mmu_notifier_put writing the CD at mm->pasid',
  // The ASID is not judged here: the seize rewrites it on purpose, and whether a valid CD's ASID is
  // the one asid_xa gives its table (old or new, mid-seize) is cd-hitless's, for every CD.
  reads: ['arm_smmu'],
  holds: (s) =>
    s.arm_smmu.domains.every((dom, i) => {
      const cd = dom.cdtab[0]!;
      return !domainFinalised(s.arm_smmu, i) || (cd.v && !cd.epd0 && cd.ttb?.type === 'private');
    }),
};

export const privateDmaTranslates: Invariant<State> = {
  name: 'private-dma-translates',
  description:
    "the DMA domain's own DMA (no PASID, through the private CD at SSID 0, to what the driver mapped) is never aborted: SVA's binds, unbinds and releases leave it working",
  source:
    'arm-smmu-v3.c arm_smmu_domain_finalise_s1 (the private CD at SSID 0 serves the DMA API for the device while it is attached); SMMUv3 F_TRANSLATION (0x10) and C_BAD_CD (0x0a)',
  reads: ['ghost'],
  holds: (s) => !s.ghost.privateDmaAborted,
};

/** In the order of the issue. */
export const svaInvariants: readonly Invariant<State>[] = [
  noStaleAtcAfterRelease,
  noStaleTlbAfterRelease,
  noDmaToUnmappedPage,
  pasidLifetime,
  refcountsBalanced,
  oneBondPerDeviceMm,
  noCBadCd,
  noMmUseAfterFree,
  svaCdOwnership,
  privateDmaTranslates,
  noDmaThroughStaleTlb,
];
