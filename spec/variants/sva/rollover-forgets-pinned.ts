// Labelled one-step mutation of arch/arm64/mm/context.c: set_reserved_asid_bits without its first
// branch, i.e. flush_context clearing asid_map at a rollover as it did before pinning existed
// (bitmap_clear), though arm64_mm_context_get still pins. The pinned ASIDs are then free for the new
// generation, which 48118151d8cc exists to prevent ("This is how pinned ASIDs survive rollover").
import { defineVariant } from '../../../explorer/variant.ts';
import { CONTEXT_C } from '../../../model/mm/context.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { switchStep } from '../../../model/sva/cpus.ts';

export default defineVariant<State, IopfParams>({
  id: 'rollover-forgets-pinned',
  title: 'mutation: flush_context clears asid_map instead of copying pinned_asid_map',
  source: 'arch/arm64/mm/context.c:90-98 set_reserved_asid_bits (87ea6a1e395a), its `if (pinned_asid_map) bitmap_copy(asid_map, pinned_asid_map, NUM_USER_ASIDS)` removed (labelled mutation); 48118151d8cc',
  description:
    'A CPU rolls over while a device holds the mm pinned: the pinned ASID is free again in the new generation, and the next process to run is given it while the shared CD still tags the mm\'s translations with it (pinned-asid-stable): the CPU\'s broadcast TLBIs for that process would reach the SMMU TLB entries of the bound mm, and the bound mm\'s would miss them.',
  model: 'sva',
  expect: { violates: ['pinned-asid-stable'], config: 'sva-asid' },
  steps: { replace: { 'cpu/check_and_switch_context': (c: IopfParams) => switchStep(c, { ...CONTEXT_C, rollover_keeps_pinned: false }) } },
});
