// mm/mmu_notifier.c (v5.11) as the SVA drivers use it: mmu_notifier_get / _register / _put, the
// SRCU-deferred free (mmu_notifier_free_rcu: ops->free_notifier, then mmdrop), mn_hlist_release
// (every ->release, then every subscription unlinked) and the invalidate_range fan-out of a munmap.
// The ops callbacks (arm_smmu_mm_release, ...) are not called from here: these functions say which
// notifier is due, and the composition calls the driver's function in the same or a later step.
// Leaves out: interval notifiers and invalidate_range_start/end (the SMMU driver has none).
import { mmAccess, mmdrop, mmgrab, mmWarn, type MmStruct } from './mm.ts';
import type { NotifierId } from '../ids.ts';

function sub(d: MmStruct, id: NotifierId) {
  return d.notifiers.find((n) => n.id === id);
}

/** find_get_mmu_notifier: a linked subscription with these ops, users++ (mmu_notifier_get's reuse). */
export function find_get_mmu_notifier(d: MmStruct, ops: number): NotifierId | null {
  if (!mmAccess(d)) return null;
  const n = d.notifiers.find((x) => x.linked && x.ops === ops && x.users > 0);
  if (!n) return null;
  n.users++;
  return n.id;
}

/**
 * __mmu_notifier_register: BUG_ON(mm_users <= 0); the first registration allocates
 * mm->notifier_subscriptions (kzalloc: -ENOMEM when `nomem`); mmgrab; users = 1; hlist_add_head_rcu.
 */
export function mmu_notifier_register(d: MmStruct, id: NotifierId, ops: number, nomem = false): 0 | '-ENOMEM' {
  if (!mmAccess(d)) return 0;
  if (d.users <= 0) mmWarn(d, 'mmu_notifier_register-dead-mm');
  if (!d.subscriptions) {
    if (nomem) return '-ENOMEM';
    d.subscriptions = true;
  }
  mmgrab(d, { kind: 'notifier', id });
  d.notifiers.push({ id, ops, users: 1, linked: true });
  d.notifiers.sort((a, b) => a.id - b.id);
  return 0;
}

/**
 * mmu_notifier_get(ops, mm): reuse the subscription with these ops, or ask `alloc_notifier` (the
 * driver's ops->alloc_notifier) for a new one and register it. Returns the id or the alloc errno.
 */
export function mmu_notifier_get<E extends string>(
  d: MmStruct,
  ops: number,
  alloc_notifier: () => NotifierId | E,
): NotifierId | E {
  const found = find_get_mmu_notifier(d, ops);
  if (found !== null) return found;
  const id = alloc_notifier();
  if (typeof id === 'string') return id;
  mmu_notifier_register(d, id, ops);
  return id;
}

/**
 * mmu_notifier_put: `if (WARN_ON(!subscription->users) || --subscription->users) return;` else
 * unlink and call_srcu(mmu_notifier_free_rcu). A put notifier is no longer owed a release or an
 * invalidate_range: an SRCU list walk that has not reached it will not see it.
 */
export function mmu_notifier_put(d: MmStruct, id: NotifierId): boolean {
  const n = sub(d, id);
  if (!n || n.users === 0) {
    mmWarn(d, 'mmu_notifier_put-unknown');
    return false;
  }
  if (--n.users > 0) return false;
  d.notifiers = d.notifiers.filter((x) => x.id !== id);
  if (d.exit.state === 'releasing') d.exit.pending = d.exit.pending.filter((x) => x !== id);
  if (d.unmap) d.unmap.pending = d.unmap.pending.filter((x) => x !== id);
  d.srcu_pending.push(id);
  d.srcu_pending.sort((a, b) => a - b);
  return true;
}

/**
 * mmu_notifier_free_rcu: after the SRCU grace period (the composition's guard: no reader of `id`
 * still running), ops->free_notifier has run in the caller, then "Pairs with the get in
 * __mmu_notifier_register(): mmdrop(mm)". Returns whether that mmdrop freed the mm.
 */
export function mmu_notifier_free_rcu(d: MmStruct, id: NotifierId): boolean {
  if (!d.srcu_pending.includes(id)) return false;
  d.srcu_pending = d.srcu_pending.filter((x) => x !== id);
  return mmdrop(d, { kind: 'notifier', id });
}

/** mmu_notifier_synchronize's condition: no SRCU callback of this mm left to run. */
export function mmu_notifier_synchronized(s: MmStruct): boolean {
  return s.srcu_pending.length === 0;
}

/** The next notifier mn_hlist_release must call ->release on, or null when all have run. */
export function mmu_notifier_release_next(s: MmStruct): NotifierId | null {
  return s.exit.state === 'releasing' ? (s.exit.pending[0] ?? null) : null;
}

/**
 * One ->release has returned. When none is left, mn_hlist_release unlinks every subscription
 * ("hlist_del_init_rcu"): from then on no invalidate_range reaches the driver (seed 001: "We don't
 * get any invalidate_range notification in this case"), and exit_mmap may free the pages.
 */
export function mmu_notifier_release_done(d: MmStruct, id: NotifierId): void {
  if (d.exit.state !== 'releasing') return;
  d.exit.pending = d.exit.pending.filter((x) => x !== id);
  if (d.exit.pending.length > 0) return;
  for (const n of d.notifiers) n.linked = false;
  d.exit = { state: 'unmapping' };
}

/** The next notifier owed invalidate_range for the munmap in progress, or null. */
export function mmu_notifier_invalidate_range_next(s: MmStruct): NotifierId | null {
  return s.unmap ? (s.unmap.pending[0] ?? null) : null;
}

/** One ->invalidate_range has returned (its invalidations completed). */
export function mmu_notifier_invalidate_range_done(d: MmStruct, id: NotifierId): void {
  if (d.unmap) d.unmap.pending = d.unmap.pending.filter((x) => x !== id);
}

/**
 * unmap_vmas' mmu_notifier_invalidate_range_end, once the first calls returned: invalidate_range
 * again for every linked notifier (not `only_end`). Returns whether it ran.
 */
export function mmu_notifier_invalidate_range_end(d: MmStruct): boolean {
  if (!d.unmap || d.unmap.phase !== 'tlb_flush' || d.unmap.pending.length > 0) return false;
  d.unmap = { ...d.unmap, phase: 'range_end', pending: d.notifiers.filter((n) => n.linked).map((n) => n.id) };
  return true;
}
