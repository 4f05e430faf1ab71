// The page table of an mm, one PTE per page: fault-in (handle_mm_fault), munmap (mm/mmap.c
// unmap_region: unmap_vmas inside mmu_notifier_invalidate_range_start/end, then tlb_finish_mmu
// which frees the pages) and exit_mmap's unmap (after mmu_notifier_release, v5.11 mm/mmap.c).
// munmap is three steps because other threads interleave there: the PTE is cleared, every linked
// notifier's invalidate_range runs (no lock: SRCU), then the frame is freed. The kernel calls
// invalidate_range twice per range that cleared a PTE (from tlb_flush_mmu_tlbonly and from
// invalidate_range_end: seed 001's normal-job trace shows each smmu_mm_invalidate twice), once per
// range whose PTEs were none. Leaves out: huge pages, page reclaim, COW, freeing page tables (whose
// flush at tlb_finish_mmu would call invalidate_range a third time).
import { mmAccess, mmdrop, type MmStruct, type Perm } from './mm.ts';

export type Access = 'r' | 'w';

function permits(vm: Perm, access: Access): boolean {
  return access === 'r' ? vm !== 'none' : vm === 'rw';
}

/**
 * What a table walk sees: a present PTE whose VMA allows the access (SMMU walk, ATS, CPU); a
 * write-protected clean PTE (`clean`, page_mkclean_one's) allows reads only.
 */
export function pte_allows(d: MmStruct, page: number, access: Access): boolean {
  if (!mmAccess(d)) return false; // the pgd went with __mmdrop: a walk here is a use-after-free
  const p = d.pages[page];
  if (p === undefined || !permits(p.vm, access)) return false;
  return p.pte === 'present' || (p.pte === 'clean' && access === 'r');
}

/** find_extend_vma + the access check in iopf_handle_single (seed 001 patch 5). */
export function vma_allows(s: MmStruct, page: number, access: Access): boolean {
  const p = s.pages[page];
  return p !== undefined && permits(p.vm, access);
}

/**
 * handle_mm_fault: caller holds a users reference and mmap_lock; 0 or VM_FAULT_SIGSEGV. A write to
 * a write-protected clean PTE is do_wp_page → wp_page_shared → wp_page_reuse, which makes it
 * writable and dirty again (`maybe_mkwrite(pte_mkdirty(entry), vma)`); a read leaves it clean.
 */
export function handle_mm_fault(d: MmStruct, page: number, access: Access): 0 | 'VM_FAULT_SIGSEGV' {
  if (!mmAccess(d)) return 'VM_FAULT_SIGSEGV';
  const p = d.pages[page];
  if (!p || !permits(p.vm, access) || p.pte === 'zapped') return 'VM_FAULT_SIGSEGV';
  if (!(p.pte === 'clean' && access === 'r')) p.pte = 'present';
  return 0;
}

/** mmap of one page: a new VMA where there is none (the frame comes at the first fault). */
export function do_mmap(d: MmStruct, page: number, vm: Perm): 0 | '-EEXIST' {
  const p = d.pages[page];
  if (!p || p.vm !== 'none' || p.pte !== 'none') return '-EEXIST';
  p.vm = vm;
  return 0;
}

/**
 * munmap, first step (unmap_vmas under mmap_write_lock): the VMA goes, the PTE is cleared but the
 * frame stays until tlb_finish_mmu; every linked notifier is owed invalidate_range. Returns whether
 * a PTE was cleared (then the CPU's TLBI is broadcast: with BTM it reaches the SMMU TLB too).
 */
export function munmap_zap(d: MmStruct, page: number): boolean {
  const p = d.pages[page];
  if (!p || !mmAccess(d) || d.unmap !== null) return false;
  const wasPresent = p.pte === 'present' || p.pte === 'clean';
  p.vm = 'none';
  if (wasPresent) p.pte = 'zapped';
  d.unmap = { page, phase: 'zapped', pending: [] };
  return wasPresent;
}

/** Whether the munmap in progress cleared a PTE (tlb->cleared_ptes): its page was present. */
export function munmap_cleared(d: MmStruct): boolean {
  return d.unmap !== null && d.pages[d.unmap.page]?.pte === 'zapped';
}

/**
 * tlb_end_vma → tlb_flush_mmu_tlbonly (include/asm-generic/tlb.h, arm64 keeps the generic
 * tlb_end_vma): the CPU TLB flush (the caller applies it to an SMMU with BTM), then
 * mmu_notifier_invalidate_range for every linked notifier; but only when the zap cleared a PTE
 * ("if (!(tlb->freed_tables || tlb->cleared_ptes || ...)) return;", v5.13): a range whose PTEs were
 * all none is invalidated once, by mmu_notifier_invalidate_range_end. Returns whether it ran.
 */
export function tlb_flush_mmu_tlbonly(d: MmStruct): boolean {
  if (!d.unmap || d.unmap.phase !== 'zapped') return false;
  const pending = munmap_cleared(d) ? d.notifiers.filter((n) => n.linked).map((n) => n.id) : [];
  d.unmap = { ...d.unmap, phase: 'tlb_flush', pending };
  return true;
}

/** munmap, last step (tlb_finish_mmu): only once every invalidate_range returned is the frame freed. */
export function tlb_finish_mmu(d: MmStruct): boolean {
  if (!d.unmap || d.unmap.phase !== 'range_end' || d.unmap.pending.length > 0) return false;
  const p = d.pages[d.unmap.page];
  if (p && p.pte === 'zapped') p.pte = 'none';
  d.unmap = null;
  return true;
}

/**
 * exit_mmap after mmu_notifier_release: unmap_vmas + free_pgtables + tlb_finish_mmu with every
 * notifier already unlinked (no invalidate_range), then __mmput's mmdrop. Returns whether the mm
 * struct was freed by that mmdrop.
 */
export function exit_mmap_unmap(d: MmStruct): boolean {
  if (d.exit.state !== 'unmapping') return false;
  for (const p of d.pages) {
    p.vm = 'none';
    p.pte = 'none';
  }
  d.exit = { state: 'exited' };
  return mmdrop(d, { kind: 'users' });
}
