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
import type { MsiState } from '../../model/msi-iommu/model.ts';

const run = (model: typeof msi, params: object) => explore(compile(model, msi.params.parse(params)));

describe('MSI geometry (seed 002)', () => {
  it('with the patch\'s 0/0, a get_attr that loads start before the set and end after it returns [0, end): valid and never set', () => {
    const r = run(msi, geometry.params);
    expect(r.kind).toBe('violation');
    if (r.kind !== 'violation') return;
    const v = r.violations[0]!;
    expect(v.property).toBe('msi-geometry-consistent');
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
    expect(r.kind === 'violation' && r.violations[0]!.property).toBe('msi-geometry-consistent');
  });

  it('a fixed aperture is never torn: nothing sets it (and so no read comes between two stores)', () => {
    const r = explore(compile(msi, msi.params.parse({ ...geometry.params, programmable: false })), { continueAfterViolation: true });
    expect(r.kind === 'violation' ? r.violations.map((v) => v.property) : []).toEqual(['read-between-stores']);
  });
});
