// arch/arm64/mm/context.c at v5.13-rc6 (pinned ASIDs from 48118151d8cc "arm64: mm: Pin down ASIDs
// for sharing mm with devices", v5.10; kernel-notes 1d): the CPU's ASID allocator. A context id is
// the kernel's u64 `generation | asid`: the generation counts rollovers (asid_generation >> asid_bits,
// 1 at boot), the low asid_bits are the hardware ASID. asid_map and pinned_asid_map are bitmasks.
// Every function here runs under cpu_asid_lock (a raw spinlock, never held across a step), except
// check_and_switch_context's fast path, which is one lockless cmpxchg.
// Leaves out, and why: the CPUs' own TLBs and tlb_flush_pending with local_flush_tlb_all (they act
// on the CPU's TLB only, which the SMMU's invariants never read); KPTI's odd/even ASID pairs (halves
// the space, changes nothing else); CNP and TTBR writes.
import { array, brandedInt, constant, int, record, type Codec } from '../../explorer/codec.ts';
import type { Asid, ContextId } from '../ids.ts';
import { mmAccess, mmWarn, type MmStruct } from './mm.ts';

/**
 * What a variant may change in the allocator: whether flush_context's set_reserved_asid_bits starts
 * the new map from pinned_asid_map (48118151d8cc) and whether new_context keeps a pinned mm's ASID.
 */
export interface ContextOpts {
  readonly rollover_keeps_pinned: boolean;
  readonly new_context_keeps_pinned: boolean;
}
export const CONTEXT_C: ContextOpts = { rollover_keeps_pinned: true, new_context_keeps_pinned: true };

export interface CpuAsidConfig {
  readonly asid_bits: number;
  /** num_possible_cpus(). */
  readonly cpus: number;
  /** The last generation the bounds allow: a step that would roll over past it is not offered. */
  readonly max_generation: number;
}

export interface CpuAsidState {
  /** Static: asid_bits and max_pinned_asids (asids_update_limit), the generations the bound allows. */
  asid_bits: number;
  max_pinned_asids: number;
  max_generation: number;
  /** asid_generation >> asid_bits. */
  generation: number;
  asid_map: number;
  /** new_context's `static u32 cur_idx = 1`. */
  cur_idx: number;
  /** Per CPU: active_asids (0 once a rollover took it) and reserved_asids, as context ids. */
  active_asids: ContextId[];
  reserved_asids: ContextId[];
  nr_pinned_asids: number;
  pinned_asid_map: number;
}

/** NUM_USER_ASIDS = ASID_FIRST_VERSION = 1 << asid_bits. */
export const numUserAsids = (bits: number): number => 1 << bits;

/**
 * asids_update_limit: "There must always be an ASID available after rollover ... even if all CPUs
 * have a reserved ASID and the maximum number of ASIDs are pinned" (context.c:374-396).
 */
export const maxPinnedAsids = (cfg: CpuAsidConfig): number => numUserAsids(cfg.asid_bits) - cfg.cpus - 2;

export function cpu_asid_init(cfg: CpuAsidConfig): CpuAsidState {
  return {
    asid_bits: cfg.asid_bits,
    max_pinned_asids: maxPinnedAsids(cfg),
    max_generation: cfg.max_generation,
    generation: 1, // asids_init: atomic64_set(&asid_generation, ASID_FIRST_VERSION)
    asid_map: 0,
    cur_idx: 1,
    active_asids: Array.from({ length: cfg.cpus }, () => 0 as ContextId),
    reserved_asids: Array.from({ length: cfg.cpus }, () => 0 as ContextId),
    nr_pinned_asids: 0,
    pinned_asid_map: 0,
  };
}

/** The largest context id the bounds allow. */
export const maxContextId = (cfg: CpuAsidConfig): number => ((cfg.max_generation + 1) << cfg.asid_bits) - 1;

export function cpuAsidCodec(cfg: CpuAsidConfig): Codec<CpuAsidState> {
  const map = int(0, 2 ** numUserAsids(cfg.asid_bits) - 1);
  const ids = array(cfg.cpus, brandedInt<ContextId>(0, maxContextId(cfg)));
  return record<CpuAsidState>({
    asid_bits: constant(cfg.asid_bits),
    max_pinned_asids: constant(maxPinnedAsids(cfg)),
    max_generation: constant(cfg.max_generation),
    generation: int(1, cfg.max_generation),
    asid_map: map,
    cur_idx: int(1, numUserAsids(cfg.asid_bits) - 1),
    active_asids: ids,
    reserved_asids: ids,
    nr_pinned_asids: int(0, Math.max(0, maxPinnedAsids(cfg))),
    pinned_asid_map: map,
  });
}

/** ASID(mm): the hardware ASID of a context id (asid2idx). */
export const asidOf = (ctx: CpuAsidState, id: ContextId): Asid => (id & (numUserAsids(ctx.asid_bits) - 1)) as Asid;
const generationOf = (ctx: CpuAsidState, id: ContextId): number => id >> ctx.asid_bits;
const contextId = (ctx: CpuAsidState, generation: number, asid: number): ContextId => ((generation << ctx.asid_bits) | asid) as ContextId;
const bit = (map: number, i: number): boolean => ((map >> i) & 1) === 1;

/** asid_gen_match(id): the id's generation is the current one (context.c:101-102). */
export const asid_gen_match = (ctx: CpuAsidState, id: ContextId): boolean => generationOf(ctx, id) === ctx.generation;

/** find_next_zero_bit(asid_map, NUM_USER_ASIDS, from): NUM_USER_ASIDS when none. */
function find_next_zero_bit(ctx: CpuAsidState, from: number): number {
  const n = numUserAsids(ctx.asid_bits);
  for (let i = from; i < n; i++) if (!bit(ctx.asid_map, i)) return i;
  return n;
}

/** flush_context (context.c:104-132): the map restarts from the pinned ASIDs and each CPU's running one. */
function flush_context(ctx: CpuAsidState, opts: ContextOpts): void {
  // set_reserved_asid_bits: bitmap_copy(asid_map, pinned_asid_map), or bitmap_clear without pinning
  ctx.asid_map = opts.rollover_keeps_pinned ? ctx.pinned_asid_map : 0;
  for (let i = 0; i < ctx.active_asids.length; i++) {
    let asid = ctx.active_asids[i]!;
    ctx.active_asids[i] = 0 as ContextId; // atomic64_xchg_relaxed(&per_cpu(active_asids, i), 0)
    if (asid === 0) asid = ctx.reserved_asids[i]!; // "the only trace we have of the process it is still running"
    ctx.asid_map |= 1 << asidOf(ctx, asid);
    ctx.reserved_asids[i] = asid;
  }
}

/** check_update_reserved_asid (context.c:134-156): every copy is updated, no early exit. */
function check_update_reserved_asid(ctx: CpuAsidState, asid: ContextId, newasid: ContextId): boolean {
  let hit = false;
  for (let cpu = 0; cpu < ctx.reserved_asids.length; cpu++) {
    if (ctx.reserved_asids[cpu] === asid) {
      hit = true;
      ctx.reserved_asids[cpu] = newasid;
    }
  }
  return hit;
}

/** Does new_context(mm) have to roll over (no ASID kept, none free)? Read-only, for the bound. */
export function new_context_rolls_over(ctx: CpuAsidState, mm: MmStruct, opts: ContextOpts = CONTEXT_C): boolean {
  const asid = mm.context.id;
  if (asid !== 0) {
    if (ctx.reserved_asids.includes(asid) || (opts.new_context_keeps_pinned && mm.context.pinned > 0)) return false;
    if (!bit(ctx.asid_map, asidOf(ctx, asid))) return false;
  }
  return find_next_zero_bit(ctx, ctx.cur_idx) === numUserAsids(ctx.asid_bits);
}

/** Would new_context(mm) roll over past the bound on generations? Steps that call it are then not offered. */
export const new_context_beyond_bound = (ctx: CpuAsidState, mm: MmStruct, opts: ContextOpts = CONTEXT_C): boolean =>
  ctx.generation >= ctx.max_generation && new_context_rolls_over(ctx, mm, opts);

/** new_context(mm) (context.c:158-213): the mm's next context id. */
export function new_context(ctx: CpuAsidState, mm: MmStruct, opts: ContextOpts = CONTEXT_C): ContextId {
  const asid = mm.context.id;
  if (asid !== 0) {
    const newasid = contextId(ctx, ctx.generation, asidOf(ctx, asid));
    // "If our current ASID was active during a rollover, we can continue to use it"
    if (check_update_reserved_asid(ctx, asid, newasid)) return newasid;
    // "If it is pinned, we can keep using it": its bit came back with the pinned map
    if (opts.new_context_keeps_pinned && mm.context.pinned > 0) return newasid;
    // "We had a valid ASID in a previous life, so try to re-use it if possible"
    const idx = asidOf(ctx, asid);
    if (!bit(ctx.asid_map, idx)) {
      ctx.asid_map |= 1 << idx;
      return newasid;
    }
  }
  let idx = find_next_zero_bit(ctx, ctx.cur_idx);
  if (idx === numUserAsids(ctx.asid_bits)) {
    ctx.generation++; // "We're out of ASIDs, so increment the global generation count"
    flush_context(ctx, opts);
    idx = find_next_zero_bit(ctx, 1); // "We have more ASIDs than CPUs, so this will always succeed"
  }
  ctx.asid_map |= 1 << idx;
  ctx.cur_idx = idx;
  return contextId(ctx, ctx.generation, idx);
}

/**
 * check_and_switch_context(mm) on `cpu` (context.c:215-271). The fast path is one step: its relaxed
 * cmpxchg of active_asids fails whenever a rollover came between the read of context.id and it
 * (flush_context zeroes every active_asids), and then the slow path runs under the lock, which is
 * what a step after the rollover sees.
 */
export function check_and_switch_context(ctx: CpuAsidState, mm: MmStruct, cpu: number, opts: ContextOpts = CONTEXT_C): void {
  const old_active_asid = ctx.active_asids[cpu]!;
  if (old_active_asid !== 0 && asid_gen_match(ctx, mm.context.id)) {
    ctx.active_asids[cpu] = mm.context.id; // switch_mm_fastpath
    return;
  }
  // raw_spin_lock_irqsave(&cpu_asid_lock): "Check that our ASID belongs to the current generation."
  if (!asid_gen_match(ctx, mm.context.id)) mm.context.id = new_context(ctx, mm, opts);
  ctx.active_asids[cpu] = mm.context.id;
}

/**
 * arm64_mm_context_get(mm) (context.c:273-316): the pinned hardware ASID, 0 on failure. `limit`:
 * processes outside the model hold the other pins (nr_pinned_asids is at max_pinned_asids for this
 * call), a choice of the caller.
 */
export function arm64_mm_context_get(ctx: CpuAsidState, mm: MmStruct, limit = false, pin = true): Asid | 0 {
  if (!mmAccess(mm)) return 0;
  if (!pin) return arm64_mm_context_asid_unpinned(ctx, mm);
  if (mm.context.pinned > 0) {
    mm.context.pinned++; // refcount_inc_not_zero(&mm->context.pinned)
    return asidOf(ctx, mm.context.id);
  }
  if (limit || ctx.nr_pinned_asids >= ctx.max_pinned_asids) return 0;
  // "We went through one or more rollover since that ASID was used. Ensure that it is still valid, or generate a new one."
  if (!asid_gen_match(ctx, mm.context.id)) mm.context.id = new_context(ctx, mm);
  ctx.nr_pinned_asids++;
  ctx.pinned_asid_map |= 1 << asidOf(ctx, mm.context.id);
  mm.context.pinned = 1;
  return asidOf(ctx, mm.context.id);
}

/**
 * Labelled mutation (`share-asid-unpinned`): the mm's current-generation ASID, allocated as
 * arm64_mm_context_get would (new_context after a rollover), with no pin: no refcount, no
 * pinned_asid_map bit, nothing counted against max_pinned_asids.
 */
function arm64_mm_context_asid_unpinned(ctx: CpuAsidState, mm: MmStruct): Asid | 0 {
  if (!asid_gen_match(ctx, mm.context.id)) mm.context.id = new_context(ctx, mm);
  return asidOf(ctx, mm.context.id);
}

/** arm64_mm_context_put(mm) (context.c:319-335): the last unpin clears the pinned bit. */
export function arm64_mm_context_put(ctx: CpuAsidState, mm: MmStruct): void {
  if (!mmAccess(mm)) return;
  if (mm.context.pinned === 0) {
    mmWarn(mm, 'context_put-unpinned'); // refcount_t underflow WARNs
    return;
  }
  if (--mm.context.pinned > 0) return;
  // The bit in asid_map stays until the next rollover resets the map.
  ctx.pinned_asid_map &= ~(1 << asidOf(ctx, mm.context.id));
  ctx.nr_pinned_asids--;
}
