// Symmetry reduction declared by a config: the iopf workqueue's workers are interchangeable
// (model/io-pgfault/symmetry.ts). At iopf-stall with two workers, the search keeps one arrangement
// of them: fewer states, the same safety verdicts and shortest counterexample lengths, traces that
// are concrete paths of the unreduced model, and a canonical form the explorer's own check accepts
// on every state.
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/bfs.ts';
import { compile } from '../../explorer/compile.ts';
import { applyWithImmer, enabledMoves } from '../../explorer/compile.ts';
import { encodeToArray } from '../../explorer/codec.ts';
import type { ExploreResult } from '../../explorer/result.ts';
import type { State } from '../../model/state.ts';
import iopf from '../../spec/iopf.ts';
import stall from '../../spec/configs/iopf-stall.json' with { type: 'json' };
import completeGroupAfterFree from '../../spec/variants/iopf/complete-group-after-free.ts';
import { withVariant } from './iopf-helpers.ts';

const twoWorkers = iopf.params.parse({ ...stall.params, workers: 2 });
const symmetric = iopf.params.parse({ ...stall.params, workers: 2, symmetry: ['workers'] });
const safety = (r: ExploreResult<State>) => (r.kind === 'violation' ? r.violations.filter((v) => v.kind !== 'liveness').map((v) => [v.property, v.length]).sort() : []);

describe('symmetry reduction of the iopf workers', () => {
  const full = explore(compile(iopf, twoWorkers), { continueAfterViolation: true });
  const reduced = explore(compile(iopf, symmetric), { continueAfterViolation: true, checkSymmetry: true });

  it('keeps one arrangement of the two workers: fewer states, the same verdicts, the report says so', () => {
    expect(full.stats.distinctStates).toBe(6673);
    expect(reduced.stats.distinctStates).toBe(4376);
    expect(safety(reduced)).toEqual(safety(full));
    expect(reduced.stats.reduction).toMatch(/^symmetry reduction: the 2 iopf workers are interchangeable/);
    expect(reduced.stats.liveness).toEqual({ checked: false, reason: expect.stringMatching(/symmetry/) as unknown });
    expect(full.stats.reduction).toBeUndefined();
  });

  it('a counterexample under the reduction is a concrete path of the unreduced model, as short as without it', () => {
    const model = withVariant(completeGroupAfterFree);
    const plain = compile(model, twoWorkers);
    const r = explore(compile(model, symmetric), { continueAfterViolation: true });
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'no-response-to-freed-group') : undefined;
    const u = explore(plain, { continueAfterViolation: true });
    const w = u.kind === 'violation' ? u.violations.find((x) => x.property === 'no-response-to-freed-group') : undefined;
    expect(v?.length).toBe(w?.length);
    for (let i = 1; i < v!.trace.length; i++) {
      const before = v!.trace[i - 1]!.state;
      const after = encodeToArray(plain.codec, v!.trace[i]!.state).join();
      const step = enabledMoves(plain, before).some((m) => encodeToArray(plain.codec, applyWithImmer(m.action, before, m.choice)).join() === after);
      expect(step, `step ${i}`).toBe(true);
    }
  });
});
