// The mm side of SVA as processes (v5.11 mm/mmap.c, kernel/exit.c, mm/mmu_notifier.c, on
// model/mm): the owner of each mm (CPU page faults, munmap with its invalidate_range calls, exit),
// the thread running exit_mmap after the last mmput (each notifier's ->release under sva_lock, then
// the unmap and __mmput's mmdrop), the SRCU callback that frees put notifiers, the SMMU consuming its
// command queue, and the next process that may get a freed PASID (configs without `mms`).
// exit_mmap is its own process: in the kernel it runs in whoever did the last mmput (the owner, or
// an iopf worker, seed001-killed-process.log); the model lets that thread go on at once, which only
// adds interleavings. Left out: mmap_lock (one munmap at a time per mm, by the owner), page
// reclaim, re-mmap of an unmapped page, and exit during munmap (the thread is in a syscall).
import { dmaApiProcess } from './dma-api.ts';
import { attachProcess } from './attach.ts';
import { cpuProcess } from './cpus.ts';
import { msiProcesses } from '../msi-iommu/model.ts';
import { focusProcess } from '../../explorer/focus.ts';
import { asidOf } from '../mm/context.ts';
import type { Draft } from 'immer';
import { arm_smmu_cmdq_consume, cmdq_consumable, cmdq_consumable_fifo, cmdq_sync_done } from '../arm-smmu-v3/cmdq.ts';
import {
  arm_smmu_mm_invalidate_range,
  arm_smmu_mm_release,
  arm_smmu_mmu_notifier_free,
  type InvalidateRangeOpts,
  type ReleaseOpts,
} from '../arm-smmu-v3/sva-notifier.ts';
import { arm_smmu_btm_tlbi_va, cpuTlbiRegime } from '../arm-smmu-v3/tlb.ts';
import { ioasid_alloc } from '../ioasid/ioasid.ts';
import { IOMMU_SVA_PASID_SET } from '../iommu-sva/iommu-sva-lib.ts';
import { mm_init } from '../mm/mm.ts';
import { asPasid, type MmId, type NotifierId, type Pasid, type SmmuId } from '../ids.ts';
import {
  mmu_notifier_invalidate_range_done,
  mmu_notifier_invalidate_range_next,
  mmu_notifier_release_done,
  mmu_notifier_invalidate_range_end,
  mmu_notifier_release_next,
} from '../mm/mmu-notifier.ts';
import { exit_mmap_unmap, munmap_cleared, munmap_zap, tlb_finish_mmu, tlb_flush_mmu_tlbonly } from '../mm/pgtable.ts';
import { set_page_dirty } from '../mm/page-writeback.ts';
import { faultWaitsForPageLock, handleMmFault, writebackProcess } from './writeback.ts';
import type { IopfParams } from '../params.ts';
import type { DriverPc, State } from '../state.ts';
import { step, type AnyStep, type Process } from '../../explorer/model.ts';
import { exitOwner, mmConfig, mmCount, nextMm, nrSmmus, procOwner, vmLayout } from './config.ts';
import { mmputById } from './pasid.ts';
import { svaView } from './view.ts';
import { smmu_mm_invalidate, smmu_mm_release } from './tracepoints.ts';

/** The baseline's notifier options (seed 001 v6): free the shared CD in free_notifier. */
/** Driver pcs inside an iommu_sva_bind_device call, after the one that took sva_lock. */
const IN_BIND: readonly DriverPc[] = ['bind_seize_cd', 'bind_seize_tlbi', 'bind_seize_end', 'bind_register', 'bind_dword0', 'bind_unlock'];

export type FreeCdIn = 'put' | 'free_notifier';
export const FREE_CD_IN: FreeCdIn = 'free_notifier';

/** Processes with an mm of their own: all mms (smmu configs), or one per PASID. */
const ownedMms = (c: IopfParams): number => (c.mms > 0 ? c.mms : c.pasids);

export function processSteps(c: IopfParams): AnyStep<State>[] {
  const steps: AnyStep<State>[] = [];
  if (c.exit) {
    steps.push(
      step<State>({
        name: 'do_exit',
        at: 'running',
        doc: 'kernel/exit.c do_exit → exit_mm → mmput: the owner drops its mm_users reference; the last user starts exit_mmap',
        source: 'kernel/exit.c:728-813 (9936a12fcb18, v5.13-rc6) (do_exit up to its exit_mm() call at :813); kernel/exit.c:435-505 (9936a12fcb18) (exit_mm: mmput(mm) at :502); kernel/fork.c:1112-1118 (9936a12fcb18) (mmput: atomic_dec_and_test(&mm->mm_users) → __mmput at :1116-1117)',
        locks: 'none (mmput drops the owner reference)',
        // iommu_sva_bind_device(dev, current->mm) is the owner's own call: mm_users cannot reach
        // zero while it is inside (the BUG_ON in __mmu_notifier_register relies on it).
        enabled: (s, self) => !s.drivers.some((pc, dev) => IN_BIND.includes(pc) && s.sva[dev]!.mm === self),
        apply: (d, self) => {
          d.procs[self]!.pc = 'exited';
          mmputById(d, self as MmId);
        },
      }),
    );
  }
  if (!(c.smmu && c.munmap)) return steps;
  const pages = (s: State, self: number, want: (p: State['mms'][number]['pages'][number]) => boolean): number[] =>
    s.mms[self]!.pages.flatMap((p, i) => (want(p) ? [i] : []));
  steps.push(
    step<State, number>({
      name: 'handle_mm_fault',
      at: 'running',
      doc: 'the owner touches a page from the CPU: mm/memory.c handle_mm_fault makes its PTE present',
      source: 'mm/memory.c:4617-4662 (9936a12fcb18, v5.13-rc6) (handle_mm_fault → __handle_mm_fault at :4645; __handle_mm_fault :4461-4548 → handle_pte_fault :4357-4453)',
      locks: 'mmap_read_lock(mm)',
      choices: (s, self) => pages(s, self, (p) => p.vm !== 'none' && p.pte === 'none').filter((page) => !faultWaitsForPageLock(s, self, page)),
      apply: (d, self, page) => {
        handleMmFault(d, self, page, d.mms[self]!.pages[page]!.vm === 'rw' ? 'w' : 'r');
      },
      showChoice: (p) => `page ${p}`,
    }),
    step<State, number>({
      name: 'munmap',
      at: 'running',
      doc: 'mm/mmap.c munmap → unmap_region → unmap_vmas → zap_pte_range: clears the PTE (the frame waits in the mmu_gather for tlb_finish_mmu). For a dirty file page zap_pte_range forces its TLB flush (invalidate_range included) before it drops the PTE lock and frees the batch then (force_flush, mm/memory.c:1324-1337); the model keeps that flush the next step, which nothing can tell apart: the VMA is already detached, so no fault takes that PTE lock, and the page has left the rmap, so no page_mkclean does',
      source: 'mm/mmap.c:2957-2962, :2926-2949, :2810-2918 (9936a12fcb18, v5.13-rc6) (munmap → __vm_munmap → __do_munmap: mmap_write_downgrade at :2909-2910, unmap_region at :2912); mm/mmap.c:2670-2684 (9936a12fcb18) (unmap_region: unmap_vmas at :2680); mm/memory.c:1441-1459, :1212-1345 (9936a12fcb18) (unmap_page_range; zap_pte_range: ptep_get_and_clear_full at :1254-1255, tlb_remove_tlb_entry at :1256, a dirty file page → set_page_dirty at :1260-1264)',
      locks: 'mmap_write_lock(mm) while the VMA is detached, downgraded to mmap_read_lock before unmap_region (mmap_write_downgrade, mm/mmap.c:2909-2910); the PTE lock in zap_pte_range',
      choices: (s, self) => pages(s, self, (p) => p.vm !== 'none'),
      apply: (d, self, page) => {
        const p = d.mms[self]!.pages[page]!;
        // zap_pte_range: "if (pte_dirty(ptent)) { force_flush = 1; set_page_dirty(page); }"
        if (d.httu && p.pte === 'present' && p.vm === 'rw') set_page_dirty(d.httu, self, page);
        munmap_zap(d.mms[self]!, page);
        d.procs[self]!.pc = 'munmap';
      },
      showChoice: (p) => `page ${p}`,
    }),
    invalidateRangeStep(c),
    step<State>({
      name: 'mmu_notifier_invalidate_range_done',
      at: 'invalidate_wait',
      doc: 'arm_smmu_mm_invalidate_range returns once its CMD_SYNCs completed; the SRCU read section ends',
      source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:191-192 (v5.13-rc6); mm/mmu_notifier.c:607-622 (87ea6a1e395a) (__mmu_notifier_invalidate_range: ->invalidate_range at :618-619, srcu_read_unlock at :621; on the range_end path mn_hlist_invalidate_end\'s srcu_read_unlock at :589)',
      locks: 'srcu_read_lock(&srcu), released here',
      enabled: (s, self) => cmdq_sync_done(s.arm_smmu, procOwner(c, self)),
      apply: (d, self) => {
        const p = d.procs[self]!;
        if (p.reader !== null) mmu_notifier_invalidate_range_done(d.mms[self]!, p.reader);
        d.procs[self] = { pc: 'munmap', reader: null };
      },
    }),
    step<State>({
      name: 'tlb_flush_mmu_tlbonly',
      at: 'munmap',
      doc: 'unmap_page_range → tlb_end_vma → tlb_flush_mmu_tlbonly (arm64 keeps the generic tlb_end_vma): when the zap cleared a PTE, tlb_flush, the CPU TLBI (with BTM it reaches the SMMU TLB, and removes its entry when the streams\' STRW is the CPU\'s regime: EL2 with VHE), then mmu_notifier_invalidate_range for every linked notifier; else nothing',
      source: 'include/asm-generic/tlb.h:500-514 (9936a12fcb18, v5.13-rc6) (tlb_end_vma → tlb_flush_mmu_tlbonly at :512); include/asm-generic/tlb.h:416-429 (9936a12fcb18) (tlb_flush_mmu_tlbonly: returns at :422-424 unless a PTE was cleared, tlb_flush at :426, mmu_notifier_invalidate_range at :427); arch/arm64/include/asm/tlb.h tlb_flush (v5.13-rc6)',
      locks: 'mmap_read_lock(mm) (munmap downgraded it)',
      enabled: (s, self) => s.mms[self]!.unmap?.phase === 'zapped',
      apply: (d, self) => {
        const m = d.mms[self]!;
        if (munmap_cleared(m)) arm_smmu_btm_tlbi_va(d.arm_smmu, asidOf(d.cpu_asid, m.context.id), m.unmap!.page, cpuTlbiRegime(c.vhe)); // ASID(mm)
        tlb_flush_mmu_tlbonly(m);
      },
    }),
    step<State>({
      name: 'mmu_notifier_invalidate_range_end',
      at: 'munmap',
      doc: 'unmap_vmas → mmu_notifier_invalidate_range_end, once the first calls returned: invalidate_range again for every linked notifier',
      source: 'mm/memory.c:1523-1535 (9936a12fcb18, v5.13-rc6) (unmap_vmas: mmu_notifier_invalidate_range_end at :1534); mm/mmu_notifier.c:592-605, :552-590 (87ea6a1e395a) (__mmu_notifier_invalidate_range_end → mn_hlist_invalidate_end: the loop :560-588, ->invalidate_range at :575-579)',
      locks: 'mmap_read_lock(mm) (munmap downgraded it); srcu_read_lock(&srcu) for the walk',
      enabled: (s, self) => s.mms[self]!.unmap?.phase === 'tlb_flush' && mmu_notifier_invalidate_range_next(s.mms[self]!) === null,
      apply: (d, self) => void mmu_notifier_invalidate_range_end(d.mms[self]!),
    }),
    step<State>({
      name: 'tlb_finish_mmu',
      at: 'munmap',
      doc: 'mm/mmu_gather.c tlb_finish_mmu → tlb_flush_mmu_free: every invalidate_range returned, the frame is freed. When free_pgtables freed a page table, tlb_flush_mmu first flushes and calls invalidate_range once more (tlb_flush_mmu_tlbonly); the model leaves that round out: it only removes translations the earlier rounds removed',
      source: 'mm/mmu_gather.c:312-346 (87ea6a1e395a) (tlb_finish_mmu → tlb_flush_mmu at :340; tlb_flush_mmu :246-250 → tlb_flush_mmu_free :238-244); mm/mmap.c:2683 (9936a12fcb18, v5.13-rc6) (unmap_region: tlb_finish_mmu)',
      locks: 'mmap_read_lock(mm) (munmap downgraded it)',
      enabled: (s, self) => s.mms[self]!.unmap?.phase === 'range_end' && mmu_notifier_invalidate_range_next(s.mms[self]!) === null,
      apply: (d, self) => {
        tlb_finish_mmu(d.mms[self]!);
        d.procs[self]!.pc = 'running';
      },
    }),
  );
  return steps;
}

/**
 * munmap's call of arm_smmu_mm_invalidate_range for the next linked notifier; `opts` and `doc`:
 * the call's mutation and the step's description, where a variant changes them.
 */
export function invalidateRangeStep(c: IopfParams, opts: InvalidateRangeOpts = {}, doc?: string): AnyStep<State> {
  return step<State>({
    name: 'arm_smmu_mm_invalidate_range',
    at: 'munmap',
    tracepoint: smmu_mm_invalidate,
    doc: doc ?? 'arm_smmu_mm_invalidate_range, called by tlb_end_vma\'s tlb_flush_mmu_tlbonly and again by mmu_notifier_invalidate_range_end (no lock, SRCU reader): unless BTM, arm_smmu_tlb_inv_range_asid (TLBI_NH_VA, or TLBI_EL2_VA with E2H: arm-smmu-v3.c:1782-1783 at 9936a12fcb18); ATC_INV for mm->pasid; CMD_SYNC',
    source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:180-192 (v5.13-rc6)',
    locks: 'srcu_read_lock(&srcu); no driver lock',
    enabled: (s, self) => mmu_notifier_invalidate_range_next(s.mms[self]!) !== null,
    apply: (d, self) => {
      const m = d.mms[self]!;
      const id = mmu_notifier_invalidate_range_next(m)!;
      d.procs[self] = { pc: 'invalidate_wait', reader: id };
      arm_smmu_mm_invalidate_range(svaView(d), id, m.unmap!.page, procOwner(c, self), opts);
    },
  });
}

/**
 * __mmu_notifier_release (mm/mmu_notifier.c v5.11), inside one srcu_read_lock section: the walk of
 * mm->notifier_subscriptions calls the next subscription's ->release. Once called, the call goes
 * on whatever happens to the subscription: mmu_notifier_put unlinks it with hlist_del_rcu, which
 * only hides it from walks that have not reached it yet, and its free waits for this SRCU reader.
 */
export function releaseCallStep(): AnyStep<State> {
  return step<State>({
    name: 'mn_hlist_release',
    at: 'idle',
    doc: 'mm/mmu_notifier.c mn_hlist_release: hlist_for_each_entry_rcu under srcu_read_lock, subscription->ops->release(subscription, mm)',
    source: 'mm/mmu_notifier.c:299-346 (c2818c9a0876)',
    locks: 'srcu_read_lock(&srcu), held for the whole walk',
    enabled: (s, self) => mmu_notifier_release_next(s.mms[self]!) !== null,
    apply: (d, self) => {
      d.exit_mmap[self] = { pc: 'release', reader: mmu_notifier_release_next(d.mms[self]!)! };
    },
  });
}

/** The release options of the baseline; variants build the step with others. */
export function releaseStep(c: IopfParams, opts: Omit<ReleaseOpts, 'owner'> = {}): AnyStep<State> {
  return step<State>({
    name: 'arm_smmu_mm_release',
    at: 'release',
    tracepoint: smmu_mm_release,
    doc: 'arm_smmu_mm_release: mutex_lock(sva_lock); unless cleared, quiesce the CD at mm->pasid (V kept, EPD0), arm_smmu_tlb_inv_asid (TLBI_NH_ASID, or TLBI_EL2_ASID with E2H: arm-smmu-v3.c:883-884 at 9936a12fcb18), ATC_INV all, cleared = true',
    source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:194-214 (v5.13-rc6)',
    locks: 'srcu_read_lock(&srcu); sva_lock, taken here and held across the CMD_SYNC waits; devices_lock for the CD sync',
    enabled: (s) => s.sva_lock === null,
    apply: (d, self) => {
      const id = d.exit_mmap[self]!.reader!;
      d.sva_lock = exitOwner(c, self);
      d.exit_mmap[self] = { pc: 'release_wait', reader: id };
      arm_smmu_mm_release(svaView(d), id, { ...opts, owner: exitOwner(c, self) });
    },
  });
}

export function exitMmapSteps(c: IopfParams): AnyStep<State>[] {
  const steps: AnyStep<State>[] = [];
  if (c.smmu) {
    steps.push(
      releaseCallStep(),
      releaseStep(c),
      step<State>({
        name: 'arm_smmu_mm_release/unlock',
        at: 'release_wait',
        doc: 'arm_smmu_mm_release: its CMD_SYNCs completed; mutex_unlock(sva_lock); mn_hlist_release goes on',
        source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:215-216 (v5.13-rc6)',
        locks: 'sva_lock, released here',
        enabled: (s, self) => cmdq_sync_done(s.arm_smmu, exitOwner(c, self)),
        apply: (d, self) => {
          const e = d.exit_mmap[self]!;
          if (e.reader !== null) mmu_notifier_release_done(d.mms[self]!, e.reader);
          d.exit_mmap[self] = { pc: 'idle', reader: null };
          d.sva_lock = null;
        },
      }),
    );
  }
  steps.push(exitMmapStep());
  return steps;
}

/** What a kernel does with the mm around __mmput's mmdrop (variants: where mm->pasid is freed). */
export interface MmputTail {
  /** After exit_mmap, before the mmdrop (701fac40384f's mm_pasid_drop). */
  readonly beforeMmdrop?: (d: Draft<State>, mm: MmId) => void;
  /** In __mmdrop, when that mmdrop freed the mm (2667ed10d9f0's mm_pasid_drop). */
  readonly mmdropped?: (d: Draft<State>, mm: MmId) => void;
}

/** exit_mmap and the rest of __mmput (`tail`: what a later kernel adds there). */
export function exitMmapStep(tail: MmputTail = {}): AnyStep<State> {
  return step<State>({
    name: 'exit_mmap',
    at: 'idle',
    doc: 'mm/mmap.c exit_mmap after mmu_notifier_release (every subscription unlinked): unmap_vmas, free_pgtables, then __mmput\'s mmdrop',
    source: 'mm/mmap.c:3155-3223 (9936a12fcb18, v5.13-rc6) (exit_mmap: mmu_notifier_release at :3162, unmap_vmas at :3208, free_pgtables at :3209, tlb_finish_mmu at :3210); kernel/fork.c:1088-1107 (9936a12fcb18) (__mmput: exit_mmap at :1096, mmdrop at :1106)',
    locks: 'none: exit_mmap takes no mmap_lock around unmap_vmas and free_pgtables at v5.13 (mm/mmap.c:3155-3223; only the OOM-victim path takes and drops the write lock before them); mm_users is 0, so no iopf worker gets the mm (mmget_not_zero)',
    enabled: (s, self) => {
      const x = s.mms[self]!.exit;
      return x.state === 'unmapping' || (x.state === 'releasing' && x.pending.length === 0);
    },
    apply: (d, self) => {
      const m = d.mms[self]!;
      if (m.exit.state === 'releasing') {
        for (const n of m.notifiers) n.linked = false; // mn_hlist_release with nothing left to call
        m.exit = { state: 'unmapping' };
      }
      // unmap_vmas → zap_pte_range: "if (pte_dirty(ptent)) { ... set_page_dirty(page); }"
      if (d.httu) {
        for (const [page, p] of m.pages.entries()) if (p.pte === 'present' && p.vm === 'rw') set_page_dirty(d.httu, self, page);
      }
      tail.beforeMmdrop?.(d, self as MmId);
      if (exit_mmap_unmap(m)) tail.mmdropped?.(d, self as MmId);
    },
  });
}

/**
 * Is some thread inside an srcu_read_lock section of mm/mmu_notifier.c's global `srcu`? A release
 * walk holds it from exit_mmap's mmu_notifier_release until every ->release returned (the mm is
 * `releasing` until then), an invalidate_range call (munmap's or a writeback's) while it runs. No SRCU callback runs meanwhile.
 */
function srcuReading(s: State): boolean {
  return (
    s.mms.some((m) => m.exit.state === 'releasing') ||
    s.procs.some((p) => p.reader !== null) ||
    (s.httu?.writeback.some((w) => w.reader !== null) ?? false)
  );
}

/**
 * The SRCU callback of each put notifier, once no SRCU reader is left (the grace period ended);
 * `mmdropped`: what __mmdrop does besides freeing, when the callback's mmdrop was the last.
 */
export function srcuFreeStep(free_cd_in: FreeCdIn = FREE_CD_IN, mmdropped?: MmputTail['mmdropped']): AnyStep<State> {
  return step<State, [MmId, NotifierId]>({
    name: 'mmu_notifier_free_rcu',
    doc: 'mm/mmu_notifier.c mmu_notifier_free_rcu after the SRCU grace period: ops->free_notifier (arm_smmu_mmu_notifier_free), then mmdrop',
    source: 'mm/mmu_notifier.c:846-855 (c2818c9a0876); drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:218-221 (v5.13-rc6) (arm_smmu_mmu_notifier_free)',
    locks: 'none (an SRCU callback, after the grace period)',
    choices: (s) => (srcuReading(s) ? [] : s.mms.flatMap((m, mm) => m.srcu_pending.map((id): [MmId, NotifierId] => [mm as MmId, id]))),
    apply: (d, _self, [, id]) => {
      const freed = arm_smmu_mmu_notifier_free(svaView(d), id, { free_cd_in });
      if (freed !== null) mmdropped?.(d, freed);
    },
    showChoice: ([mm, id]) => `mm ${mm} notifier ${id}`,
  });
}

export function mmProcesses(c: IopfParams): Process<State>[] {
  const processes: Process<State>[] = [];
  const owner = processSteps(c);
  if (owner.length > 0) {
    processes.push({ name: 'process', instances: ownedMms(c), pc: (s, self) => s.procs[self]!.pc, steps: owner });
  }
  processes.push({
    name: 'exit_mmap',
    instances: ownedMms(c),
    pc: (s, self) => s.exit_mmap[self]!.pc,
    steps: exitMmapSteps(c),
  });
  if (c.smmu) {
    if (c.cpus > 0) processes.push(cpuProcess(c));
    if (c.iovas > 0) processes.push(dmaApiProcess(c));
    if (c.msi) processes.push(...msiProcesses(c.msi).map((p) => focusProcess(p, (s: State) => s.msi[0]!)));
    if (c.httu) processes.push(writebackProcess(c));
    if (c.attach) processes.push(attachProcess(c));
    processes.push({ name: 'srcu', instances: 1, steps: [srcuFreeStep()] });
    // One consumer per SMMU (instance k performs SMMU k's queue).
    processes.push({
      name: 'smmu_cmdq',
      instances: nrSmmus(c),
      steps: [
        step<State, number>({
          name: 'arm_smmu_cmdq_consume',
          doc: 'the SMMU performs a queued command of its own queue: any one before the first CMD_SYNC, or that sync once all before it are done',
          source: 'hardware',
          locks: 'none (the SMMU)',
          choices: (s, self) => (c.cmdq === 'fifo' ? cmdq_consumable_fifo(s.arm_smmu, self as SmmuId) : cmdq_consumable(s.arm_smmu, self as SmmuId)),
          apply: (d, self, i) => arm_smmu_cmdq_consume(d.arm_smmu, self as SmmuId, i),
          showChoice: (i) => `cmd ${i}`,
        }),
      ],
    });
  }
  if (c.nextProcess && c.mms === 0) {
    processes.push({
      name: 'next_process',
      instances: 1,
      pc: (s) => s.next_process,
      steps: [
        step<State, Pasid>({
          name: 'iommu_sva_alloc_pasid',
          at: 'waiting',
          doc: 'iommu-sva-lib.c iommu_sva_alloc_pasid for another process: ioasid_alloc gives it a PASID value freed by an unbind',
          source: 'drivers/iommu/iommu-sva-lib.c:26-50 (87ea6a1e395a); drivers/iommu/ioasid.c:305-347 (v5.13-rc6) (ioasid_alloc)',
          locks: 'iommu_sva_lock, ioasid_allocator_lock',
          choices: (s) => s.ioasid.xa.flatMap((a, i) => (i > 0 && a === null && s.ioasid_reused[i] ? [asPasid(i)] : [])),
          apply: (d, _self, pasid) => {
            const mm = nextMm(c);
            d.mms[mm] = mm_init(mmConfig(c), vmLayout(c));
            ioasid_alloc(d.ioasid, IOMMU_SVA_PASID_SET, pasid, pasid, mm, { kind: 'mm' });
            d.mms[mm]!.pasid = pasid;
            d.procs[mm]!.pc = 'running';
            d.next_process = 'bound';
          },
          showChoice: (p) => `pasid ${p}`,
        }),
      ],
    });
  }
  return processes;
}

export { mmCount };
