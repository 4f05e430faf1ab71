import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ioasid_init } from '../../model/ioasid/ioasid.ts';
import type { MmId, Pasid } from '../../model/ids.ts';
import {
  IOMMU_SVA_PASID_SET,
  iommu_sva_alloc_pasid,
  iommu_sva_find,
  iommu_sva_free_pasid,
  type SvaLibView,
} from '../../model/iommu-sva/iommu-sva-lib.ts';
import { mm_init, mmdrop, mmput } from '../../model/mm/mm.ts';
import type { IoasidHolder } from '../../model/ioasid/ioasid.ts';

/** The PASID reference of device 0's bond. */
const B: IoasidHolder = { kind: 'bond', dev: 0 };

const mmCfg = { nr_pages: 1, max_pasid: 3, max_asid: 7, max_context_id: 31, max_notifiers: 2, max_refs: 8, max_dev: 1 };
const mm = (n: number) => n as MmId;
const system = (nr_ids = 4): SvaLibView => ({
  ioasid: ioasid_init({ nr_ids, max_private: 1, max_set: 1, max_refs: 8, max_dev: 1 }),
  mms: [mm_init(mmCfg, ['rw']), mm_init(mmCfg, ['rw'])],
});

describe('iommu_sva_alloc_pasid', () => {
  it('rejects min == 0, max < min and INVALID_IOASID bounds with -EINVAL', () => {
    const d = system();
    expect(iommu_sva_alloc_pasid(d, mm(0), 0, 3, B)).toBe('-EINVAL');
    expect(iommu_sva_alloc_pasid(d, mm(0), 3, 2, B)).toBe('-EINVAL');
    expect(iommu_sva_alloc_pasid(d, mm(0), -1, 3, B)).toBe('-EINVAL');
    expect(d.mms[0]!.pasid).toBe(0);
  });

  it('allocates on the first bind and takes one ioasid reference per later bind', () => {
    const d = system();
    expect(iommu_sva_alloc_pasid(d, mm(0), 1, 3, B)).toBe(0);
    expect(d.mms[0]!.pasid).toBe(1);
    expect(d.ioasid.xa[1]).toMatchObject({ set: IOMMU_SVA_PASID_SET, private: 0, refs: 1 });
    expect(iommu_sva_alloc_pasid(d, mm(0), 1, 3, B)).toBe(0);
    expect(d.ioasid.xa[1]?.refs).toBe(2);
  });

  it('returns -EOVERFLOW, taking no reference, when mm->pasid is outside the device range', () => {
    const d = system();
    iommu_sva_alloc_pasid(d, mm(1), 1, 3, B); // mm 1 takes PASID 1
    iommu_sva_alloc_pasid(d, mm(0), 1, 3, B); // mm 0 takes PASID 2
    expect(iommu_sva_alloc_pasid(d, mm(0), 1, 1, B)).toBe('-EOVERFLOW');
    expect(d.ioasid.xa[2]?.refs).toBe(1);
  });

  it('returns -ENOMEM when the PASID space is full', () => {
    const d = system(2); // only PASID 1
    expect(iommu_sva_alloc_pasid(d, mm(0), 1, 3, B)).toBe(0);
    expect(iommu_sva_alloc_pasid(d, mm(1), 1, 3, B)).toBe('-ENOMEM');
    expect(d.mms[1]!.pasid).toBe(0);
  });
});

describe('iommu_sva_free_pasid', () => {
  it('clears mm->pasid only when the last reference goes; the PASID is then reusable by another mm', () => {
    const d = system();
    iommu_sva_alloc_pasid(d, mm(0), 1, 3, B);
    iommu_sva_alloc_pasid(d, mm(0), 1, 3, B);
    iommu_sva_free_pasid(d, mm(0), B);
    expect(d.mms[0]!.pasid).toBe(1);
    iommu_sva_free_pasid(d, mm(0), B);
    expect(d.mms[0]!.pasid).toBe(0);
    expect(iommu_sva_alloc_pasid(d, mm(1), 1, 3, B)).toBe(0);
    expect(d.mms[1]!.pasid).toBe(1);
  });

  it('an unbalanced free puts PASID 0, which ioasid reports as unknown', () => {
    const d = system();
    iommu_sva_free_pasid(d, mm(0), B);
    expect(d.ioasid.warnings).toEqual(['ioasid_put-unknown']);
  });
});

describe('iommu_sva_find', () => {
  it('returns the mm with mm_users raised (mmget_not_zero)', () => {
    const d = system();
    iommu_sva_alloc_pasid(d, mm(1), 1, 3, B);
    expect(iommu_sva_find(d, 1 as Pasid)).toBe(1);
    expect(d.mms[1]!.users).toBe(2);
  });

  it('returns NULL once the mm is exiting, and -ENOENT once the PASID is freed', () => {
    const d = system();
    iommu_sva_alloc_pasid(d, mm(0), 1, 3, B);
    mmput(d.mms[0]!);
    expect(iommu_sva_find(d, 1 as Pasid)).toBeNull();
    expect(d.mms[0]!.users).toBe(0);
    iommu_sva_free_pasid(d, mm(0), B);
    expect(iommu_sva_find(d, 1 as Pasid)).toBe('-ENOENT');
  });

  it('records a use-after-free when the PASID outlives its mm_struct', () => {
    const d = system();
    iommu_sva_alloc_pasid(d, mm(0), 1, 3, B);
    mmput(d.mms[0]!);
    mmdrop(d.mms[0]!, { kind: 'users' });
    expect(iommu_sva_find(d, 1 as Pasid)).toBeNull();
    expect(d.mms[0]!.warnings).toContain('use-after-free');
  });
});

describe('PASID 0 is never allocated', () => {
  it('holds for any sequence of allocs and frees through the helpers', () => {
    const op = fc.record({ mm: fc.integer({ min: 0, max: 1 }), alloc: fc.boolean(), min: fc.integer({ min: 0, max: 3 }) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 10 }), (ops) => {
        const d = system();
        for (const o of ops) {
          if (o.alloc) iommu_sva_alloc_pasid(d, mm(o.mm), o.min, 3, B);
          else if (d.mms[o.mm]!.pasid) iommu_sva_free_pasid(d, mm(o.mm), B);
        }
        expect(d.ioasid.xa[0]).toBeNull();
        // mm->pasid is set exactly while its ioasid is allocated to that mm
        d.mms.forEach((m, i) => {
          if (m.pasid) expect(d.ioasid.xa[m.pasid]?.private).toBe(i);
        });
        expect(d.ioasid.warnings).toEqual([]);
      }),
    );
  });
});
