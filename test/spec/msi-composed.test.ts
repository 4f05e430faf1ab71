// The MSI geometry composed into the sva model (param `msi`), whose two users the search expands
// alone while they can move (Model.independent): the same verdicts and shortest counterexamples as
// the search without the reduction, and the promise itself checked step by step.
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/bfs.ts';
import { compile } from '../../explorer/compile.ts';
import sva from '../../spec/sva.ts';
import alloc from '../../spec/configs/sva-alloc.json' with { type: 'json' };
import dflt from '../../spec/configs/default.json' with { type: 'json' };

const withMsi = sva.params.parse({ ...alloc.params, allocFailures: false, exit: false, msi: { sets: 1, reads: 1 } });
const lengths = (r: ReturnType<typeof explore>) => (r.kind === 'violation' ? r.violations.map((v) => `${v.property}:${v.length}`).sort() : []);

describe('MSI geometry in the sva model', () => {
  it('sva-alloc without its allocation failures and exit, with the MSI geometry: the same violations at the same lengths with and without the reduction, in a fraction of the states', () => {
    const full = explore(compile(sva, withMsi), { continueAfterViolation: true, por: false });
    const reduced = explore(compile(sva, withMsi), { continueAfterViolation: true });
    expect(lengths(reduced)).toEqual(lengths(full));
    expect(lengths(reduced)).toContain('msi-geometry-never-torn:4');
    expect(reduced.stats.distinctStates * 3).toBeLessThan(full.stats.distinctStates);
    expect(reduced.stats.liveness).toMatchObject({ checked: true });
  });

  it('the MSI users commute with every other step of the default config and no property sees both (first 12 steps, unreduced)', () => {
    const r = explore(compile(sva, sva.params.parse(dflt.params)), { checkIndependence: true, maxDepth: 12, continueAfterViolation: true, liveness: false });
    expect(r.stats.distinctStates).toBeGreaterThan(1000);
  });
});
