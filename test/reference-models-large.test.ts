// The larger rows of shared/peers/REFERENCE-MODELS.md (over 100,000 and up to ~850,000
// distinct states): distinct states and transitions (TLC "states generated") as SPIN -DNOREDUCE and
// TLC measured them. Larger rows (prodcons N=3 K=7 at 839,680, iopf G=3 at 889,497, and the rows of several million states) are
// left to the benchmarks: `npm run bench` checks their counts and `npm run bench:peers` runs SPIN
// beside sva-check on them. The small rows, variants and oracle are in reference-models.test.ts.
import { describe, expect, it } from 'vitest';
import { explore } from '../explorer/bfs.ts';
import { compile } from '../explorer/compile.ts';
import type { AnyModel } from '../explorer/model.ts';
import iopf from './models/iopf-pipeline.ts';
import peterson from './models/peterson.ts';

interface Row {
  model: AnyModel;
  params: Record<string, number>;
  distinct: number;
  transitions: number;
}

const ROWS: Row[] = [
  { model: peterson, params: { N: 5 }, distinct: 223_105, transitions: 741_066 },
  { model: iopf, params: { D: 2, F: 2, Q: 2, W: 3, G: 2 }, distinct: 122_836, transitions: 533_693 },
  // Measured with SPIN only (distinct states): REFERENCE-MODELS.md, "Other sizes".
  { model: iopf, params: { D: 2, F: 3, Q: 2, W: 2, G: 2 }, distinct: 156_164, transitions: 597_281 },
];

const show = (params: Record<string, number>): string =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

describe('reference models match the SPIN/TLC counts (large rows)', () => {
  for (const row of ROWS) {
    it(`${row.model.name} ${show(row.params)}: ${row.distinct} distinct, ${row.transitions} transitions`, { timeout: 180_000 }, () => {
      const result = explore(compile(row.model, row.model.params.parse(row.params)), { liveness: false });
      expect(result.kind).toBe('ok');
      expect(result.stats.distinctStates).toBe(row.distinct);
      expect(result.stats.statesGenerated).toBe(row.transitions);
    });
  }
});
