// The `ioasid-inactive-state` proposal from the review of seed 001 patch 2 (Jacob Pan, 30 Apr and
// 4 May 2020), never merged in this form:
//   ioasid_free(); // drop reference, mark inactive, but not reclaimed if refcount is not zero.
//   ioasid_get()   // returns err if the ioasid is marked inactive by ioasid_free()
//   ioasid_put();  // drop reference, reclaim if refcount is 0.
//   "In inactive state, callers of ioasid_find(), ioasid_get() would all fail. Only ioasid_put can
//    still operate on it."
// ioasid_alloc and ioasid_put are the baseline's (ioasid.ts); the proposal's three functions carry the
// suffix `_proposed`, so that each kernel name has one definition. Leaves out nothing else.
import {
  ioasid_find as baseline_find,
  ioasid_get as baseline_get,
  ioasid_put,
  type IoasidFindResult,
  type IoasidHolder,
  type IoasidState,
} from './ioasid.ts';
import type { Ioasid } from '../ids.ts';

/** Proposed ioasid_free: the owner's put that also marks the id inactive. */
export function ioasid_free_proposed(d: IoasidState, id: Ioasid, holder: IoasidHolder): boolean {
  const data = d.xa[id];
  if (data) data.active = false;
  return ioasid_put(d, id, holder);
}

/** Proposed ioasid_get: fails (-EINVAL) on an inactive or unknown id instead of WARNing. */
export function ioasid_get_proposed(d: IoasidState, id: Ioasid, holder: IoasidHolder): 0 | '-EINVAL' {
  const data = d.xa[id];
  if (!data || !data.active) return '-EINVAL';
  baseline_get(d, id, holder);
  return 0;
}

/** Proposed ioasid_find: an inactive id is not found; otherwise the baseline's ioasid_find. */
export function ioasid_find_proposed(
  d: IoasidState,
  set: number | null,
  id: Ioasid,
  getter?: (priv: number | null) => boolean,
): IoasidFindResult {
  const data = id >= 0 && id < d.xa.length ? d.xa[id] : null;
  return data && !data.active ? '-ENOENT' : baseline_find(d, set, id, getter);
}
