// arch/arm64/mm/context.c's ASID allocator (model/mm/context.ts) on the situations its comments
// describe: allocation from cur_idx, rollover, the reserved ASID of a CPU that has not switched
// since, the re-use of an old ASID, and pinned ASIDs surviving rollovers.
import { describe, expect, it } from 'vitest';
import type { ContextId } from '../../model/ids.ts';
import {
  arm64_mm_context_get,
  arm64_mm_context_put,
  asidOf,
  check_and_switch_context,
  cpu_asid_init,
  cpuAsidCodec,
  maxPinnedAsids,
  new_context_beyond_bound,
  type CpuAsidConfig,
} from '../../model/mm/context.ts';
import { mm_init, type MmStruct } from '../../model/mm/mm.ts';
import { decodeFromArray, encodeToArray } from '../../explorer/codec.ts';

// 2 ASID bits: ASIDs 1..3 (0 is init_mm's), one CPU, so max_pinned_asids = 4 - 1 - 2 = 1.
const CFG: CpuAsidConfig = { asid_bits: 2, cpus: 1, max_generation: 3 };
const mmCfg = { nr_pages: 1, max_pasid: 1, max_asid: 3, max_context_id: 15, max_notifiers: 1, max_refs: 4, max_dev: 0 };
const fresh = (): MmStruct => mm_init(mmCfg, ['rw']);
const id = (generation: number, asid: number) => ((generation << 2) | asid) as ContextId;

describe('arm64 ASID allocator', () => {
  it('hands out ASIDs from 1 up, then rolls over: the CPU keeps its running ASID as reserved', () => {
    const ctx = cpu_asid_init(CFG);
    const [a, b, c, d] = [fresh(), fresh(), fresh(), fresh()];
    for (const m of [a, b, c]) check_and_switch_context(ctx, m, 0);
    expect([a, b, c].map((m) => m.context.id)).toEqual([id(1, 1), id(1, 2), id(1, 3)]);
    expect(ctx.asid_map).toBe(0b1110);
    check_and_switch_context(ctx, d, 0); // none left: generation 2, c reserved on CPU 0
    expect(ctx.generation).toBe(2);
    expect(ctx.reserved_asids).toEqual([id(1, 3)]);
    expect(d.context.id).toBe(id(2, 1));
    expect(ctx.active_asids).toEqual([id(2, 1)]);
  });

  it('after a rollover, the ASID a CPU had reserved goes back to its mm, and an old ASID whose bit is free is re-used', () => {
    const ctx = cpu_asid_init(CFG);
    const ms = [fresh(), fresh(), fresh(), fresh()];
    for (const m of ms) check_and_switch_context(ctx, m, 0);
    // ms[3] (gen 2, ASID 1) is active. Another mm reusing its old ASID 2 (gen 1 → 2: the bit is free).
    check_and_switch_context(ctx, ms[1]!, 0);
    expect(ms[1]!.context.id).toBe(id(2, 2));
    // ms[2] was reserved at the rollover: its ASID 3 comes back with the new generation.
    check_and_switch_context(ctx, ms[2]!, 0);
    expect(ms[2]!.context.id).toBe(id(2, 3));
    expect(ctx.reserved_asids).toEqual([id(2, 3)]);
  });

  it('an old ASID whose bit another mm took is not re-used: a new one is allocated', () => {
    const ctx = cpu_asid_init(CFG);
    const [a, b, c, d] = [fresh(), fresh(), fresh(), fresh()];
    for (const m of [a, b, c, d]) check_and_switch_context(ctx, m, 0); // d: gen 2 ASID 1 (a's old one)
    check_and_switch_context(ctx, a, 0);
    expect(asidOf(ctx, a.context.id)).not.toBe(1);
    expect(a.context.id).toBe(id(2, 2));
  });

  it('a pinned ASID survives rollovers, and no other mm is given it', () => {
    const ctx = cpu_asid_init(CFG);
    const pinned = fresh();
    expect(maxPinnedAsids(CFG)).toBe(1);
    expect(arm64_mm_context_get(ctx, pinned)).toBe(1);
    expect(arm64_mm_context_get(ctx, fresh())).toBe(0); // nr_pinned_asids >= max_pinned_asids
    const others = Array.from({ length: 7 }, fresh);
    for (const m of others) check_and_switch_context(ctx, m, 0);
    expect(ctx.generation).toBeGreaterThanOrEqual(3);
    expect(others.filter((m) => asidOf(ctx, m.context.id) === 1)).toEqual([]);
    check_and_switch_context(ctx, pinned, 0); // "If it is pinned, we can keep using it"
    expect(pinned.context.id).toBe(id(ctx.generation, 1));
  });

  it('the last unpin frees the pinned bit; the ASID itself stays taken until the next rollover', () => {
    const ctx = cpu_asid_init(CFG);
    const m = fresh();
    arm64_mm_context_get(ctx, m);
    arm64_mm_context_get(ctx, m);
    arm64_mm_context_put(ctx, m);
    expect(ctx.pinned_asid_map).toBe(0b10);
    arm64_mm_context_put(ctx, m);
    expect({ pinned: ctx.pinned_asid_map, nr: ctx.nr_pinned_asids, map: ctx.asid_map }).toEqual({ pinned: 0, nr: 0, map: 0b10 });
  });

  it('the bound: at the last generation, a switch that would roll over is flagged; the codec round-trips', () => {
    const ctx = cpu_asid_init({ ...CFG, max_generation: 1 });
    for (let i = 0; i < 3; i++) check_and_switch_context(ctx, fresh(), 0);
    expect(new_context_beyond_bound(ctx, fresh())).toBe(true);
    const codec = cpuAsidCodec({ ...CFG, max_generation: 1 });
    expect(decodeFromArray(codec, encodeToArray(codec, ctx))).toEqual(ctx);
  });
});
