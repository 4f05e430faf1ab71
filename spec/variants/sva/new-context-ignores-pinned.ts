// Labelled one-step mutation of arch/arm64/mm/context.c new_context: without "If it is pinned, we
// can keep using it" (refcount_read(&mm->context.pinned) → return newasid). A pinned mm that was not
// running at a rollover finds its own ASID's bit set (copied from pinned_asid_map) and is given a new
// ASID, while its shared CD keeps the old one.
import { defineVariant } from '../../../explorer/variant.ts';
import { CONTEXT_C } from '../../../model/mm/context.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { switchStep } from '../../../model/sva/cpus.ts';

export default defineVariant<State, IopfParams>({
  id: 'new-context-ignores-pinned',
  title: 'mutation: new_context does not keep a pinned mm\'s ASID',
  source: 'arch/arm64/mm/context.c:174-180 new_context (87ea6a1e395a), `if (refcount_read(&mm->context.pinned)) return newasid;` removed (labelled mutation); 48118151d8cc',
  description:
    'The bound mm, pinned, is not running when the allocator rolls over; when it next runs, new_context finds its old ASID taken (its pinned bit) and allocates another: the CPU now tags the mm with an ASID the SMMU\'s shared CD does not use, so BTM invalidations for the mm miss the SMMU TLB (pinned-asid-stable).',
  model: 'sva',
  expect: { violates: ['pinned-asid-stable'], config: 'sva-asid' },
  steps: { replace: { 'cpu/check_and_switch_context': (c: IopfParams) => switchStep(c, { ...CONTEXT_C, new_context_keeps_pinned: false }) } },
});
