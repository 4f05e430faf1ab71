import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFromArray, encodeToArray } from '../../explorer/codec.ts';
import { arm64_mm_context_get, arm64_mm_context_put, cpu_asid_init } from '../../model/mm/context.ts';
import { mmCodec } from '../../model/mm/codec.ts';
import { mm_init, mmdrop, mmget, mmget_not_zero, mmgrab, mmput, type MmStruct } from '../../model/mm/mm.ts';
import type { NotifierId } from '../../model/ids.ts';
import {
  find_get_mmu_notifier,
  mmu_notifier_free_rcu,
  mmu_notifier_get,
  mmu_notifier_invalidate_range_done,
  mmu_notifier_invalidate_range_end,
  mmu_notifier_invalidate_range_next,
  mmu_notifier_put,
  mmu_notifier_register,
  mmu_notifier_release_done,
  mmu_notifier_release_next,
} from '../../model/mm/mmu-notifier.ts';
import { do_mmap, exit_mmap_unmap, handle_mm_fault, munmap_zap, pte_allows, tlb_finish_mmu, tlb_flush_mmu_tlbonly } from '../../model/mm/pgtable.ts';

const cfg = { nr_pages: 2, max_pasid: 3, max_asid: 7, max_context_id: 31, max_notifiers: 3, max_refs: 8, max_dev: 1 };
const fresh = (): MmStruct => mm_init(cfg, ['rw', 'r']);
const cpuAsid = () => cpu_asid_init({ asid_bits: 3, cpus: 1, max_generation: 3 });
const n = (i: number) => i as NotifierId;

describe('mm_users and mm_count', () => {
  it('starts with one user holding one count', () => {
    expect(fresh()).toMatchObject({ users: 1, count: 1, pasid: 0, exit: { state: 'live' } });
  });

  it('mmget_not_zero fails once mm_users reached zero; mmget/mmgrab raise their own counter', () => {
    const m = fresh();
    mmget(m);
    mmgrab(m, { kind: 'bind', dev: 0 });
    expect(m).toMatchObject({ users: 2, count: 2 });
    mmput(m);
    mmput(m);
    expect(mmget_not_zero(m)).toBe(false);
    expect(m.users).toBe(0);
  });

  it('mmput underflow and mmdrop underflow WARN instead of going negative', () => {
    const m = fresh();
    mmput(m);
    mmput(m);
    expect(m.users).toBe(0);
    expect(mmdrop(m, { kind: 'users' })).toBe(true);
    expect(mmdrop(m, { kind: 'users' })).toBe(false);
    expect(m.count).toBe(0);
    expect(m.warnings).toEqual(['mmdrop-underflow', 'mmput-underflow']);
  });

  it('any access after the last mmdrop is a use-after-free', () => {
    const m = fresh();
    mmput(m);
    mmdrop(m, { kind: 'users' });
    expect(mmget_not_zero(m)).toBe(false);
    expect(arm64_mm_context_get(cpuAsid(), m)).toBe(0);
    expect(m.warnings).toEqual(['use-after-free']);
  });
});

describe('exit_mmap ordering', () => {
  it('the last mmput owes ->release to every linked notifier before pages can be freed', () => {
    const m = fresh();
    mmu_notifier_register(m, n(2), 0);
    mmu_notifier_register(m, n(0), 1);
    handle_mm_fault(m, 0, 'w');
    mmput(m);
    expect(m.exit).toEqual({ state: 'releasing', pending: [0, 2] });
    expect(exit_mmap_unmap(m)).toBe(false);
    expect(m.pages[0]!.pte).toBe('present');
    expect(mmu_notifier_release_next(m)).toBe(0);
    mmu_notifier_release_done(m, n(0));
    expect(mmu_notifier_release_next(m)).toBe(2);
    mmu_notifier_release_done(m, n(2));
    // mn_hlist_release unlinked them all: no invalidate_range reaches the driver any more
    expect(m.notifiers.every((s) => !s.linked)).toBe(true);
    expect(m.exit).toEqual({ state: 'unmapping' });
    expect(exit_mmap_unmap(m)).toBe(false); // the notifiers still hold mm_count
    expect(m).toMatchObject({ count: 2, exit: { state: 'exited' } });
    expect(m.pages.every((p) => p.pte === 'none')).toBe(true);
  });

  it('a notifier put before its release ran is no longer owed one', () => {
    const m = fresh();
    mmu_notifier_register(m, n(1), 0);
    mmput(m);
    expect(mmu_notifier_put(m, n(1))).toBe(true);
    expect(m.exit).toEqual({ state: 'releasing', pending: [] });
    expect(mmu_notifier_release_next(m)).toBeNull();
  });

  it('put after release unlinked it still defers the free through SRCU', () => {
    const m = fresh();
    mmu_notifier_register(m, n(1), 0);
    mmput(m);
    mmu_notifier_release_done(m, n(1));
    expect(mmu_notifier_put(m, n(1))).toBe(true);
    expect(m.srcu_pending).toEqual([1]);
    expect(exit_mmap_unmap(m)).toBe(false);
    expect(mmu_notifier_free_rcu(m, n(1))).toBe(true); // the notifier's mmdrop was the last
    expect(m.count).toBe(0);
  });
});

describe('munmap', () => {
  it('clears the PTE, owes invalidate_range to each linked notifier at both call sites, then frees the frame', () => {
    const m = fresh();
    mmu_notifier_register(m, n(0), 0);
    handle_mm_fault(m, 0, 'w');
    expect(munmap_zap(m, 0)).toBe(true);
    expect(m.pages[0]).toEqual({ vm: 'none', pte: 'zapped' });
    expect(pte_allows(m, 0, 'r')).toBe(false);
    expect(mmu_notifier_invalidate_range_next(m)).toBeNull(); // nothing owed before the CPU flush
    expect(mmu_notifier_invalidate_range_end(m)).toBe(false);
    expect(tlb_flush_mmu_tlbonly(m)).toBe(true); // tlb_end_vma
    expect(mmu_notifier_invalidate_range_next(m)).toBe(0);
    expect(mmu_notifier_invalidate_range_end(m)).toBe(false); // waits for the first call
    mmu_notifier_invalidate_range_done(m, n(0));
    expect(tlb_finish_mmu(m)).toBe(false);
    expect(mmu_notifier_invalidate_range_end(m)).toBe(true);
    expect(mmu_notifier_invalidate_range_next(m)).toBe(0);
    mmu_notifier_invalidate_range_done(m, n(0));
    expect(tlb_finish_mmu(m)).toBe(true);
    expect(m.pages[0]).toEqual({ vm: 'none', pte: 'none' });
    expect(m.unmap).toBeNull();
  });

  it('a notifier put during the munmap is not owed invalidate_range', () => {
    const m = fresh();
    mmu_notifier_register(m, n(0), 0);
    handle_mm_fault(m, 1, 'r');
    munmap_zap(m, 1);
    expect(tlb_flush_mmu_tlbonly(m)).toBe(true);
    mmu_notifier_put(m, n(0));
    expect(mmu_notifier_invalidate_range_next(m)).toBeNull();
    expect(mmu_notifier_invalidate_range_end(m)).toBe(true);
    expect(mmu_notifier_invalidate_range_next(m)).toBeNull();
    expect(tlb_finish_mmu(m)).toBe(true);
  });

  it('a range whose PTE was none is invalidated once, from invalidate_range_end (tlb_flush_mmu_tlbonly flushes nothing)', () => {
    const m = fresh();
    mmu_notifier_register(m, n(0), 0);
    expect(munmap_zap(m, 0)).toBe(false);
    expect(tlb_flush_mmu_tlbonly(m)).toBe(true);
    expect(mmu_notifier_invalidate_range_next(m)).toBeNull();
    expect(mmu_notifier_invalidate_range_end(m)).toBe(true);
    expect(mmu_notifier_invalidate_range_next(m)).toBe(0);
    mmu_notifier_invalidate_range_done(m, n(0));
    expect(tlb_finish_mmu(m)).toBe(true);
  });

  it('faults obey the VMA permission; a zapped page cannot be faulted back in', () => {
    const m = fresh();
    expect(handle_mm_fault(m, 1, 'w')).toBe('VM_FAULT_SIGSEGV');
    expect(handle_mm_fault(m, 1, 'r')).toBe(0);
    munmap_zap(m, 1);
    expect(handle_mm_fault(m, 1, 'r')).toBe('VM_FAULT_SIGSEGV');
    expect(tlb_flush_mmu_tlbonly(m)).toBe(true);
    expect(mmu_notifier_invalidate_range_end(m)).toBe(true);
    expect(tlb_finish_mmu(m)).toBe(true);
    expect(do_mmap(m, 1, 'rw')).toBe(0);
    expect(handle_mm_fault(m, 1, 'w')).toBe(0);
  });
});

describe('mmu notifiers', () => {
  it('register grabs mm_count; get reuses the subscription with the same ops', () => {
    const m = fresh();
    const alloc = () => n(2);
    expect(mmu_notifier_get(m, 5, alloc)).toBe(2);
    expect(m.count).toBe(2);
    expect(mmu_notifier_get(m, 5, () => '-ENOMEM' as const)).toBe(2);
    expect(find_get_mmu_notifier(m, 6)).toBeNull();
    expect(m.notifiers).toEqual([{ id: 2, ops: 5, users: 2, linked: true }]);
    expect(mmu_notifier_put(m, n(2))).toBe(false);
    expect(mmu_notifier_put(m, n(2))).toBe(true);
    expect(mmu_notifier_put(m, n(2))).toBe(false);
    expect(m.warnings).toEqual(['mmu_notifier_put-unknown']);
  });

  it('registering on an mm without users is recorded (BUG_ON(mm_users <= 0))', () => {
    const m = fresh();
    mmput(m);
    mmu_notifier_register(m, n(0), 0);
    expect(m.warnings).toEqual(['mmu_notifier_register-dead-mm']);
  });
});

describe('arm64 pinned ASID', () => {
  it('pins and unpins the mm context ASID; an unbalanced put WARNs', () => {
    const m = fresh();
    const ctx = cpuAsid();
    expect(arm64_mm_context_get(ctx, m)).toBe(1);
    expect(arm64_mm_context_get(ctx, m)).toBe(1);
    arm64_mm_context_put(ctx, m);
    arm64_mm_context_put(ctx, m);
    expect(m.context).toEqual({ id: (1 << 3) | 1, pinned: 0 });
    arm64_mm_context_put(ctx, m);
    expect(m.warnings).toEqual(['context_put-unpinned']);
  });
});

describe('mm codec', () => {
  it('round-trips states reached by random operations', () => {
    const codec = mmCodec(cfg);
    const ops = fc.array(fc.integer({ min: 0, max: 13 }), { maxLength: 16 });
    fc.assert(
      fc.property(ops, fc.integer({ min: 0, max: 2 }), (seq, k) => {
        const m = fresh();
        const ctx = cpuAsid();
        for (const o of seq) {
          const id = n(k);
          [
            () => mmget_not_zero(m),
            () => mmput(m),
            () => m.notifiers.length < 3 && !m.notifiers.some((s) => s.id === id) && mmu_notifier_register(m, id, 0),
            () => mmu_notifier_put(m, id),
            () => mmu_notifier_free_rcu(m, id),
            () => handle_mm_fault(m, k % 2, 'r'),
            () => munmap_zap(m, k % 2),
            () => mmu_notifier_invalidate_range_done(m, id),
            () => tlb_flush_mmu_tlbonly(m),
            () => mmu_notifier_invalidate_range_end(m),
            () => tlb_finish_mmu(m),
            () => mmu_notifier_release_done(m, id),
            () => exit_mmap_unmap(m),
            () => m.context.pinned < 8 && arm64_mm_context_get(ctx, m),
          ][o]!();
        }
        expect(m.users).toBeGreaterThanOrEqual(0);
        expect(decodeFromArray(codec, encodeToArray(codec, m))).toEqual(m);
      }),
    );
  });
});
