// mm/rmap.c as the writeback of a file page reaches the shared page table (v5.13-rc6, 9936a12fcb18):
// page_mkclean → rmap_walk → page_mkclean_one for each VM_SHARED mapping of the page. One mapping
// per page here (the mm that owns it); the PTE states are model/mm/mm.ts PTES.
// Leaves out: huge pages (the pmd branch), other mappings of the same page, the cache flush
// (flush_cache_page is a no-op on arm64's PIPT data caches).
import { mmAccess, type MmStruct } from './mm.ts';

/** page_mapped: the PTE maps the frame (munmap's zap_pte_range has already page_remove_rmap'd a `zapped` one). */
export function page_mapped(m: MmStruct, page: number): boolean {
  const p = m.pages[page];
  return p !== undefined && (p.pte === 'present' || p.pte === 'clean');
}

/**
 * page_mkclean_one's section under the PTE lock (page_vma_mapped_walk takes it): a PTE that is
 * neither dirty nor writable is skipped ("if (!pte_dirty(*pte) && !pte_write(*pte)) continue;");
 * else ptep_clear_flush (the CPU's TLBI, whose broadcast reaches an SMMU with BTM: the caller's),
 * pte_wrprotect, pte_mkclean, set_pte_at. The xchg of ptep_clear_flush is atomic against the SMMU's
 * hardware update of the same entry, so the step is one. Returns whether it cleaned the PTE (the
 * walk's `(*cleaned)++`).
 */
export function page_mkclean_one(m: MmStruct, page: number): boolean {
  if (!mmAccess(m)) return false;
  const p = m.pages[page];
  if (p === undefined || p.pte !== 'present' || p.vm !== 'rw') return false;
  p.pte = 'clean';
  return true;
}
