// The mm/PASID side of the fault path: iommu-sva-lib.c's iommu_sva_alloc_pasid / iommu_sva_free_pasid / iommu_sva_find
// (v5.11-v5.16, model/iommu-sva) and mm.h's mmput (model/mm), called on the whole State by device id
// and mm id, with the ghost fields the invariants read: a freed PASID marks every fault still in
// flight for it stale (no-fault-after-pasid-free), and remembers it was freed (the next process may
// get it). The wrappers have names of their own; the kernel names belong to the slices.
// Also the device's accesses: page p of `vmas`, written where a VMA is, read where none is (issue
// 3's table: handled, access fault, no VMA), and with `reads` also read where a VMA is. Leaves out nothing of the three helpers.
import type { Draft } from 'immer';
import { asPasid, type DeviceId, type MmId, type Pasid } from '../ids.ts';
import { iommu_sva_alloc_pasid, iommu_sva_find, iommu_sva_free_pasid, type MmGetter } from '../iommu-sva/iommu-sva-lib.ts';
import { mmput } from '../mm/mm.ts';
import type { IopfParams } from '../params.ts';
import type { IommuFault } from '../iommu/state.ts';
import type { State } from '../state.ts';
import { IOMMU_FAULT_PAGE_REQUEST_PASID_VALID, IOMMU_FAULT_PERM_READ, IOMMU_FAULT_PERM_WRITE, hasFlag } from '../types.ts';

export interface Access {
  readonly addr: number;
  readonly perm: number;
  readonly why: string;
}

/** The accesses a device may request, in the order the `accesses` bound admits them. */
export function accessTable(c: IopfParams): readonly Access[] {
  const pages = c.vmas.slice(0, c.accesses);
  const table = pages.map((vm, page): Access =>
    vm === 'none'
      ? { addr: page, perm: IOMMU_FAULT_PERM_READ, why: `read of page ${page}: no VMA (INVALID)` }
      : { addr: page, perm: IOMMU_FAULT_PERM_WRITE, why: `write to page ${page}: ${vm === 'rw' ? 'handled (SUCCESS)' : 'access fault (INVALID)'}` },
  );
  // Appended, so that the indexes of the writes (and the configs without reads) stay as they were.
  if (c.reads !== true) return table;
  return [...table, ...pages.flatMap((vm, page): Access[] => (vm === 'none' ? [] : [{ addr: page, perm: IOMMU_FAULT_PERM_READ, why: `read of page ${page}: handled (SUCCESS)` }]))];
}

/**
 * iommu-sva-lib.c iommu_sva_alloc_pasid(mm, 1, pasids) with the reference held by the bond of device
 * `dev`: the PASID (mm->pasid), or 0 on error.
 */
export function allocBondPasid(d: Draft<State>, c: IopfParams, dev: DeviceId, mm: MmId): Pasid {
  const ret = iommu_sva_alloc_pasid(d, mm, 1, c.pasids, { kind: 'bond', dev });
  return ret === 0 ? asPasid(d.mms[mm]!.pasid) : asPasid(0);
}

/**
 * iommu_sva_free_pasid(mm) for the bond of device `dev` (`if (ioasid_put(mm->pasid)) mm->pasid = 0`),
 * then the ghosts of notePasidPut: when the value is freed, every request still in flight for it
 * becomes stale and the value is marked reused.
 */
export function freeBondPasid(d: Draft<State>, dev: DeviceId, mm: MmId): void {
  const pasid = d.mms[mm]!.pasid;
  iommu_sva_free_pasid(d, mm, { kind: 'bond', dev });
  if (pasid <= 0) return;
  notePasidPut(d, pasid, d.ioasid.xa[pasid] === null);
}

/**
 * Ghost bookkeeping after ioasid_put on a PASID: freed, it may be handed to another mm, and every
 * fault still naming it is stale; still referenced (another bond), nothing to note.
 */
export function notePasidPut(d: Draft<State>, pasid: number, freed: boolean): void {
  if (!freed) return;
  d.ioasid_reused[pasid] = true;
  forEachFault(d, (f) => {
    if (f.pasid === pasid && hasFlag(f.flags, IOMMU_FAULT_PAGE_REQUEST_PASID_VALID)) f.stale = true;
  });
}

/**
 * iommu_sva_find(pasid) (ioasid_find with __mmget_not_zero) as the fault path uses it: the mm with
 * mm_users raised, or null for every failure (-ENOENT, -EACCES, NULL alike).
 */
export function findPasidMm(d: Draft<State>, pasid: Pasid, get?: MmGetter): MmId | null {
  const r = iommu_sva_find(d, pasid, get);
  return typeof r === 'number' ? r : null;
}

/** mmput(mm) of the mm with id `mm`: the last user starts exit_mmap (model/sva/processes.ts runs it). */
export function mmputById(d: Draft<State>, mm: MmId): void {
  mmput(d.mms[mm]!);
}

/** Every fault record in flight, wherever it is: the hardware queue, lists, groups, workers. */
export function forEachFault(d: Draft<State>, fn: (f: Draft<IommuFault>) => void): void {
  for (const e of d.hwq.entries) if (e.kind === 'ppr') fn(e.fault);
  if (d.priq.evt?.kind === 'ppr') fn(d.priq.evt.fault);
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
