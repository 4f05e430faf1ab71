// The review's protocol with the barriers it needs on arm64: iommu_msi_set_aperture stores
// WRITE_ONCE(start); smp_wmb(); WRITE_ONCE(end), and get_attr's reader loads READ_ONCE(end);
// smp_rmb(); READ_ONCE(start). A reader that sees the new end then sees the new start, so a mix of
// the 0/0 unset aperture and the first set is (old start, old end) or (new start, old end): invalid.
import { defineVariant } from '../../../explorer/variant.ts';
import { getAttrFirstLoadStep, type MsiParams, type MsiState } from '../../../model/msi-iommu/model.ts';

export default defineVariant<MsiState, MsiParams>({
  id: 'msi-aperture-ordered',
  title: 'ordered stores and loads: start, smp_wmb, end against end, smp_rmb, start',
  source: 'seed 002, Alex Williamson: "set them in the right order that iommu_domain_get_attr() may get different versions of invalid"; the barriers pair as in Documentation/memory-barriers.txt ("SMP barrier pairing")',
  description:
    'At msi-geometry (one set of the 0/0 aperture) every get_attr returns an invalid range or the aperture set: F5 is fixed there, without changing the unset value. Reprogramming is still torn (msi-reprogram): a reader of the old end and the new start gets [1, 4) between [2, 4) and [1, 3).',
  model: 'msi',
  expect: { violates: [], fixes: ['msi-geometry-never-torn'], config: 'msi-geometry' },
  steps: { replace: { 'msi_reader/iommu_domain_get_attr/first_load': (c: MsiParams) => getAttrFirstLoadStep(c, ['aperture_end']) } },
});
