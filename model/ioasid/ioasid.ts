// drivers/iommu/ioasid.c with references, as in v5.11-v5.13 (ioasid_get/ioasid_put added by
// "iommu/ioasid: Add ioasid references", seed 001 patch 2; read at torvalds/linux 24e3bb7429bd).
//
// Models: the default allocator's XArray of ioasid_data {set, private, refs}; ioasid_alloc picking
// the lowest free id in [min, max] (xa_alloc), ioasid_get (WARN on an unknown id), ioasid_put
// (pr_err on an unknown id, true when the last reference went), ioasid_find with a getter.
// Leaves out: custom allocators (VT-d virtual command) and ioasid_set_data, which SVA never calls;
// kzalloc(GFP_ATOMIC) failure; RCU (ioasid_find's reader sees the XArray of its atomic step, and
// kfree_rcu only delays freeing memory, never the id: "the id is reusable as soon as put returns").
// The global ioasid_allocator_lock is implicit: every function runs inside one atomic step.
import { array, bool, constant, int, labelSet, list, nullable, record, tagged, type Codec } from '../../explorer/codec.ts';
import type { Ioasid } from '../ids.ts';
/** include/linux/ioasid.h: `#define INVALID_IOASID ((ioasid_t)-1)`. */
export const INVALID_IOASID = -1;
export type InvalidIoasid = typeof INVALID_IOASID;

/**
 * Ghost: what a reference of an IOASID is held for. The kernel keeps only the count; the model
 * records the holder next to it, so that `refcounts-balanced` checks `refs === holders.length` and
 * that every holder still exists, whichever design takes the references: a bond (seed 001, v5.11:
 * one per (device, mm) bond) or the mm itself (from v5.18 the PASID lives as long as the mm).
 */
export type IoasidHolder = { kind: 'bond'; dev: number } | { kind: 'mm' };

/** A holder as one number, the order `holders` is kept in (equal numbers: the same holder). */
export const ioasidHolderKey = (h: IoasidHolder): number => (h.kind === 'mm' ? -1 : h.dev);
const holderKey = ioasidHolderKey;
const sameHolder = (a: IoasidHolder, b: IoasidHolder): boolean => holderKey(a) === holderKey(b);

/** struct ioasid_data; `private` is an opaque small integer (an MmId for SVA), null for NULL. */
export interface IoasidData {
  set: number;
  private: number | null;
  refs: number;
  /** Ghost: one holder per reference taken with it, sorted (a put names the holder it drops). */
  holders: IoasidHolder[];
  /** Always true in the baseline; only the `ioasid-inactive-state` proposal (inactive.ts) clears it. */
  active: boolean;
}

export const IOASID_WARNINGS = ['ioasid_get-unknown', 'ioasid_put-unknown'] as const;
export type IoasidWarning = (typeof IOASID_WARNINGS)[number];

export interface IoasidState {
  /** default_allocator.xa indexed by id; null = not allocated. Index 0 exists: only callers exclude it. */
  xa: (IoasidData | null)[];
  /** Sorted, distinct: each WARN_ON / pr_err the kernel would have printed. */
  warnings: IoasidWarning[];
}

export interface IoasidConfig {
  /** Ids 0..nr_ids-1 exist in the model's space. */
  readonly nr_ids: number;
  /** Largest `private` value (MmId) and `set` value stored. */
  readonly max_private: number;
  readonly max_set: number;
  /** Largest refcount the model can hold (bonds per mm). */
  readonly max_refs: number;
  /** Largest device index a bond holder names. */
  readonly max_dev: number;
  /** The warning kinds: IOASID_WARNINGS and any a variant adds (explorer/vocabulary.ts). */
  readonly warnings?: readonly IoasidWarning[];
}

export function ioasid_init(cfg: IoasidConfig): IoasidState {
  return { xa: Array.from({ length: cfg.nr_ids }, () => null), warnings: [] };
}

export function ioasidCodec(cfg: IoasidConfig): Codec<IoasidState> {
  const data = record<IoasidData>({
    set: int(0, cfg.max_set),
    private: nullable(int(0, cfg.max_private)),
    refs: int(0, cfg.max_refs),
    holders: list(
      cfg.max_refs,
      tagged<'kind', IoasidHolder>('kind', {
        bond: record({ kind: constant<'bond'>('bond'), dev: int(0, cfg.max_dev) }),
        mm: record({ kind: constant<'mm'>('mm') }),
      }),
    ),
    active: bool,
  });
  return record<IoasidState>({
    xa: array(cfg.nr_ids, nullable(data)),
    warnings: labelSet(cfg.warnings ?? IOASID_WARNINGS),
  });
}

export function ioasidWarn(d: IoasidState, w: IoasidWarning): void {
  if (!d.warnings.includes(w)) {
    d.warnings.push(w);
    d.warnings.sort();
  }
}

function addHolder(data: IoasidData, holder: IoasidHolder): void {
  data.holders.push({ ...holder });
  data.holders.sort((a, b) => holderKey(a) - holderKey(b));
}

/**
 * ioasid_alloc(set, min, max, private): refs = 1, held by `holder`; xa_alloc takes the lowest free
 * id in [min, max].
 */
export function ioasid_alloc(
  d: IoasidState,
  set: number,
  min: number,
  max: number,
  priv: number | null,
  holder: IoasidHolder,
): Ioasid | InvalidIoasid {
  for (let id = Math.max(min, 0); id <= Math.min(max, d.xa.length - 1); id++) {
    if (d.xa[id] === null) {
      d.xa[id] = { set, private: priv, refs: 1, holders: [{ ...holder }], active: true };
      return id as Ioasid;
    }
  }
  return INVALID_IOASID; // default_alloc: "Failed to alloc ioasid from %d to %d"
}

/** ioasid_get: `if (ioasid_data) refcount_inc(&ioasid_data->refs); else WARN_ON(1);` */
export function ioasid_get(d: IoasidState, id: Ioasid, holder: IoasidHolder): void {
  const data = d.xa[id];
  if (!data) return ioasidWarn(d, 'ioasid_get-unknown');
  data.refs++;
  addHolder(data, holder);
}

/**
 * ioasid_put: refcount_dec_and_test, then default_free = xa_erase: the id is free at once. The
 * ghost drops `holder`'s reference (none if it held none: the counts then disagree).
 */
export function ioasid_put(d: IoasidState, id: Ioasid, holder: IoasidHolder): boolean {
  const data = d.xa[id];
  if (!data) {
    ioasidWarn(d, 'ioasid_put-unknown'); // pr_err("Trying to free unknown IOASID %u\n")
    return false;
  }
  const i = data.holders.findIndex((h) => sameHolder(h, holder));
  if (i >= 0) data.holders.splice(i, 1);
  data.refs--;
  if (data.refs > 0) return false;
  d.xa[id] = null;
  return true;
}

/** ioasid_find's return: the private pointer (boxed so NULL-private differs from NULL), NULL, ERR_PTR. */
export type IoasidFindResult = { priv: number | null } | null | '-ENOENT' | '-EACCES';

/**
 * ioasid_find(set, id, getter): -ENOENT when absent, -EACCES for another set; otherwise the private
 * pointer, or NULL when `getter(private)` says the object is dying. A null `set` matches any set.
 */
export function ioasid_find(
  d: IoasidState,
  set: number | null,
  id: Ioasid,
  getter?: (priv: number | null) => boolean,
): IoasidFindResult {
  const data = id >= 0 && id < d.xa.length ? d.xa[id] : null;
  if (!data) return '-ENOENT';
  if (set !== null && data.set !== set) return '-EACCES';
  if (getter && !getter(data.private)) return null;
  return { priv: data.private };
}

/** Whether `id` is allocated (for invariants: `pasid-lifetime`, `refcounts-balanced`). */
export function ioasid_allocated(s: IoasidState, id: number): boolean {
  return (s.xa[id] ?? null) !== null;
}
