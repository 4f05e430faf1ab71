// The MSI geometry of seed 002 (model msi): the review's rule against the patch's 0/0 unset aperture,
// the unset value that makes the first set safe, and the reprogramming that stays torn.
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/bfs.ts';
import { compile } from '../../explorer/compile.ts';
import { applyVariant } from '../../explorer/variant.ts';
import msi from '../../spec/msi.ts';
import geometry from '../../spec/configs/msi-geometry.json' with { type: 'json' };
import reprogram from '../../spec/configs/msi-reprogram.json' with { type: 'json' };
import unsetStartMax from '../../spec/variants/msi/unset-start-max.ts';
import apertureOrdered from '../../spec/variants/msi/aperture-ordered.ts';
import apertureUnordered from '../../spec/variants/msi/aperture-unordered.ts';
import { expectedVerdict, verdictOf } from '../../explorer/verdict.ts';
import type { MsiState } from '../../model/msi-iommu/model.ts';

const run = (model: typeof msi, params: object) => explore(compile(model, msi.params.parse(params)));

describe('MSI geometry (seed 002)', () => {
  it('with the patch\'s 0/0, a get_attr that loads start before the set and end after it returns [0, end): valid and never set', () => {
    const r = run(msi, geometry.params);
    expect(r.kind).toBe('violation');
    if (r.kind !== 'violation') return;
    const v = r.violations[0]!;
    expect(v.property).toBe('msi-geometry-never-torn');
    expect(v.trace.map((t) => t.move?.step).slice(1)).toEqual([
      'iommu_domain_get_attr/first_load',
      'iommu_msi_set_aperture/first',
      'iommu_msi_set_aperture/second',
      'iommu_domain_get_attr/second_load',
    ]);
    const last = v.trace.at(-1)!.state as MsiState;
    expect(last.geometry).toMatchObject({ aperture_start: 2, aperture_end: 4 });
  });

  it(`${unsetStartMax.id}: start = max, end = 0 makes every read of the first set invalid or the aperture itself`, () => {
    expect(run(applyVariant(msi, unsetStartMax), geometry.params).kind).toBe('ok');
  });

  it(`${unsetStartMax.id} does not cover reprogramming: the second set is read as [new start, old end)`, () => {
    const r = run(applyVariant(msi, unsetStartMax), reprogram.params);
    expect(r.kind === 'violation' && r.violations[0]!.property).toBe('msi-geometry-never-torn');
  });

  const known = geometry.expect.findings.map((f) => f.property);
  const all = (model: typeof msi, params: object) => explore(compile(model, msi.params.parse(params)), { continueAfterViolation: true });

  it(`${apertureOrdered.id}: with both barriers, every read of the first set of the 0/0 aperture is invalid or the aperture: all hold`, () => {
    const r = all(applyVariant(msi, apertureOrdered), geometry.params);
    expect(r.kind).toBe('ok');
    expect(verdictOf(r, known)).toEqual(expectedVerdict(apertureOrdered.expect, known));
  });

  it(`${apertureOrdered.id} still tears a reprogramming: the old end with the new start`, () => {
    const r = run(applyVariant(msi, apertureOrdered), reprogram.params);
    expect(r.kind === 'violation' && r.violations[0]!.property).toBe('msi-geometry-never-torn');
    const last = r.kind === 'violation' ? (r.violations[0]!.trace.at(-1)!.state as MsiState) : undefined;
    // Between the second set's two stores: [1, 4), neither [2, 4) nor [1, 3).
    expect(last?.geometry).toMatchObject({ aperture_start: 1, aperture_end: 4 });
  });

  it(`${apertureUnordered.id}: without the setter's barrier the ordered reader sees the new end first (msi-geometry-never-torn)`, () => {
    const r = run(applyVariant(msi, apertureUnordered), geometry.params);
    expect(r.kind === 'violation' && r.violations[0]!.property).toBe('msi-geometry-never-torn');
    const steps = r.kind === 'violation' ? r.violations[0]!.trace.map((t) => t.move?.step).slice(1) : [];
    expect(steps).toEqual(['iommu_msi_set_aperture/first', 'iommu_domain_get_attr/first_load', 'iommu_domain_get_attr/second_load']);
    expect(verdictOf(all(applyVariant(msi, apertureUnordered), geometry.params), known)).toEqual(expectedVerdict(apertureUnordered.expect, known));
  });

  it('a fixed aperture is never torn: nothing sets it (and so no read comes between two stores)', () => {
    const r = explore(compile(msi, msi.params.parse({ ...geometry.params, programmable: false })), { continueAfterViolation: true });
    expect(r.kind === 'violation' ? r.violations.map((v) => v.property) : []).toEqual(['read-between-stores']);
  });
});
