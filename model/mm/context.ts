// arch/arm64/mm/context.c: arm64_mm_context_get / arm64_mm_context_put (48118151d8cc "arm64: mm:
// Pin down ASIDs for sharing mm with devices", v5.10), reduced to the per-mm pin count.
// Leaves out: generations, rollover and the global pinned_asid_map; they are not modelled yet.
// The max_pinned_asids limit is a choice of the caller (`limit`: the other processes' pins used it
// up). What the SMMU relies on is: "while pinned, the mm's hardware ASID never changes and is
// never given to another mm" (kernel-notes 1d).
import { mmAccess, mmWarn, type MmStruct } from './mm.ts';
import type { Asid } from '../ids.ts';

/**
 * arm64_mm_context_get: refcount_inc_not_zero(pinned), else "if (nr_pinned_asids >=
 * max_pinned_asids) { asid = 0; goto out_unlock; }" (`limit`), else pin (pinned = 1). The ASID, 0 on
 * failure.
 */
export function arm64_mm_context_get(d: MmStruct, limit = false): Asid | 0 {
  if (!mmAccess(d)) return 0;
  if (d.context.pinned === 0 && limit) return 0;
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
