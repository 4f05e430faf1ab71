// The encoding of "not set" that makes the review's rule hold for the first iommu_msi_set_aperture:
// aperture_start at its largest value and aperture_end 0, instead of the patch's 0/0. A reader that
// mixes the old and the new aperture then gets (max, new end) or (new start, 0): invalid either way,
// whatever order the stores and loads come in. Reprogramming a set aperture is still torn.
import { defineVariant } from '../../../explorer/variant.ts';
import type { MsiParams, MsiState } from '../../../model/msi-iommu/model.ts';

export default defineVariant<MsiState, MsiParams>({
  id: 'msi-unset-start-max',
  title: 'an unset programmable aperture is start = max, end = 0 (not 0/0)',
  source: 'seed 002: the patch ("In case the aperture is programmable, start/end are set to 0") and Alex Williamson\'s rule ("start >= end is invalid"); the encoding is this model\'s proposal',
  description:
    'At msi-geometry (one set) every get_attr returns an invalid range or the aperture set: the finding there is fixed. At msi-reprogram the second set can still be read torn, ([1, 4) between [2, 4) and [1, 3)).',
  model: 'msi',
  expect: { violates: [], fixes: ['msi-geometry-never-torn'], config: 'msi-geometry' },
  transform: (m) => ({ ...m, init: (c) => m.init({ ...c, unset: 'max' }) }),
});
