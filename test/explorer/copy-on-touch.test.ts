import { describe, expect, it } from 'vitest';
import { encodeToArray, int, IntReader, IntWriter, list, record, type Codec } from '../../explorer/codec.ts';
import { actionsAt, choicesAtLabel, compile, isEnabled } from '../../explorer/compile.ts';
import { successors, type Successors } from '../../explorer/copy-on-touch.ts';
import { lastFingerprint } from '../../explorer/fingerprint.ts';
import sva from '../../spec/sva.ts';
import { svaSmall } from '../spec/sva-helpers.ts';

interface Toy {
  queue: number[];
  dev: { refs: number; state: number };
  lock: number;
}
const toy: Codec<Toy> = record({ queue: list(3, int(0, 9)), dev: record({ refs: int(0, 9), state: int(0, 3) }), lock: int(0, 1) });
const parent: Toy = { queue: [1, 2], dev: { refs: 1, state: 2 }, lock: 0 };

function successorOf(s: Successors<Toy>, ints: number[], step: (d: Toy) => void): { next: Toy; ints: number[]; parent: Toy } {
  const p = s.parent(new IntReader(Int32Array.from(ints)));
  const d = s.draft();
  step(d);
  const next = s.done(d);
  const w = new IntWriter();
  s.encode(d, next, w);
  return { next, ints: w.toArray(), parent: p };
}

/** The fingerprint `set` leaves in lastFingerprint, as one string. */
function fingerprintOf(set: () => void): string {
  set();
  return `${lastFingerprint.hi}:${lastFingerprint.lo}`;
}

describe('successors that copy only what their step touches', () => {
  const ints = encodeToArray(toy, parent);

  it('a step that pushes to one field leaves the parent as it was and shares the other fields with it', () => {
    const r = successorOf(successors(toy), ints, (d) => d.queue.push(3));
    expect(r.next).toEqual({ ...parent, queue: [1, 2, 3] });
    expect(r.ints).toEqual(encodeToArray(toy, r.next));
    expect(r.parent).toEqual(parent);
    expect(r.next.dev).toBe(r.parent.dev);
    expect(r.next.queue).not.toBe(r.parent.queue);
  });

  it('a field the step replaces, and one it only reads, are encoded from the successor', () => {
    const r = successorOf(successors(toy), ints, (d) => {
      d.lock = d.dev.refs;
      d.dev = { refs: 0, state: 0 };
    });
    expect(r.next).toEqual({ queue: [1, 2], dev: { refs: 0, state: 0 }, lock: 1 });
    expect(r.ints).toEqual(encodeToArray(toy, r.next));
    expect(r.parent).toEqual(parent);
  });

  it('a successor’s fingerprint is its parent’s with the touched fields’ hashes swapped: the fingerprint of its whole encoding', () => {
    const s = successors(toy);
    const steps: ((d: Toy) => void)[] = [() => undefined, (d) => d.queue.push(3), (d) => (d.dev.refs = 2), (d) => (d.lock = d.dev.state - 1)];
    const prints = steps.map((step) => {
      s.parent(new IntReader(Int32Array.from(ints)));
      const d = s.draft();
      step(d);
      const incremental = fingerprintOf(() => s.fingerprint(d));
      expect(incremental).toBe(fingerprintOf(() => s.encodeWhole(s.done(d), new IntWriter())));
      return incremental;
    });
    expect(prints[0]).toBe(fingerprintOf(() => s.encodeWhole(parent, new IntWriter())));
    expect(new Set(prints).size).toBe(steps.length);
  });

  it('a record field is drafted one level down: a step copies, encodes and hashes only the parts of it it gets', () => {
    const s = successors(toy);
    const r = successorOf(s, ints, (d) => d.dev.refs++);
    expect(r.next).toEqual({ ...parent, dev: { refs: 2, state: 2 } });
    expect(Object.getPrototypeOf(r.next.dev)).toBe(Object.prototype);
    expect(r.ints).toEqual(encodeToArray(toy, r.next));
    expect(r.parent).toEqual(parent);
    expect(r.next.queue).toBe(r.parent.queue);
    // Got and left alone: the parent's record itself.
    const read = successorOf(s, ints, (d) => void d.dev);
    expect(read.next.dev).toBe(read.parent.dev);
    expect(read.ints).toEqual(ints);
    // Replaced whole, set to its own draft, or changed within, and fingerprinted as its whole encoding is.
    for (const step of [(d: Toy) => (d.dev = { refs: 7, state: 1 }), (d: Toy) => { const dev = d.dev; d.dev = dev; }, (d: Toy) => (d.dev.state = d.dev.refs)]) {
      s.parent(new IntReader(Int32Array.from(ints)));
      const d = s.draft();
      step(d);
      const next = s.done(d);
      expect(Object.getPrototypeOf(next.dev)).toBe(Object.prototype);
      const w = new IntWriter();
      s.encode(d, next, w);
      expect(w.toArray()).toEqual(encodeToArray(toy, next));
      expect(fingerprintOf(() => s.fingerprint(d))).toBe(fingerprintOf(() => s.encodeWhole(next, new IntWriter())));
    }
  });

  it('a step that touches nothing encodes to the parent’s integers', () => {
    expect(successorOf(successors(toy), ints, () => undefined).ints).toEqual(ints);
  });

  it('whole copies share nothing with the parent', () => {
    const r = successorOf(successors(toy, true), ints, (d) => d.queue.push(3));
    expect(r.next.dev).not.toBe(r.parent.dev);
    expect(r.ints).toEqual(encodeToArray(toy, r.next));
  });

  it('on sva-small, every move of the first 3,000 states gives the successor and fingerprint a whole copy gives, and leaves its parent alone', () => {
    const c = compile(sva, svaSmall);
    const lazy = successors(c.codec);
    const whole = successors(c.codec, true);
    const seen = new Set<string>();
    const queue = c.initStates.map((s) => encodeToArray(c.codec, s));
    let moves = 0;
    const mismatches: string[] = [];
    for (let i = 0; i < queue.length && i < 3000; i++) {
      const ints = queue[i]!;
      const s = lazy.parent(new IntReader(Int32Array.from(ints)));
      whole.parent(new IntReader(Int32Array.from(ints)));
      for (const instance of c.instances) {
        for (const a of actionsAt(instance, s)) {
          for (const choice of choicesAtLabel(a, s)) {
            if (!isEnabled(a, s, choice)) continue;
            moves++;
            const [d, w] = [lazy.draft(), whole.draft()];
            a.step.apply(d as never, a.self, choice);
            a.step.apply(w as never, a.self, choice);
            const out = new IntWriter();
            const next = lazy.done(d);
            lazy.encode(d, next, out);
            const got = out.toArray();
            if (got.join() !== encodeToArray(c.codec, w).join()) mismatches.push(a.stepKey);
            // The successor is plain data, no draft left in it (every tenth move: a deep comparison).
            if (moves % 10 === 0) expect(next).toStrictEqual(w);
            if (fingerprintOf(() => lazy.fingerprint(d)) !== fingerprintOf(() => whole.encodeWhole(w, new IntWriter()))) mismatches.push(`${a.stepKey} fingerprint`);
            if (encodeToArray(c.codec, s).join() !== ints.join()) mismatches.push(`${a.stepKey} changed its parent`);
            const key = got.join();
            if (!seen.has(key)) {
              seen.add(key);
              queue.push(got);
            }
          }
        }
      }
    }
    expect(moves).toBeGreaterThan(5000);
    expect(mismatches).toEqual([]);
  });
});
