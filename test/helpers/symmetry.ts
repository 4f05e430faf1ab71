// Shared by the symmetry tests: what a reduced search must keep, and that its traces are concrete.
import { expect } from 'vitest';
import { applyWithImmer, enabledMoves, type Compiled } from '../../explorer/compile.ts';
import { encodeToArray } from '../../explorer/codec.ts';
import type { ExploreResult, Violation } from '../../explorer/result.ts';

/** The safety violations of a search, each with its length, sorted. */
export const safety = <S>(r: ExploreResult<S>): (string | number)[][] =>
  r.kind === 'violation' ? r.violations.filter((v) => v.kind !== 'liveness').map((v) => [v.property, v.length]).sort() : [];

/** Each step of `v`'s trace is an enabled move of the unreduced model `plain`. */
export function expectConcretePath<S, C>(plain: Compiled<S, C>, v: Violation<S>): void {
  for (let i = 1; i < v.trace.length; i++) {
    const before = v.trace[i - 1]!.state;
    const after = encodeToArray(plain.codec, v.trace[i]!.state).join();
    const step = enabledMoves(plain, before).some((m) => encodeToArray(plain.codec, applyWithImmer(m.action, before, m.choice)).join() === after);
    expect(step, `step ${i}`).toBe(true);
  }
}
