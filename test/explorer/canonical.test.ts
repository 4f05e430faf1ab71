// The canonical-encoding check: a commit protocol whose resource managers report "prepared" into a
// set. Kept in arrival order, equal sets are distinct states (the count grows) and the check names
// the field; kept sorted, the count is the number of subsets and the check is quiet. A hand-written
// codec over a JS Set that encodes in insertion order is caught the same way.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/bfs.ts';
import { array, int, record, set, type Codec } from '../../explorer/codec.ts';
import { checkCanonicalEncoding } from '../../explorer/canonical-check.ts';
import { compile } from '../../explorer/compile.ts';
import { defineModel, step, type Model } from '../../explorer/model.ts';
import { simulate } from '../../explorer/simulate.ts';
import { ModelError } from '../../explorer/errors.ts';

interface Commit {
  prepared: number[];
}

function commit(N: number, sorted: boolean): Model<Commit, Record<string, never>> {
  return defineModel<Commit, Record<string, never>>({
    name: 'commit',
    description: 'N resource managers report prepared to the transaction manager',
    follows: 'test (TLA+ TwoPhase, tmPrepared)',
    params: z.object({}).strict(),
    init: () => [{ prepared: [] }],
    codec: () => record<Commit>({ prepared: set(N, int(0, N - 1)) }),
    processes: () => [
      {
        name: 'rm',
        instances: N,
        steps: [
          step<Commit>({
            name: 'prepare',
            enabled: (s, i) => !s.prepared.includes(i),
            apply: (d, i) => {
              d.prepared.push(i);
              if (sorted) d.prepared.sort((a, b) => a - b);
            },
          }),
        ],
      },
    ],
    invariants: [],
    isFinal: () => true,
  });
}

describe('canonical encoding', () => {
  it('a set kept sorted: one state per subset, and the check holds on every state', () => {
    const r = explore(compile(commit(3, true), {}), { checkSymmetry: true });
    expect(r.stats.distinctStates).toBe(8);
    expect(simulate(compile(commit(3, true), {}), { walks: 50, seed: 1 }).kind).toBe('ok');
  });

  it('a set kept in arrival order: more states than subsets, and both checks name the field', () => {
    expect(explore(compile(commit(3, false), {})).stats.distinctStates).toBe(16);
    expect(() => explore(compile(commit(3, false), {}), { checkSymmetry: true })).toThrow(
      /the encoding is not canonical on the state after rm\/prepare: state\.prepared holds the set \[1,0\] out of its canonical order \(\[0,1\]\)/,
    );
    expect(() => simulate(compile(commit(3, false), {}), { walks: 50, seed: 1 })).toThrow(ModelError);
  });

  it('names a set that holds an item twice', () => {
    const twice: Model<Commit, Record<string, never>> = { ...commit(3, true), init: () => [{ prepared: [1, 1] }] };
    expect(() => explore(compile(twice, {}), { checkSymmetry: true })).toThrow(/state\.prepared holds the set \[1,1\] with 1 twice/);
  });

  it('catches a hand-written codec that encodes a JS Set in insertion order', () => {
    interface Bag {
      items: Set<number>;
    }
    const naive: Codec<Set<number>> = {
      encode: (v, out) => {
        out.push(v.size);
        for (const x of v) out.push(x);
      },
      decode: (src) => {
        const n = src.next();
        return new Set(Array.from({ length: n }, () => src.next()));
      },
    };
    const model = defineModel<Bag, Record<string, never>>({
      name: 'bag',
      description: 'items added in any order',
      follows: 'test',
      params: z.object({}).strict(),
      init: () => [{ items: new Set() }],
      codec: () => record<Bag>({ items: naive }),
      processes: () => [{ name: 'adder', instances: 2, steps: [step<Bag>({ name: 'add', enabled: (s, i) => !s.items.has(i), apply: (d, i) => void d.items.add(i) })] }],
      invariants: [],
      isFinal: () => true,
    });
    expect(() => explore(compile(model, {}), { checkSymmetry: true })).toThrow(/state\.items: its codec \(written by hand\) encodes the same value differently/);
  });

  it('names a set out of order deep in the state by its whole path', () => {
    const deep = record<{ banks: { prepared: number[] }[] }>({ banks: array(2, record({ prepared: set(3, int(0, 2)) })) });
    expect(() => checkCanonicalEncoding('deep', deep, { banks: [{ prepared: [0, 2] }, { prepared: [2, 1] }] }, 'a test state')).toThrow(
      /not canonical on a test state: state\.banks\[1\]\.prepared holds the set \[2,1\] out of its canonical order \(\[1,2\]\)/,
    );
    expect(() => checkCanonicalEncoding('deep', deep, { banks: [{ prepared: [0, 2] }, { prepared: [1, 2] }] }, 'a test state')).not.toThrow();
  });
});
