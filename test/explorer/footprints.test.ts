// Footprints: the recording proxy's reads and writes, and the reduction a model's observed
// footprints allow. Three counters that never look at one another: a stubborn set of one counter's
// climb exists at every branching state for deadlocks alone; keeping an invariant that reads all
// three leaves none, keeping one that reads the first alone leaves every one. The parallel tests'
// counters, whose climb reads all three, have no independent step at all.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { array, int, record } from '../../explorer/codec.ts';
import { compile, type Compiled } from '../../explorer/compile.ts';
import { covers, Footprint, overlap, recording } from '../../explorer/footprint.ts';
import { measureFootprints } from '../../explorer/footprints.ts';
import { defineModel, step } from '../../explorer/model.ts';
import { cli } from '../helpers/cli.ts';

const M = 3;
const apart = defineModel<{ n: number[] }, { all: boolean }>({
  name: 'apart',
  description: 'three counters climbing to 3, each alone',
  follows: 'test fixture',
  params: z.object({ all: z.boolean().default(true) }).strict(),
  init: () => [{ n: [0, 0, 0] }],
  codec: () => record({ n: array(3, int(0, M)) }),
  processes: () => [{ name: 'counter', instances: 3, steps: [step({ name: 'climb', enabled: (s, i) => s.n[i]! < M, apply: (d, i) => void d.n[i]!++ })] }],
  invariants: [{ name: 'Bounded', description: 'the counters stay at most 3', source: 'fixture', holds: (s, c) => (c.all ? s.n.every((x) => x <= M) : s.n[0]! <= M) }],
  checkDeadlock: false,
});
const measure = (all: boolean) =>
  measureFootprints(compile(apart, { all }) as unknown as Compiled<unknown, unknown>, { maxDepth: 9, maxStates: 10_000, walks: 20, maxLength: 20, seed: 7 });

describe('the recording proxy', () => {
  it('records a primitive read by its path, an object read by its own, a key-set test by the object', () => {
    const fp = new Footprint();
    const s = recording({ a: { b: 1, c: [1, 2] }, d: null as null | { e: number } }, fp, false);
    void s.a.b;
    void (s.d === null);
    void Object.keys(s.a);
    // Object.keys asks each key's descriptor too: it counts as reading a/c.
    expect([...fp.reads].sort()).toEqual(['a', 'a/b', 'a/c', 'd']);
    expect(fp.writes.size).toBe(0);
  });

  it('records a write by its path and a shape change by the object, on the object it wraps', () => {
    const copy = { a: { b: 1, c: [1, 2] } };
    const fp = new Footprint();
    const s = recording(copy, fp, true);
    s.a.b = 2;
    s.a.c.push(3);
    expect(copy).toEqual({ a: { b: 2, c: [1, 2, 3] } });
    expect([...fp.writes].sort()).toEqual(['a/b', 'a/c', 'a/c/2', 'a/c/length']);
    // A push changes the array's shape, but replaces none of what it held.
    expect([...fp.assigned].sort()).toEqual(['a/b', 'a/c/2', 'a/c/length']);
  });

  it('records an object of the state assigned elsewhere as a move', () => {
    const copy = { x: null as { v: number } | null, y: { v: 1 } as { v: number } | null };
    const fp = new Footprint();
    const s = recording(copy, fp, true);
    s.x = s.y;
    s.y = null;
    expect(fp.moves).toEqual([['y', 'x']]);
    expect(copy.x).toEqual({ v: 1 });
    expect([...fp.assigned].sort()).toEqual(['x', 'y']);
  });

  it('gives the same proxy for the same place, and refuses a write where it only reads', () => {
    const s = recording({ a: { b: 1 } }, new Footprint(), false);
    expect(s.a).toBe(s.a);
    expect(() => {
      s.a.b = 2;
    }).toThrow(/read-only evaluation wrote a\/b/);
  });

  it('a write covers what lies at or below it', () => {
    expect(covers('a/b', 'a/b/c')).toBe(true);
    expect(covers('a/b', 'a/b')).toBe(true);
    expect(covers('a/b', 'a/bc')).toBe(false);
    expect(covers('a/b/c', 'a/b')).toBe(false);
    expect(covers('', 'x')).toBe(true);
    expect(overlap('a/b/c', 'a/b')).toBe(true);
  });
});

describe('the reduction observed footprints allow', () => {
  const all = measure(true);
  const first = measure(false);

  it('each counter reads and writes its own place only', () => {
    for (let i = 0; i < 3; i++) {
      expect([...all.actions[i]!.writes]).toEqual([`n/${i}`]);
      expect([...all.actions[i]!.reads].sort()).toEqual(['n', `n/${i}`]);
      expect(all.dependent[i]).toEqual([i]);
    }
    expect(all.states).toBe(64);
  });

  it('every climb is visible to an invariant that reads all three, the first alone to one that reads it alone', () => {
    expect(all.visible).toEqual([true, true, true]);
    expect([...all.properties].sort()).toEqual(['n', 'n/0', 'n/1', 'n/2', 'n/length']);
    expect(first.visible).toEqual([true, false, false]);
  });

  it('one counter alone is a stubborn set for deadlocks; with the invariant, only where it reads one counter', () => {
    expect(all.deadlocksOnly.branching).toBeGreaterThan(30);
    expect(all.deadlocksOnly.reducible).toBe(all.deadlocksOnly.branching);
    expect(all.withProperties.reducible).toBe(0);
    expect(first.withProperties.reducible).toBe(first.withProperties.branching);
  });
});

describe('sva-check footprints', () => {
  it('prints each step and the reduction; a bad bound is a one-line error, exit 2', async () => {
    const run = await cli(['footprints', '--model', 'test/explorer/parallel/counters.ts', '-p', 'M=4', '--max-depth', '4', '--walks', '5']);
    expect(run.code).toBe(0);
    expect(run.out).toContain('counter/climb[1]: writes n/1; reads 4 places; visible; conflicts with 3 of 3 steps');
    expect(run.out).toContain('0 of 90 states with two or more enabled steps, keeping deadlocks alone');
    const bad = await cli(['footprints', '--model', 'test/explorer/parallel/counters.ts', '--max-depth', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
  });
});
