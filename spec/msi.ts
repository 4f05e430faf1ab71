// The model `msi`: one IOMMU domain's MSI geometry (seed 002), its setter and a concurrent
// iommu_domain_get_attr caller (model/msi-iommu/), checked against the review's rule that a reader
// sees "different versions of invalid, but it will always be invalid or valid".
import type { Invariant, Model, Witness } from '../explorer/model.ts';
import { MSI_READS_DONE, msiCodec, msiInit, msiParams, msiProcesses, type MsiParams, type MsiState } from '../model/msi-iommu/model.ts';
import { msi_aperture_valid } from '../model/msi-iommu/msi-iommu.ts';

export const msiGeometryNeverTorn: Invariant<MsiState> = {
  name: 'msi-geometry-never-torn',
  description: 'iommu_domain_get_attr(DOMAIN_ATTR_MSI_GEOMETRY) returns an invalid range (start >= end) or an aperture that was set, never a valid mix of two',
  source: 'seed 002, Alex Williamson: "We can always define that start >= end is invalid and set them in the right order that iommu_domain_get_attr() may get different versions of invalid, but it will always be invalid or valid."',
  holds: (s) => !s.tornRead,
};

const witnesses: readonly Witness<MsiState, MsiParams>[] = [
  {
    name: 'read-between-stores',
    description: 'get_attr loads a field while iommu_msi_set_aperture is between its two stores (guards msi-geometry-never-torn)',
    source: 'seed 002 ("the possible race between the set_aperture (msi_iommu) and the get_attr (iommu)")',
    reached: (s) => s.setter.pc === 'second' && s.reader.pc === 'second',
  },
  {
    name: 'valid-aperture-read',
    description: 'a get_attr returns a valid aperture (the caller maps its doorbells there)',
    source: 'seed 002',
    reached: (s) => {
      const r = s.reader;
      if (r.pc !== 'second') return false;
      return r.first === 'aperture_start' ? msi_aperture_valid(r.value, s.geometry.aperture_end) : msi_aperture_valid(s.geometry.aperture_start, r.value);
    },
  },
];

const msi: Model<MsiState, MsiParams> = {
  name: 'msi',
  description: "one IOMMU domain's MSI doorbell geometry: iommu_msi_set_aperture's two stores against iommu_domain_get_attr's two loads",
  follows: 'seed 002: msi-iommu.c of "KVM PCIe/MSI passthrough on ARM/ARM64" v8 (Eric Auger, 2016) and its review',
  params: msiParams,
  init: (c) => [msiInit(c)],
  codec: msiCodec,
  processes: (c) => msiProcesses(c),
  invariants: [msiGeometryNeverTorn],
  witnesses,
  isFinal: (s, c) => MSI_READS_DONE(c)(s),
};

export default msi;
