// The ordered reader of msi-aperture-ordered against a setter without its smp_wmb: plain stores,
// which arm64 may make visible to another CPU in either order. The reader loads end first, sees the
// new end before the new start, and returns [0, end) of the 0/0 aperture: valid and never set.
import { defineVariant } from '../../../explorer/variant.ts';
import { getAttrFirstLoadStep, setFirstStep, type MsiParams, type MsiState } from '../../../model/msi-iommu/model.ts';

export default defineVariant<MsiState, MsiParams>({
  id: 'msi-aperture-unordered',
  title: "the ordered reader against a setter whose two stores are seen in either order (no smp_wmb)",
  source: 'seed 002 (iommu_msi_set_aperture: two plain stores); Documentation/memory-barriers.txt: without a write barrier, another CPU may perceive the stores in any order',
  description:
    'The reader does its part (end, smp_rmb, start), but the setter has no barrier: the end store reaches the reader first and get_attr returns [0, 4), which no call set (msi-geometry-never-torn, 4 steps, as in the baseline, where the reader is the unordered one). The barrier pair is needed on both sides.',
  model: 'msi',
  expect: { violates: [], config: 'msi-geometry' },
  steps: {
    replace: {
      'msi_setter/iommu_msi_set_aperture/first': (c: MsiParams) => setFirstStep(c, ['aperture_start', 'aperture_end']),
      'msi_reader/iommu_domain_get_attr/first_load': (c: MsiParams) => getAttrFirstLoadStep(c, ['aperture_end']),
    },
  },
});
