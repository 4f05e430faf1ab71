// The flusher of each mm with `httu` (model/mm/page-writeback.ts): write_cache_pages finds a page
// with PG_dirty, locks it and calls clear_page_dirty_for_io, whose page_mkclean reaches the mm's
// PTE through page_mkclean_one (mm/rmap.c:901-970 at 9936a12fcb18, v5.13-rc6):
//   mmu_notifier_invalidate_range_start (the SMMU's notifier has no invalidate_range_start: nothing),
//   the PTE-lock section (ptep_clear_flush, pte_wrprotect, pte_mkclean, set_pte_at),
//   mmu_notifier_invalidate_range_end, which calls every linked notifier's invalidate_range
//   (mm/mmu_notifier.c mn_hlist_invalidate_end, `!only_end`): arm_smmu_mm_invalidate_range's TLBI by
//   ASID and VA, ATC_INV and their CMD_SYNCs, waited for;
// then `if (page_mkclean(page)) set_page_dirty(page)`, TestClearPageDirty, and ->writepage issues the
// I/O and unlocks the page (mm/page-writeback.c clear_page_dirty_for_io, write_cache_pages).
// page_mkclean_one's own comment says why no invalidate_range is called under the PTE lock: "we are
// downgrading page table protection not changing it to point to a new page";
// so the SMMU's cached writable translation lives until invalidate_range_end's sync, and a write
// through it in between lands while PG_dirty is still set. One step per lock section, per
// invalidate_range call and per wait, as the owner's munmap (processes.ts).
// Left out: the page lock's other holders (the faults of model/io-pgfault/worker.ts and the owner's
// wait for it: `page_locked`), several pages in one write_cache_pages pass (one page per pass).
import { step, type AnyStep, type Process } from '../../explorer/model.ts';
import { cmdq_sync_done } from '../arm-smmu-v3/cmdq.ts';
import { arm_smmu_mm_invalidate_range } from '../arm-smmu-v3/sva-notifier.ts';
import { arm_smmu_btm_tlbi_va, cpuTlbiRegime } from '../arm-smmu-v3/tlb.ts';
import type { Draft } from 'immer';
import { asidOf } from '../mm/context.ts';
import { clear_page_dirty_for_io, page_locked, set_page_dirty } from '../mm/page-writeback.ts';
import { handle_mm_fault, type Access } from '../mm/pgtable.ts';
import { page_mapped, page_mkclean_one } from '../mm/rmap.ts';
import type { IopfParams } from '../params.ts';
import type { State } from '../state.ts';
import { mmCount, writebackOwner } from './config.ts';
import { smmu_mm_invalidate_mkclean } from './tracepoints.ts';
import { svaView } from './view.ts';

/**
 * handle_mm_fault in the composition. With `httu` the mapping is a shared file mapping with
 * write-notify: a write fault ends in fault_dirty_shared_page → set_page_dirty (mm/memory.c
 * do_shared_fault, wp_page_shared); a read fault maps the page read-only and clean (its
 * vm_page_prot has no write permission: vma_set_page_prot), so the first write faults again.
 */
export function handleMmFault(d: Draft<State>, mm: number, page: number, access: Access): 0 | 'VM_FAULT_SIGSEGV' {
  const p = d.mms[mm]!.pages[page];
  const was = p?.pte;
  const ret = handle_mm_fault(d.mms[mm]!, page, access);
  if (ret !== 0 || !d.httu || !p) return ret;
  if (access === 'w') set_page_dirty(d.httu, mm, page);
  else if (was === 'none' && p.vm === 'rw') p.pte = 'clean';
  return ret;
}

/** Whether a fault on (mm, page) waits for the page lock a flusher holds (filemap_fault, do_page_mkwrite). */
export function faultWaitsForPageLock(s: State, mm: number, page: number): boolean {
  return s.httu !== undefined && page_locked(s.httu, mm, page);
}

/** The wait for invalidate_range's CMD_SYNCs; `wait` false: `httu-writeback-no-sync`'s mutation. */
export function writebackInvalidateDone(c: IopfParams, wait = true): AnyStep<State> {
  return step<State>({
    name: 'mmu_notifier_invalidate_range_done',
    at: 'invalidate_wait',
    doc: wait
      ? 'arm_smmu_mm_invalidate_range returns once its CMD_SYNCs completed (arm_smmu_cmdq_issue_cmdlist waits for each sync); the SRCU read section of the call ends'
      : 'arm_smmu_mm_invalidate_range returns without waiting for its CMD_SYNCs (mutation); the SRCU read section of the call ends',
    source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:191-192 (v5.13-rc6); mm/mmu_notifier.c:552-576 (87ea6a1e395a) (mn_hlist_invalidate_end, its ->invalidate_range call at :576)',
    locks: 'page lock; srcu_read_lock(&srcu), released here',
    enabled: (s, self) => !wait || cmdq_sync_done(s.arm_smmu, writebackOwner(c, self)),
    apply: (d, self) => {
      const w = d.httu!.writeback[self]!;
      w.pending = w.pending.filter((id) => id !== w.reader);
      w.reader = null;
      w.pc = 'range_end';
    },
  });
}

/**
 * The writeback's lock_page → clear_page_dirty_for_io → page_mkclean → page_mkclean_one up to its
 * PTE section. `delayedRmap` (5df397dec7c4, v6.2): zap_pte_range keeps a dirty file page in the
 * rmap until its TLB flush, invalidate_range included, is done under the PTE lock, so page_mkclean
 * finds the page of a munmap in that section still mapped and its walk waits for the lock.
 */
export function pageMkcleanStep(c: IopfParams, opts: { delayedRmap?: boolean } = {}): AnyStep<State> {
  const waitsForZap = (s: State, mm: number, page: number): boolean => (opts.delayedRmap ?? false) && zapPtlHeld(s, mm, page);
  return step<State, number>({
    name: 'page_mkclean_one',
    at: 'idle',
    doc: opts.delayedRmap
      ? "write_cache_pages → lock_page → clear_page_dirty_for_io → page_mkclean: a page munmap has zapped stays in the rmap until zap_pte_range's TLB flush (invalidate_range included) is done, so the walk waits for that PTE lock; an unmapped page returns 0; else page_mkclean_one's PTE section, as in the baseline"
      : "write_cache_pages → lock_page → clear_page_dirty_for_io → page_mkclean: an unmapped page returns 0; else page_mkclean_one: mmu_notifier_invalidate_range_start (no SMMU callback), then under the PTE lock a dirty or writable PTE is ptep_clear_flush'd (the CPU TLBI: with BTM it reaches the SMMU TLB, for entries of the CPU's regime), write-protected, cleaned and set back",
    source: opts.delayedRmap
      ? '5df397dec7c4 "mm: delay page_remove_rmap() until after the TLB has been flushed" (v6.2) on mm/memory.c zap_pte_range; mm/rmap.c:901-970, :983-996 (9936a12fcb18, v5.13-rc6) (page_mkclean_one, page_mkclean)'
      : 'mm/rmap.c:901-937, :983-996 (9936a12fcb18, v5.13-rc6) (page_mkclean_one up to its PTE section: ptep_clear_flush at :934, pte_wrprotect and pte_mkclean at :935-936; page_mkclean); mm/page-writeback.c:2213, :2242, :2661-2698 (9936a12fcb18) (write_cache_pages: lock_page, clear_page_dirty_for_io → page_mkclean)',
    locks: 'page lock, taken here and held to ->writepage; the PTE lock for the PTE section',
    choices: (s, self) => s.httu!.pg_dirty[self]!.flatMap((dirty, page) => (dirty && !waitsForZap(s, self, page) ? [page] : [])),
    apply: (d, self, page) => {
      const m = d.mms[self]!;
      const w = d.httu!.writeback[self]!;
      w.page = page;
      w.pc = 'range_end';
      if (!page_mapped(m, page)) return; // "if (!page_mapped(page)) return 0;": no rmap walk, no notifier
      w.cleaned = page_mkclean_one(m, page);
      if (w.cleaned) arm_smmu_btm_tlbi_va(d.arm_smmu, asidOf(d.cpu_asid, m.context.id), page, cpuTlbiRegime(c.vhe)); // ptep_clear_flush → flush_tlb_page
      w.pending = m.notifiers.filter((n) => n.linked).map((n) => n.id);
    },
    showChoice: (p) => `page ${p}`,
  });
}

/**
 * munmap's zap_pte_range holds the PTE lock of `page` from the zap through tlb_flush_mmu_tlbonly's
 * invalidate_range calls ("Do the actual TLB flush before dropping ptl", force_flush for a dirty
 * file page): the model's `zapped` phase, and `tlb_flush` until those calls returned.
 */
function zapPtlHeld(s: State, mm: number, page: number): boolean {
  const u = s.mms[mm]!.unmap;
  return u !== null && u.page === page && (u.phase === 'zapped' || (u.phase === 'tlb_flush' && u.pending.length > 0));
}

export function writebackSteps(c: IopfParams): AnyStep<State>[] {
  return [
    pageMkcleanStep(c),
    step<State>({
      name: 'arm_smmu_mm_invalidate_range',
      at: 'range_end',
      tracepoint: smmu_mm_invalidate_mkclean,
      doc: "page_mkclean_one's mmu_notifier_invalidate_range_end → invalidate_range of the next linked notifier (SRCU reader, no lock): arm_smmu_mm_invalidate_range, TLBI by VA unless BTM, ATC_INV for mm->pasid, CMD_SYNC",
      source: 'mm/rmap.c:970 (9936a12fcb18, v5.13-rc6) (page_mkclean_one: mmu_notifier_invalidate_range_end); drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:180-192 (v5.13-rc6)',
      locks: 'page lock; srcu_read_lock(&srcu); no driver lock',
      enabled: (s, self) => s.httu!.writeback[self]!.pending.length > 0,
      apply: (d, self) => {
        const w = d.httu!.writeback[self]!;
        const id = w.pending[0]!;
        w.reader = id;
        w.pc = 'invalidate_wait';
        arm_smmu_mm_invalidate_range(svaView(d), id, w.page!, writebackOwner(c, self));
      },
    }),
    writebackInvalidateDone(c),
    step<State>({
      name: 'clear_page_dirty_for_io',
      at: 'range_end',
      doc: 'page_mkclean returned: clear_page_dirty_for_io sets the page dirty again if a PTE was cleaned, then TestClearPageDirty; a dirty page goes to ->writepage, which issues the I/O and unlocks it',
      source: 'mm/page-writeback.c:2709, :2246, :2307 (9936a12fcb18, v5.13-rc6) (clear_page_dirty_for_io: TestClearPageDirty; write_cache_pages: (*writepage) → __writepage)',
      locks: 'page lock, released by ->writepage',
      enabled: (s, self) => s.httu!.writeback[self]!.pending.length === 0,
      apply: (d, self) => {
        const w = d.httu!.writeback[self]!;
        clear_page_dirty_for_io(d.httu!, self, w.page!, w.cleaned);
        d.httu!.writeback[self] = { pc: 'idle', page: null, cleaned: false, pending: [], reader: null };
      },
    }),
  ];
}

export function writebackProcess(c: IopfParams): Process<State> {
  return { name: 'writeback', instances: mmCount(c), pc: (s, self) => s.httu!.writeback[self]!.pc, steps: writebackSteps(c) };
}
