// Step-level tests of the sva model's bind: the steps it is split into and the waits between them.
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import type { AnyStep, Process } from '../../explorer/model.ts';
import { initialState } from '../../model/layout.ts';
import type { State } from '../../model/state.ts';
import { iopfProcesses } from '../../model/system.ts';
import sva from '../../spec/sva.ts';
import alloc from '../../spec/configs/sva-alloc.json' with { type: 'json' };

const c = sva.params.parse(alloc.params);
const processes: Process<State>[] = iopfProcesses(c);
const stepOf = (proc: string, name: string): AnyStep<State> =>
  processes.find((p) => p.name === proc)!.steps.find((s) => s.name === name)!;
const run = (s: State, proc: string, name: string, choice?: unknown): State => produce(s, (d) => stepOf(proc, name).apply(d, 0, choice));

/** Driver 0 at its first bind, SVA enabled on its master. */
function atBind(): State {
  let s = produce(initialState(c), (d) => {
    d.smmu = 'live';
    d.drivers[0] = 'enable_sva';
  });
  s = run(s, 'driver', 'arm_smmu_dev_enable_feature');
  return run(s, 'driver', 'arm_smmu_enable_ats');
}

/** The SMMU performs every queued command. */
const drain = (s: State): State => produce(s, (d) => void d.arm_smmu.cmdq.splice(0));

/**
 * The first bind's CPU ASID (1) is the domain's private one: the rest of arm_smmu_share_asid's seize,
 * each part after the previous one's sync, then the rest of the bind with `fail`.
 */
function throughSeize(s: State, fail = 'none'): State {
  expect(s.drivers[0]).toBe('bind_seize_cd');
  let t = run(s, 'driver', 'arm_smmu_share_asid/write_ctx_desc');
  expect(stepOf('driver', 'arm_smmu_share_asid/tlb_inv_asid').enabled!(t, 0, undefined)).toBe(false);
  t = run(drain(t), 'driver', 'arm_smmu_share_asid/tlb_inv_asid');
  return run(drain(t), 'driver', 'arm_smmu_share_asid/xa_erase', fail);
}

describe('__arm_smmu_sva_bind, split where other threads can see it', () => {
  it('offers each allocation failure when allocations may fail, and each unwinds to a driver that gives SVA up', () => {
    const s = atBind();
    const bind = stepOf('driver', '__arm_smmu_sva_bind');
    const choices = bind.choices!(s, 0) as { mm: number; fail: string }[];
    expect(choices.map((x) => x.fail)).toEqual(['none', 'bond', 'pin', 'cd', 'smmu_mn']);
    for (const choice of choices.slice(1)) {
      const bound = run(s, 'driver', '__arm_smmu_sva_bind', choice);
      // kzalloc(smmu_mn) comes after the seize.
      const after = choice.fail === 'smmu_mn' ? throughSeize(bound, 'smmu_mn') : bound;
      expect(after.drivers[0]).toBe('stop');
      expect(after.arm_smmu.asid_xa.filter((e) => e !== null)).toEqual([{ type: 'private', domain: 0 }]);
      expect(after.sva_lock).toBeNull();
      expect(after.ioasid.xa.every((a) => a === null)).toBe(true);
      expect(after.mms[0]!.context.pinned).toBe(0);
    }
  });

  it('a new notifier is registered in a step of its own, which waits while the owner\'s munmap holds mmap_lock', () => {
    const s = throughSeize(run(atBind(), 'driver', '__arm_smmu_sva_bind', { mm: 0, fail: 'none' }));
    expect(s.drivers[0]).toBe('bind_register');
    expect(s.arm_smmu.domains[0]!.asid).toBe(2);
    expect(s.arm_smmu.asid_xa[1]).toMatchObject({ type: 'shared', mm: 0 });
    expect(s.sva_lock).toBe(0);
    expect(s.mms[0]!.notifiers).toEqual([]); // not yet visible to release or invalidate_range
    const register = stepOf('driver', 'arm_smmu_mmu_notifier_get/mmu_notifier_register');
    expect(register.enabled!(s, 0, false)).toBe(true);
    expect(register.enabled!(produce(s, (d) => void (d.procs[0]!.pc = 'munmap')), 0, false)).toBe(false);
    expect(register.choices!(s, 0)).toEqual([false, true]);
    const after = run(s, 'driver', 'arm_smmu_mmu_notifier_get/mmu_notifier_register', false);
    expect(after.mms[0]!.notifiers.map((n) => n.id)).toEqual([0]);
    expect(after.mms[0]!.subscriptions).toBe(true);
    expect(register.choices!(produce(s, (d) => void (d.mms[0]!.subscriptions = true)), 0)).toEqual([false]);
  });

  it('the owner cannot exit while its own bind call is inside (mm_users > 0 for __mmu_notifier_register)', () => {
    const s = run(atBind(), 'driver', '__arm_smmu_sva_bind', { mm: 0, fail: 'none' });
    const exit = stepOf('process', 'do_exit');
    expect(exit.enabled!(s, 0, undefined)).toBe(false);
    expect(exit.enabled!(atBind(), 0, undefined)).toBe(true);
  });
});
