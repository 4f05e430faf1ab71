// An invariant or witness that lists the top-level fields it reads is left unevaluated on a successor
// whose step touched none of them: the verdicts and counts are those of evaluating it everywhere, a
// list that leaves out a field it reads misses violations, and checkReads says which field.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/bfs.ts';
import { int, record } from '../../explorer/codec.ts';
import { compile } from '../../explorer/compile.ts';
import { ModelError } from '../../explorer/errors.ts';
import { defineModel, step } from '../../explorer/model.ts';

interface Two {
  a: number;
  b: number;
}

const two = (reads: readonly string[] | undefined) =>
  defineModel<Two, Record<string, never>>({
    name: 'two',
    description: 'two counters, each stepped alone',
    follows: 'test fixture',
    params: z.object({}).strict(),
    init: () => [{ a: 0, b: 0 }],
    codec: () => record<Two>({ a: int(0, 4), b: int(0, 4) }),
    processes: () => [
      {
        name: 'p',
        instances: 1,
        steps: [
          step<Two>({ name: 'a', enabled: (s) => s.a < 4, apply: (d) => void d.a++ }),
          step<Two>({ name: 'b', enabled: (s) => s.b < 4, apply: (d) => void d.b++ }),
        ],
      },
    ],
    invariants: [{ name: 'LowA', description: 'a stays below 3', source: 'fixture', holds: (s) => s.a < 3, ...(reads ? { reads } : {}) }],
    witnesses: [{ name: 'HighB', description: 'b reaches 4', reached: (s) => s.b === 4, ...(reads ? { reads: reads.map((r) => (r === 'a' ? 'b' : 'a')) } : {}) }],
    checkDeadlock: false,
  });

const run = (reads: readonly string[] | undefined, checkReads = false) => explore(compile(two(reads), {}), { continueAfterViolation: true, checkReads });

describe("properties' reads", () => {
  it('listing what they read gives the verdicts, counts and shortest traces of evaluating them everywhere', () => {
    const all = run(undefined);
    const listed = run(['a'], true);
    expect(listed.stats.distinctStates).toBe(all.stats.distinctStates);
    expect(listed.kind === 'violation' && listed.violations.map((v) => [v.property, v.length])).toEqual([['LowA', 3]]);
    expect(all.kind === 'violation' && all.violations.map((v) => [v.property, v.length])).toEqual([['LowA', 3]]);
    expect(listed.witnesses).toEqual(all.witnesses);
  });

  it('a list without a field the property reads misses its shortest violation; checkReads names the field', () => {
    // a = 3 reached by a's step is not judged; only a later step of b finds it, one step longer. The
    // witness, listing a where it reads b, is never seen reached.
    const wrong = run(['b']);
    expect(wrong.kind === 'violation' && wrong.violations.map((v) => [v.property, v.length])).toEqual([
      ['LowA', 4],
      ['HighB', 0],
    ]);
    expect(() => run(['b'], true)).toThrow(ModelError);
    expect(() => run(['b'], true)).toThrow(/invariant LowA reads 'a', which its reads do not list/);
  });
});
