// Labelled mutation of the writeback's invalidation with HTTU: page_mkclean_one's
// mmu_notifier_invalidate_range_end reaches arm_smmu_mm_invalidate_range, which issues the TLBI by
// VA and the ATC_INV but returns without waiting for their CMD_SYNCs (arm-smmu-v3-sva.c:180-192 at
// v5.13-rc6 waits for each, inside arm_smmu_cmdq_issue_cmdlist). clear_page_dirty_for_io then clears
// PG_dirty and ->writepage issues the I/O while the SMMU can still write through its cached
// writable, dirty translation of the page.
import { defineVariant } from '../../../explorer/variant.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { writebackInvalidateDone } from '../../../model/sva/writeback.ts';

export default defineVariant<State, IopfParams>({
  id: 'httu-writeback-no-sync',
  title: "mutation: clean a page without waiting for the SMMU's dirty update (no CMD_SYNC wait in the writeback's invalidate_range)",
  source:
    'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:180-192 (v5.13-rc6) arm_smmu_mm_invalidate_range as mm/rmap.c page_mkclean_one\'s mmu_notifier_invalidate_range_end calls it, its CMD_SYNC wait removed (labelled mutation); seed 001, "iommu/arm-smmu-v3: Add support for Hardware Translation Table Update"',
  description:
    "The writeback cleans and write-protects the PTE, issues the SMMU's TLBI and ATC_INV and goes on to clear_page_dirty_for_io before the SMMU performed them: a DMA through the still cached writable translation then writes a page whose PTE is clean and whose PG_dirty is clear, after ->writepage took its contents (no-lost-dirty).",
  model: 'sva',
  expect: { violates: ['no-lost-dirty'], config: 'sva-httu' },
  steps: { replace: { 'writeback/mmu_notifier_invalidate_range_done': (c: IopfParams) => writebackInvalidateDone(c, false) } },
});
