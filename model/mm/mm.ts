// struct mm_struct as the SVA stack sees it (v5.11-v5.13): mm_users and mm_count
// (include/linux/sched/mm.h: mmget, mmput, mmget_not_zero, mmgrab, mmdrop), mm->pasid (seed 001
// patch 1, "mm: Add a PASID field to mm_struct", 0 = none), the arm64 context (context.id,
// context.pinned, 48118151d8cc), a small page table, the MMU notifier subscriptions
// (mm/mmu_notifier.c) and the exit_mmap progress.
// Leaves out: VMAs beyond one permission per page, mmap_lock (munmap and exit are serialized by
// the composition: one munmap at a time per mm), ASID rollover (not modelled yet; here a
// pinned mm keeps the ASID it was given at init, which is what pinning guarantees).
import type { Asid, ContextId, NotifierId } from '../ids.ts';

/** VMA permission of a page; `none` = no VMA (a fault there fails). */
export const PERMS = ['none', 'r', 'rw'] as const;
export type Perm = (typeof PERMS)[number];
/**
 * PTE state: `zapped` = cleared by munmap, frame not yet freed (tlb_finish_mmu pending). With `httu`
 * (model/mm/page-writeback.ts) a present PTE of a writable VMA is `present` when writable and dirty
 * (PTE_WRITE/DBM set, PTE_RDONLY clear: every write fault installs it with pte_mkdirty) and `clean`
 * once page_mkclean_one write-protected and cleaned it (PTE_RDONLY, no PTE_WRITE, no PTE_DIRTY: a
 * write faults). `clean` comes last so the encodings recorded before it keep their values.
 */
export const PTES = ['none', 'present', 'zapped', 'clean'] as const;
export type Pte = (typeof PTES)[number];
export interface Page {
  vm: Perm;
  pte: Pte;
}

/** A struct mmu_notifier on this mm: `ops` tells notifiers apart for mmu_notifier_get (the domain). */
export interface Subscription {
  id: NotifierId;
  ops: number;
  users: number;
  /** Still on mm->notifier_subscriptions->list; mn_hlist_release unlinks all of them. */
  linked: boolean;
}

/** A munmap of one page in progress: invalidate_range still owed to `pending` before the free. */
export interface Unmap {
  page: number;
  /**
   * Where unmap_vmas is (arm64, v5.13): the PTE is cleared (`zapped`); tlb_end_vma's
   * tlb_flush_mmu_tlbonly flushed the CPU TLB and owes invalidate_range (`tlb_flush`);
   * mmu_notifier_invalidate_range_end owes it again (`range_end`). tlb_finish_mmu frees after both.
   */
  phase: 'zapped' | 'tlb_flush' | 'range_end';
  pending: NotifierId[];
}

/** exit_mmap as data: mmu_notifier_release runs each pending ->release before any page is freed. */
export type MmExit =
  | { state: 'live' }
  | { state: 'releasing'; pending: NotifierId[] }
  | { state: 'unmapping' }
  | { state: 'exited' };

export const MM_WARNINGS = [
  'mmdrop-underflow',
  'mmput-underflow',
  'mmu_notifier_put-unknown',
  'mmu_notifier_register-dead-mm',
  'context_put-unpinned',
  'use-after-free',
  'mmdrop-subscriptions-listed',
] as const;
export type MmWarning = (typeof MM_WARNINGS)[number];

/**
 * Ghost: what an mm_count reference is held for (the kernel keeps only the count): the address
 * space's users as one ("mm_users counts as one mm_count", dropped by __mmput), an MMU notifier
 * (__mmu_notifier_register's mmgrab, dropped by mmu_notifier_free_rcu), a shared CD (cbd23144f766),
 * or a device driver's bind in the model without the SMMU side.
 */
export type MmHolder = { kind: 'users' } | { kind: 'notifier'; id: NotifierId } | { kind: 'cd'; asid: Asid } | { kind: 'bind'; dev: number };

const HOLDER_ORDER: Record<MmHolder['kind'], number> = { users: 0, notifier: 1, cd: 2, bind: 3 };
/** A holder as one number, the order `count_holders` is kept in (equal numbers: the same holder). */
export const mmHolderKey = (h: MmHolder): number => HOLDER_ORDER[h.kind] * 64 + (h.kind === 'notifier' ? h.id : h.kind === 'cd' ? h.asid : h.kind === 'bind' ? h.dev : 0);

export interface MmStruct {
  /** mm_users: address-space users; the last mmput runs exit_mmap. */
  users: number;
  /** mm_count: references to the struct; the last mmdrop frees it (__mmdrop). */
  count: number;
  /** Ghost: one holder per mm_count reference, sorted (mmgrab and mmdrop name theirs). */
  count_holders: MmHolder[];
  /**
   * mm->pasid; 0 = none (seed 001 patch 1: "invalid PASID = 0"; v5.11 iommu_sva_alloc_pasid tests
   * `if (mm->pasid)`). Kernels from a6cbd44093ef (v5.18) use INVALID_IOASID instead (variants).
   */
  pasid: number;
  /**
   * mm->context: id = generation | hardware ASID (0 until the mm first runs or is pinned:
   * init_new_context), pinned = arm64_mm_context_get references (model/mm/context.ts).
   */
  context: { id: ContextId; pinned: number };
  pages: Page[];
  notifiers: Subscription[];
  /**
   * mm->notifier_subscriptions was allocated (by the first __mmu_notifier_register); it lives until
   * __mmdrop frees the mm (__mmu_notifier_subscriptions_destroy).
   */
  subscriptions: boolean;
  /** Put notifiers whose SRCU callback (free_notifier, then mmdrop) has not run yet. */
  srcu_pending: NotifierId[];
  unmap: Unmap | null;
  exit: MmExit;
  warnings: MmWarning[];
}

export interface MmConfig {
  readonly nr_pages: number;
  readonly max_pasid: number;
  readonly max_asid: number;
  /** The largest context id (generation | ASID) the bounds allow. */
  readonly max_context_id: number;
  readonly max_notifiers: number;
  /** Bound on users/count/pinned (the model's largest reachable count). */
  readonly max_refs: number;
  /** Largest device index a bind holder names. */
  readonly max_dev: number;
  /** The warning kinds: MM_WARNINGS and any a variant adds (explorer/vocabulary.ts). */
  readonly warnings?: readonly MmWarning[];
}

export function mm_init(cfg: MmConfig, vm: readonly Perm[]): MmStruct {
  return {
    users: 1,
    count: 1, // "mm_users counts as one mm_count" (kernel/fork.c mm_init)
    count_holders: [{ kind: 'users' }],
    pasid: 0,
    context: { id: 0 as ContextId, pinned: 0 }, // init_new_context
    pages: Array.from({ length: cfg.nr_pages }, (_, i) => ({ vm: vm[i] ?? 'none', pte: 'none' })),
    notifiers: [],
    subscriptions: false,
    srcu_pending: [],
    unmap: null,
    exit: { state: 'live' },
    warnings: [],
  };
}

export function mmWarn(d: MmStruct, w: MmWarning): void {
  if (!d.warnings.includes(w)) {
    d.warnings.push(w);
    d.warnings.sort();
  }
}

/** Whether the struct is still allocated; every reader of an mm checks this (`no-mm-use-after-free`). */
export function mm_alive(s: MmStruct): boolean {
  return s.count > 0;
}

/** Touch the struct: records a use-after-free when mm_count already reached zero. */
export function mmAccess(d: MmStruct): boolean {
  if (d.count > 0) return true;
  mmWarn(d, 'use-after-free');
  return false;
}

/** mmget: the caller already holds a users reference (atomic_inc). */
export function mmget(d: MmStruct): void {
  if (mmAccess(d)) d.users++;
}

/** mmget_not_zero: atomic_inc_not_zero(&mm->mm_users). */
export function mmget_not_zero(d: MmStruct): boolean {
  if (!mmAccess(d) || d.users === 0) return false;
  d.users++;
  return true;
}

/**
 * mmput: the last user starts exit_mmap (__mmput). The kernel runs it in the caller; the model
 * records it in `exit` so a composition can run its steps (release, unmap) wherever it likes.
 */
export function mmput(d: MmStruct): void {
  if (!mmAccess(d)) return;
  if (d.users === 0) {
    mmWarn(d, 'mmput-underflow');
    return;
  }
  d.users--;
  if (d.users > 0) return;
  d.exit = { state: 'releasing', pending: d.notifiers.filter((n) => n.linked).map((n) => n.id) };
}

/** mmgrab: atomic_inc(&mm->mm_count), for `holder`. */
export function mmgrab(d: MmStruct, holder: MmHolder): void {
  if (!mmAccess(d)) return;
  d.count++;
  d.count_holders.push({ ...holder });
  d.count_holders.sort((a, b) => mmHolderKey(a) - mmHolderKey(b));
}

/**
 * mmdrop: `holder` drops its reference (the ghost keeps none for a holder that took none); the
 * last reference frees the struct (__mmdrop); true when it did. __mmdrop →
 * mmu_notifier_subscriptions_destroy: "BUG_ON(!hlist_empty(&mm->notifier_subscriptions->list))"
 * (mm/mmu_notifier.c:789 at c2818c9a0876): no subscription may still be linked.
 */
export function mmdrop(d: MmStruct, holder: MmHolder): boolean {
  if (d.count === 0) {
    mmWarn(d, 'mmdrop-underflow');
    return false;
  }
  const i = d.count_holders.findIndex((h) => mmHolderKey(h) === mmHolderKey(holder));
  if (i >= 0) d.count_holders.splice(i, 1);
  d.count--;
  if (d.count > 0) return false;
  if (d.notifiers.some((n) => n.linked)) mmWarn(d, 'mmdrop-subscriptions-listed');
  return true;
}
