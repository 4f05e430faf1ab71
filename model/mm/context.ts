// arch/arm64/mm/context.c: arm64_mm_context_get / arm64_mm_context_put (48118151d8cc "arm64: mm:
// Pin down ASIDs for sharing mm with devices", v5.10), reduced to the per-mm pin count.
// Leaves out: generations, rollover and the global pinned_asid_map / max_pinned_asids limit; they
// are not modelled yet. What the SMMU relies on, and all this model gives it, is: "while
// pinned, the mm's hardware ASID never changes and is never given to another mm" (kernel-notes 1d).
import { mmAccess, mmWarn, type Asid, type MmStruct } from './mm.ts';

/** arm64_mm_context_get: refcount_inc_not_zero(pinned) or pin (pinned = 1); the ASID, 0 on failure. */
export function arm64_mm_context_get(d: MmStruct): Asid | 0 {
  if (!mmAccess(d)) return 0;
  d.context.pinned++;
  return d.context.id;
}

/** arm64_mm_context_put: refcount_dec_and_test(pinned); at zero the pinned bit is cleared. */
export function arm64_mm_context_put(d: MmStruct): void {
  if (!mmAccess(d)) return;
  if (d.context.pinned === 0) {
    mmWarn(d, 'context_put-unpinned'); // refcount_t underflow WARNs
    return;
  }
  d.context.pinned--;
}
