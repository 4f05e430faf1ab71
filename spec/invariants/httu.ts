// The dirty-tracking rule HTTU puts on the SMMU (param `httu`, model/mm/page-writeback.ts): the
// device writes the shared page table's pages through the translations the SMMU caches, so the
// kernel's writeback must not consider a page clean while such a write can still land unseen.
import type { Invariant } from '../../explorer/model.ts';
import type { State } from '../../model/state.ts';

export const noLostDirty: Invariant<State> = {
  name: 'no-lost-dirty',
  description:
    'a page written by DMA is seen dirty before its contents are written back or freed: no DMA write reaches a page whose PTE is not writable-dirty while PG_dirty is clear (clear_page_dirty_for_io has handed it to ->writepage, or munmap dropped a clean PTE)',
  source:
    'mm/page-writeback.c clear_page_dirty_for_io ("We carefully synchronise fault handlers against installing a dirty pte and marking the page dirty at this point"); mm/rmap.c page_mkclean_one, whose mmu_notifier_invalidate_range_end reaches arm_smmu_mm_invalidate_range (v5.13-rc6); seed 001, "iommu/arm-smmu-v3: Add support for Hardware Translation Table Update"',
  reads: ['httu'],
  holds: (s) => !(s.httu?.lost_dirty ?? false),
};
