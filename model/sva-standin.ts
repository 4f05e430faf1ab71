// A small stand-in for the mm / PASID side of SVA, until the SVA bind issue replaces it: the PASID
// allocator (ioasid.c's iommu_sva_pasid set, v5.13), iommu-sva-lib.c's iommu_sva_alloc_pasid /
// iommu_sva_free_pasid / iommu_sva_find (ioasid_find with the __mmget_not_zero getter), mm_users,
// process exit, and a fixed per-mm table of VMAs. Kernel names are kept so the real modules can
// take their place.
//
// Left out, and why: mm_count / mmdrop (the bond keeps the mm_struct alive; only mm_users decides
// whether a fault can be handled), the SMMU's CD, ASID and notifier work at bind, unbind and
// mm_release (issue 4 and later; here release only ends the VMAs' life), VMA changes (munmap):
// the table is fixed, and handle_mm_fault never fails once the VMA check passed (VM_FAULT_ERROR
// would only give another INVALID, which a read-only page already gives).
import type { Draft } from 'immer';
import type { IopfParams } from './params.ts';
import { mmOfDevice, nextMm } from './layout.ts';
import type { IommuFault, State } from './state.ts';
import {
  IOMMU_FAULT_PERM_EXEC,
  IOMMU_FAULT_PERM_READ,
  IOMMU_FAULT_PERM_WRITE,
  VM_EXEC,
  VM_READ,
  VM_WRITE,
  asPasid,
  type MmId,
  type Pasid,
} from './types.ts';
import { step, type Process } from '../explorer/model.ts';

/** The accesses a device may request, in the order the `accesses` bound admits them. */
export const ACCESS_TABLE: readonly { readonly addr: number; readonly perm: number; readonly why: string }[] = [
  { addr: 0, perm: IOMMU_FAULT_PERM_WRITE, why: 'write to a read-write page: handled (SUCCESS)' },
  { addr: 1, perm: IOMMU_FAULT_PERM_WRITE, why: 'write to a read-only page: access fault (INVALID)' },
  { addr: 2, perm: IOMMU_FAULT_PERM_READ, why: 'read of an unmapped address: no VMA (INVALID)' },
];

/** vm_flags of the VMA covering `addr` in every modelled mm, or null where nothing is mapped. */
export function findVma(addr: number): number | null {
  switch (addr) {
    case 0:
      return VM_READ | VM_WRITE;
    case 1:
      return VM_READ;
    default:
      return null;
  }
}

/** iopf_handle_single's access check: PERM_* → VM_* and `access_flags & ~vma->vm_flags`. */
export function accessAllowed(fault: IommuFault, vmFlags: number): boolean {
  let access = 0;
  if (fault.perm & IOMMU_FAULT_PERM_READ) access |= VM_READ;
  if (fault.perm & IOMMU_FAULT_PERM_WRITE) access |= VM_WRITE;
  if (fault.perm & IOMMU_FAULT_PERM_EXEC) access |= VM_EXEC;
  return (access & ~vmFlags) === 0;
}

/**
 * iommu_sva_alloc_pasid(mm, 1, max): under iommu_sva_lock, reuse mm->pasid with ioasid_get (one
 * reference per bind) or ioasid_alloc the lowest free value. Returns the PASID, or 0 when none is free.
 */
export function iommu_sva_alloc_pasid(d: Draft<State>, mm: MmId): Pasid {
  const m = d.mms[mm]!;
  if (m.pasid !== 0) {
    d.ioasid[m.pasid - 1]!.refs++;
    return m.pasid;
  }
  const free = d.ioasid.findIndex((a) => a.mm === null);
  if (free < 0) return asPasid(0);
  const pasid = asPasid(free + 1);
  d.ioasid[free] = { mm, refs: 1, reused: d.ioasid[free]!.reused };
  m.pasid = pasid;
  return pasid;
}

/**
 * iommu_sva_free_pasid(mm): `if (ioasid_put(mm->pasid)) mm->pasid = 0`. The value is reusable at
 * once. Ghost: every request still in flight for it becomes stale, for no-fault-after-pasid-free.
 */
export function iommu_sva_free_pasid(d: Draft<State>, mm: MmId): void {
  const m = d.mms[mm]!;
  const a = d.ioasid[m.pasid - 1]!;
  a.refs--;
  if (a.refs > 0) return;
  const pasid = m.pasid;
  d.ioasid[pasid - 1] = { mm: null, refs: 0, reused: true };
  m.pasid = asPasid(0);
  forEachFault(d, (f) => {
    if (f.pasid === pasid && (f.flags & 1) !== 0) f.stale = true;
  });
}

/** iommu_sva_find(pasid): ioasid_find with __mmget_not_zero; the mm with mm_users raised, or null. */
export function iommu_sva_find(d: Draft<State>, pasid: Pasid): MmId | null {
  const a = d.ioasid[pasid - 1];
  if (a === undefined || a.mm === null) return null;
  const m = d.mms[a.mm]!;
  if (m.users === 0) return null;
  m.users++;
  return a.mm;
}

/** mmput(mm): the last user runs exit_mmap (and the SMMU's mm_release, "smmu_mm_release" in the traces). */
export function mmput(d: Draft<State>, mm: MmId): void {
  d.mms[mm]!.users--;
}

/** Every fault record in flight, wherever it is: the hardware queue, lists, groups, workers. */
export function forEachFault(d: Draft<State>, fn: (f: Draft<IommuFault>) => void): void {
  for (const e of d.hwq.entries) if (e.kind === 'ppr') fn(e.fault);
  if (d.priq.pc === 'nobody_cared') fn(d.priq.fault);
  for (const di of d.dev_iommu) {
    di.fault_param?.faults.forEach(fn);
    di.iopf_param?.partial.forEach(fn);
  }
  for (const g of d.queue.wq) {
    g.faults.forEach(fn);
    fn(g.last_fault);
  }
  for (const w of d.workers) {
    if (w.pc === 'idle') continue;
    w.group.faults.forEach(fn);
    fn(w.group.last_fault);
  }
}

/** The bound processes' exits and the next process that may be given a freed PASID. */
export function svaProcesses(c: IopfParams): Process<State>[] {
  const processes: Process<State>[] = [
    {
      name: 'process',
      instances: c.pasids,
      pc: (s, self) => (s.mms[self]!.owner ? 'running' : 'exited'),
      steps: [
        step<State>({
          name: 'do_exit',
          at: 'running',
          doc: 'kernel/exit.c do_exit → exit_mm → mmput: the owner drops its mm_users reference; the last user runs exit_mmap',
          apply: (d, self) => {
            d.mms[self]!.owner = false;
            mmput(d, self as MmId);
          },
        }),
      ],
    },
  ];
  if (c.nextProcess) {
    processes.push({
      name: 'next_process',
      instances: 1,
      pc: (s) => s.next_process,
      steps: [
        step<State, Pasid>({
          name: 'iommu_sva_alloc_pasid',
          at: 'waiting',
          doc: 'iommu-sva-lib.c iommu_sva_alloc_pasid for another process: it gets a PASID value freed by an unbind',
          choices: (s) => s.ioasid.flatMap((a, i) => (a.mm === null && a.reused ? [asPasid(i + 1)] : [])),
          apply: (d, _self, pasid) => {
            const mm = nextMm(c);
            d.ioasid[pasid - 1] = { mm, refs: 1, reused: true };
            d.mms[mm] = { users: 1, owner: true, pasid };
            d.next_process = 'bound';
          },
          showChoice: (p) => `pasid ${p}`,
        }),
      ],
    });
  }
  return processes;
}

export { mmOfDevice };
