// A state constraint as TLC's CONSTRAINT works (ModelChecker.doNext): a successor outside it counts as
// generated and is checked against the invariants, but is neither stored (not distinct) nor explored;
// a violation there has the path through its stored parent.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/bfs.ts';
import { int, record } from '../../explorer/codec.ts';
import { compile } from '../../explorer/compile.ts';
import { defineModel, step } from '../../explorer/model.ts';
import { simulate } from '../../explorer/simulate.ts';

interface N {
  n: number;
}

const counter = (below: number, bound: number, start = 0) =>
  defineModel<N, { bound: number }>({
    name: 'counter',
    description: 'counts up by one',
    follows: 'test',
    params: z.object({ bound: z.number().int().default(bound) }).strict(),
    init: () => [{ n: start }],
    codec: () => record<N>({ n: int(0, 100) }),
    processes: () => [{ name: 'p', instances: 1, steps: [step<N>({ name: 'inc', enabled: (s) => s.n < 100, apply: (d) => void d.n++ })] }],
    invariants: [{ name: 'below', description: `n < ${below}`, source: 'test', holds: (s) => s.n < below }],
    constraint: (s, c) => s.n <= c.bound,
  });

describe('state constraints', () => {
  it('a state outside is generated and judged, but neither stored nor explored', () => {
    const r = explore(compile(counter(10, 3), { bound: 3 }));
    expect(r.kind).toBe('ok');
    // n = 0..3 stored; the step from 3 generates n = 4, outside: 4 successors and the initial state.
    expect([r.stats.distinctStates, r.stats.statesGenerated, r.stats.depth]).toEqual([4, 5, 3]);
    // The bound is a param, not folded into a guard.
    expect(explore(compile(counter(10, 3), { bound: 6 })).stats.distinctStates).toBe(7);
  });

  it('an invariant broken just outside it is reported with the path to that state', () => {
    const r = explore(compile(counter(4, 3), { bound: 3 }));
    expect(r.kind === 'violation' && r.violations.map((v) => [v.property, v.length, v.trace.at(-1)!.state])).toEqual([['below', 4, { n: 4 }]]);
  });

  it('an initial state outside it is judged and not explored', () => {
    const r = explore(compile(counter(10, 3, 5), { bound: 3 }));
    expect([r.kind, r.stats.distinctStates]).toEqual(['ok', 0]);
    const bad = explore(compile(counter(5, 3, 5), { bound: 3 }));
    expect(bad.kind === 'violation' && bad.violations.map((v) => [v.property, v.length])).toEqual([['below', 0]]);
  });

  it('simulate stops a walk where the constraint ends the model', () => {
    const r = simulate(compile(counter(10, 3), { bound: 3 }), { walks: 20, seed: 1, maxLength: 50 });
    expect(r.kind).toBe('ok');
  });
});
