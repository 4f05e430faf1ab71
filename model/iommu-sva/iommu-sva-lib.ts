// drivers/iommu/iommu-sva-lib.c, v5.11-v5.16 (per-bind PASID refcount; kernel-notes 1b): the PASID
// helpers of seed 001 patch 3, "iommu/sva: Add PASID helpers", calling into model/ioasid and
// reading and writing mm->pasid.
// No state of its own: mm->pasid lives in the mm slice, the ids in the ioasid slice; the
// iommu_sva_lock mutex is implicit because each helper runs inside one atomic step (it takes no
// other sleeping lock and never waits). Leaves out: nothing of these three functions.
import {
  INVALID_IOASID,
  ioasid_alloc,
  ioasid_find,
  ioasid_get,
  ioasid_put,
  type IoasidHolder,
  type IoasidState,
} from '../ioasid/ioasid.ts';
import type { MmId, Pasid } from '../ids.ts';
import { mmAccess, mmget_not_zero, type MmStruct } from '../mm/mm.ts';

/** static DECLARE_IOASID_SET(iommu_sva_pasid): the set every SVA PASID belongs to. */
export const IOMMU_SVA_PASID_SET = 1;

/** The slices these helpers touch, as fields of the composed system state. */
export interface SvaLibView {
  ioasid: IoasidState;
  mms: MmStruct[];
}

export type AllocPasidRet = 0 | '-EINVAL' | '-EOVERFLOW' | '-ENOMEM';

/**
 * iommu_sva_alloc_pasid(mm, min, max): "Try to allocate a PASID for this mm, or take a reference to
 * the existing one provided it fits within the [min, max] range." One ioasid reference per call,
 * taken for `holder` (the caller's bond).
 */
export function iommu_sva_alloc_pasid(d: SvaLibView, mm: MmId, min: number, max: number, holder: IoasidHolder): AllocPasidRet {
  if (min === INVALID_IOASID || max === INVALID_IOASID || min === 0 || max < min) return '-EINVAL';
  const m = d.mms[mm]!;
  if (!mmAccess(m)) return '-EINVAL';
  if (m.pasid) {
    if (m.pasid >= min && m.pasid <= max) {
      ioasid_get(d.ioasid, m.pasid as Pasid, holder);
      return 0;
    }
    return '-EOVERFLOW';
  }
  const pasid = ioasid_alloc(d.ioasid, IOMMU_SVA_PASID_SET, min, max, mm, holder);
  if (pasid === INVALID_IOASID) return '-ENOMEM';
  m.pasid = pasid;
  return 0;
}

/** iommu_sva_free_pasid(mm): `if (ioasid_put(mm->pasid)) mm->pasid = 0;` (`holder`'s reference). */
export function iommu_sva_free_pasid(d: SvaLibView, mm: MmId, holder: IoasidHolder): void {
  const m = d.mms[mm]!;
  if (!mmAccess(m)) return;
  if (ioasid_put(d.ioasid, m.pasid as Pasid, holder)) m.pasid = 0;
}

/** The getter iommu_sva_find hands ioasid_find: it takes a user of the mm, or says it cannot. */
export type MmGetter = (mm: MmStruct) => boolean;

/**
 * iommu_sva_find(pasid): ioasid_find(&iommu_sva_pasid, pasid, __mmget_not_zero). The mm comes back
 * with mm_users raised (the caller mmputs it), null when it is exiting, or the ERR_PTR errno.
 */
export function iommu_sva_find(d: SvaLibView, pasid: Pasid, get: MmGetter = mmget_not_zero): MmId | null | '-ENOENT' | '-EACCES' {
  const r = ioasid_find(d.ioasid, IOMMU_SVA_PASID_SET, pasid, (priv) => priv !== null && get(d.mms[priv]!));
  if (r === null || typeof r === 'string') return r;
  return r.priv as MmId;
}
