// drivers/iommu/msi-iommu.c and iommu.c's DOMAIN_ATTR_MSI_GEOMETRY as Eric Auger's 2016 series
// proposed them (seed 002: "[PATCH v8 6/8] iommu/msi-iommu: iommu_msi_domain" and Alex Williamson's
// review). A domain's MSI geometry is { aperture_start, aperture_end, programmable }. A programmable
// one starts as 0/0 ("In case the aperture is programmable, start/end are set to 0") and
// iommu_msi_set_aperture writes start and end as two stores, with no lock against
// iommu_domain_get_attr, which copies the two fields as two loads. The review's rule: "We can always
// define that start >= end is invalid and set them in the right order that iommu_domain_get_attr()
// may get different versions of invalid, but it will always be invalid or valid."
// Leaves out, and why: the doorbell IOVA allocation and its mappings (the geometry alone is what the
// race is about), the msi_cookie and iommu_msi_domain's type checks (one domain, programmable or not).
import type { Draft } from 'immer';

export interface Aperture {
  readonly start: number;
  readonly end: number;
}

/** struct iommu_domain_msi_geometry. */
export interface MsiGeometry {
  aperture_start: number;
  aperture_end: number;
  programmable: boolean;
}

/** The review's rule: an aperture is valid when it is not empty. */
export const msi_aperture_valid = (start: number, end: number): boolean => start < end;

/** A field of the geometry, in the order a store or load reaches it. */
export type ApertureField = 'aperture_start' | 'aperture_end';

/** The field iommu_msi_set_aperture stores as `first`, then the other one. */
export function iommu_msi_set_aperture_store(g: Draft<MsiGeometry>, a: Aperture, field: ApertureField): void {
  if (field === 'aperture_start') g.aperture_start = a.start;
  else g.aperture_end = a.end;
}

export const otherField = (f: ApertureField): ApertureField => (f === 'aperture_start' ? 'aperture_end' : 'aperture_start');
