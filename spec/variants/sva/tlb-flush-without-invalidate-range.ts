// A labelled one-step mutation, not a kernel change: tlb_flush_mmu_tlbonly without its
// mmu_notifier_invalidate_range, so a munmap calls arm_smmu_mm_invalidate_range only from
// mmu_notifier_invalidate_range_end. With BTM that call issues no TLBI (the CPU's flush reaches the
// SMMU TLB), and the CPU flush comes only in tlb_flush_mmu_tlbonly: in between, an ATS Translation
// Request refills the ATC from the SMMU TLB's entry for the zapped page, and nothing invalidates it
// again before tlb_finish_mmu frees the frame. It shows why the second call is not redundant.
import { step } from '../../../explorer/model.ts';
import { defineVariant } from '../../../explorer/variant.ts';
import { arm_smmu_btm_tlbi_va } from '../../../model/arm-smmu-v3/tlb.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';

export default defineVariant<State, IopfParams>({
  id: 'tlb-flush-without-invalidate-range',
  title: 'mutation: tlb_flush_mmu_tlbonly flushes the CPU TLB but does not call mmu_notifier_invalidate_range',
  source: 'one-step mutation of mm/mmu_gather.c tlb_flush_mmu_tlbonly (v5.13-rc6); no kernel version has it for munmap',
  description:
    'With BTM (config sva-btm), an ATS request between unmap_vmas\' invalidate_range (ATC_INV only) and the CPU TLB flush refills the ATC from the stale SMMU TLB entry; the frame is then freed under it: no-dma-to-unmapped-page (24 steps). Without BTM the first call\'s own TLBI closes the window.',
  model: 'sva',
  expect: { violates: ['no-dma-to-unmapped-page'], config: 'sva-btm' },
  steps: {
    replace: {
      'process/tlb_flush_mmu_tlbonly': () =>
        step<State>({
          name: 'tlb_flush_mmu_tlbonly',
          at: 'munmap',
          doc: 'mutation: tlb_flush (the CPU TLBI, reaching the SMMU TLB with BTM) without mmu_notifier_invalidate_range',
          enabled: (s, self) => s.mms[self]!.unmap?.phase === 'range_end' && s.mms[self]!.unmap!.pending.length === 0,
          apply: (d, self) => {
            const m = d.mms[self]!;
            arm_smmu_btm_tlbi_va(d.arm_smmu, m.context.id, m.unmap!.page);
            m.unmap = { ...m.unmap!, phase: 'tlb_flush', pending: [] };
          },
        }),
    },
  },
});
