// mm/page-writeback.c as the writeback of one page of a shared file mapping sees it (v5.13-rc6):
// PG_dirty, set by the write fault (fault_dirty_shared_page → set_page_dirty) and by munmap's
// zap_pte_range of a dirty PTE, then write_cache_pages → lock_page → clear_page_dirty_for_io
// (page_mkclean, mm/rmap.c; `if (page_mkclean(page)) set_page_dirty(page);` then TestClearPageDirty)
// → ->writepage, which issues the I/O and unlocks the page. The slice exists with the `httu` param
// only (model/params.ts), so the configs without it keep their layout.
// Why it is HTTU's: the SMMU writes the page through the CPU's page table and caches the writable,
// dirty translation in its TLB and the device's ATC. A write through such an entry changes the page
// without a fault and without touching the PTE, so the kernel sees it only as long as the PTE or
// PG_dirty still says dirty; page_mkclean_one cleans the PTE, and its
// mmu_notifier_invalidate_range_end (arm_smmu_mm_invalidate_range, TLBI + ATC_INV + CMD_SYNC) is
// what removes those entries before clear_page_dirty_for_io clears PG_dirty.
// The hardware dirty update itself (CD.HD clearing PTE_RDONLY of a writable-clean PTE) has no case
// here: in a mapping page_mkclean cleans (VM_SHARED, write-notify), a PTE is made writable only by a
// write fault, which makes it dirty at once (do_set_pte, wp_page_reuse: `maybe_mkwrite(pte_mkdirty())`).
// Leaves out: the access flag (CD.HA; it only feeds page aging), the I/O's completion
// (end_page_writeback; a write after clear_page_dirty_for_io that sets nothing dirty is lost whenever
// the I/O reads the page), writeback of pages no mm maps (nothing of the SMMU's reaches them).
import type { NotifierId } from '../ids.ts';
import type { MmStruct } from './mm.ts';

/**
 * A flusher thread writing back one mm's pages: `idle`, or holding the lock of `page` between
 * page_mkclean_one and ->writepage (`range_end`: mmu_notifier_invalidate_range_end owes
 * invalidate_range to `pending`; `invalidate_wait`: one such call waits for its CMD_SYNCs, an SRCU
 * reader of `reader`).
 */
export interface Writeback {
  pc: 'idle' | 'range_end' | 'invalidate_wait';
  page: number | null;
  /** page_mkclean's count: the PTE was dirty or writable and was cleaned. */
  cleaned: boolean;
  pending: NotifierId[];
  reader: NotifierId | null;
}

export const WRITEBACK_PCS = ['idle', 'range_end', 'invalidate_wait'] as const satisfies readonly Writeback['pc'][];

export interface HttuState {
  /** PG_dirty of the file page behind each (mm, page). */
  pg_dirty: boolean[][];
  /** Per mm, its flusher. */
  writeback: Writeback[];
  /**
   * Ghost: a DMA wrote a page through a cached writable translation while neither its PTE nor
   * PG_dirty said dirty (the kernel has cleaned it and will not write it back again). Set by the
   * DMA steps (model/sva/dma.ts), never cleared.
   */
  lost_dirty: boolean;
}

export function httu_init(nrMms: number, nrPages: number): HttuState {
  return {
    pg_dirty: Array.from({ length: nrMms }, () => Array.from({ length: nrPages }, () => false)),
    writeback: Array.from({ length: nrMms }, () => ({ pc: 'idle' as const, page: null, cleaned: false, pending: [], reader: null })),
    lost_dirty: false,
  };
}

export function set_page_dirty(h: HttuState, mm: number, page: number): void {
  h.pg_dirty[mm]![page] = true;
}

/**
 * clear_page_dirty_for_io once page_mkclean returned: `if (page_mkclean(page)) set_page_dirty(page);`,
 * then TestClearPageDirty. Returns whether the page was dirty (the caller then calls ->writepage).
 */
export function clear_page_dirty_for_io(h: HttuState, mm: number, page: number, cleaned: boolean): boolean {
  if (cleaned) set_page_dirty(h, mm, page);
  const dirty = h.pg_dirty[mm]![page]!;
  h.pg_dirty[mm]![page] = false;
  return dirty;
}

/** Whether the kernel still sees (mm, page) dirty: its PTE writable and dirty, or PG_dirty. */
export function seen_dirty(h: HttuState, m: MmStruct, mm: number, page: number): boolean {
  return h.pg_dirty[mm]![page]! || m.pages[page]?.pte === 'present';
}

/** lock_page as the writeback holds it: the page a flusher is between page_mkclean_one and ->writepage. */
export function page_locked(h: HttuState, mm: number, page: number): boolean {
  return h.writeback[mm]!.page === page;
}
