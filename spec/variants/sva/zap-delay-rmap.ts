// 5df397dec7c4 "mm: delay page_remove_rmap() until after the TLB has been flushed" (Linus Torvalds,
// v6.2): zap_pte_range keeps a dirty file page in the rmap until tlb_flush_rmaps, after the TLB flush
// it forces under the PTE lock, so that page_mkclean (folio_mkclean) serializes with that lock
// instead of finding the page already unmapped. The commit's case is another CPU writing through a
// stale TLB entry after the page was cleaned; with SVA the other writer is the device, through the
// SMMU TLB or its ATC, until arm_smmu_mm_invalidate_range's CMD_SYNC, which tlb_flush_mmu_tlbonly
// waits for under that lock. Finding F6 (README) is this race on v5.13.
import { defineVariant } from '../../../explorer/variant.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { pageMkcleanStep } from '../../../model/sva/writeback.ts';

export default defineVariant<State, IopfParams>({
  id: 'zap-delay-rmap',
  title: 'zap_pte_range removes a dirty file page from the rmap only after its TLB flush (page_mkclean waits for the PTE lock)',
  source: '5df397dec7c4 "mm: delay page_remove_rmap() until after the TLB has been flushed" (v6.2; Message-Id 20221109203051.1835763-4-torvalds@linux-foundation.org)',
  description:
    "The writeback's page_mkclean of a page munmap is zapping finds it still mapped and waits for the PTE lock, which zap_pte_range holds until tlb_flush_mmu_tlbonly's invalidate_range (TLBI, ATC_INV and their CMD_SYNCs) returned: the device can no longer write the page through a stale translation after clear_page_dirty_for_io (fixes no-lost-dirty, F6).",
  model: 'sva',
  expect: { violates: [], fixes: ['no-lost-dirty'], config: 'sva-httu-munmap' },
  steps: { replace: { 'writeback/page_mkclean_one': (c: IopfParams) => pageMkcleanStep(c, { delayedRmap: true }) } },
});
