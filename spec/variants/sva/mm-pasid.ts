// The PASID as the mm's own from v5.18 (701fac40384f "iommu/sva: Assign a PASID to mm on PASID
// allocation and free it on mm exit", with a6cbd44093ef "kernel/fork: Initialize mm's PASID"):
// mm->pasid starts as INVALID_IOASID, iommu_sva_alloc_pasid takes no reference per bond, nothing
// frees the PASID at unbind, and mm_pasid_drop frees it with the mm. Where mm_pasid_drop runs is
// what the two variants built from these pieces differ in. Not a variant itself.
import { produce, type Draft } from 'immer';
import { step, type AnyStep, type Model } from '../../../explorer/model.ts';
import type { SvaOpts } from '../../../model/arm-smmu-v3/sva-notifier.ts';
import { INVALID_IOASID, ioasid_alloc, ioasid_put, type IoasidHolder } from '../../../model/ioasid/ioasid.ts';
import type { MmId, Pasid } from '../../../model/ids.ts';
import { IOMMU_SVA_PASID_SET, type AllocPasidRet, type SvaLibView } from '../../../model/iommu-sva/iommu-sva-lib.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { bindRegisterStep, bindStep, seizeEndStep, freePasidStep } from '../../../model/sva/driver-sva.ts';
import { notePasidPut } from '../../../model/sva/pasid.ts';
import { FREE_CD_IN } from '../../../model/sva/processes.ts';

/** The mm's own reference of its PASID (the ghost holder). */
const MM_HOLDER: IoasidHolder = { kind: 'mm' };

/** include/linux/ioasid.h pasid_valid(): `return ioasid != INVALID_IOASID;` */
const pasid_valid = (pasid: number): boolean => pasid !== INVALID_IOASID;

/**
 * iommu_sva_alloc_pasid(mm, min, max) from 701fac40384f: "Is a PASID already associated with this
 * mm?" then `if (mm->pasid < min || mm->pasid >= max) ret = -EOVERFLOW;` (no reference taken; the
 * `>=` rejects the range's last PASID, which ioasid_alloc hands out: `> max` from v6.4), else
 * ioasid_alloc and mm_pasid_set.
 */
export function iommu_sva_alloc_pasid_v518(d: SvaLibView, mm: MmId, min: number, max: number): AllocPasidRet {
  // No reference per caller: the mm holds its PASID until mm_pasid_drop.
  if (min === INVALID_IOASID || max === INVALID_IOASID || min === 0 || max < min) return '-EINVAL';
  const m = d.mms[mm]!;
  if (pasid_valid(m.pasid)) return m.pasid < min || m.pasid >= max ? '-EOVERFLOW' : 0;
  const pasid = ioasid_alloc(d.ioasid, IOMMU_SVA_PASID_SET, min, max, mm, MM_HOLDER);
  if (pasid === INVALID_IOASID) return '-ENOMEM';
  m.pasid = pasid;
  return 0;
}

/**
 * include/linux/sched/mm.h mm_pasid_drop(mm): `if (pasid_valid(mm->pasid)) { ioasid_free(mm->pasid);
 * mm->pasid = INVALID_IOASID; }`. The ghosts: every fault still naming the PASID is now stale.
 */
export function mm_pasid_drop(d: Draft<State>, mm: MmId): void {
  const m = d.mms[mm]!;
  const pasid = m.pasid;
  if (!pasid_valid(pasid)) return;
  ioasid_put(d.ioasid, pasid as Pasid, MM_HOLDER);
  m.pasid = INVALID_IOASID;
  notePasidPut(d, pasid, true);
}

/** The bind's PASID helpers of 701fac40384f: no reference per bond, no err_free_pasid. */
export const pasidOpts: Partial<SvaOpts> = { iommu_sva_alloc_pasid: iommu_sva_alloc_pasid_v518, iommu_sva_free_pasid: null };

/** arm_smmu_sva_unbind from 701fac40384f: list_del, arm_smmu_mmu_notifier_put, kfree(bond). */
function unbindTailStep(): AnyStep<State> {
  const base = freePasidStep(FREE_CD_IN, null);
  return step<State>({
    ...base,
    name: 'arm_smmu_sva_unbind/kfree',
    doc: 'after the put\'s syncs: kfree(bond); mmu_notifier_put (call_srcu), [free_shared_cd]; mutex_unlock(sva_lock): the PASID stays with the mm',
    source: '701fac40384f arm_smmu_sva_unbind (iommu_sva_free_pasid(bond->mm) removed)',
  });
}

/** The bind and unbind steps of 701fac40384f, by the baseline's step names. */
export const bindUnbindSteps = {
  'driver/__arm_smmu_sva_bind': (c: IopfParams) => bindStep(c, pasidOpts),
  'driver/arm_smmu_share_asid/xa_erase': (c: IopfParams) => seizeEndStep(c, pasidOpts),
  'driver/arm_smmu_mmu_notifier_get/mmu_notifier_register': (c: IopfParams) => bindRegisterStep(c, undefined, pasidOpts),
  'driver/iommu_sva_free_pasid': () => unbindTailStep(),
} as const;

/** kernel/fork.c mm_init → mm_pasid_init (a6cbd44093ef): `mm->pasid = INVALID_IOASID;` */
export function mmPasidInit(m: Model<State, IopfParams>): Model<State, IopfParams> {
  return {
    ...m,
    init: (c) =>
      m.init(c).map((s) =>
        produce(s, (d) => {
          for (const mm of d.mms) mm.pasid = INVALID_IOASID;
        }),
      ),
  };
}
