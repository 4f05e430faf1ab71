import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bool, int, record, type Codec } from '../../explorer/codec.ts';
import { applyWithImmer, compile, type Compiled } from '../../explorer/compile.ts';
import { HarnessError, ModelError } from '../../explorer/errors.ts';
import { defineModel, step, type Model } from '../../explorer/model.ts';
import { simulate, type SimulatedViolation, type SimulateProgress, type SimulateResult } from '../../explorer/simulate.ts';
import { Walker } from '../../explorer/simulate/walk.ts';
import { explore } from '../../explorer/bfs.ts';
import { resolveTarget } from '../../explorer/cli/target.ts';
import diehard from '../models/diehard.ts';
import { workspace } from '../helpers/cli.ts';

const withoutSeconds = <S>(r: SimulateResult<S>): unknown => ({ ...r, seconds: 0 });

/** The one violation a simulation that stops at the first reports. */
function only<S>(r: SimulateResult<S>): SimulatedViolation<S> {
  if (r.kind !== 'violation') throw new Error(`expected a violation, got ${r.kind}`);
  expect(r.violations).toHaveLength(1);
  return r.violations[0]!;
}

/** Each move of a trace, re-applied to the state before it, gives the state after it. */
function expectReplayable<S, C>(compiled: Compiled<S, C>, trace: readonly { move: unknown; state: S }[]): void {
  for (let i = 1; i < trace.length; i++) {
    const { move, state } = trace[i]! as { move: { process: string; self: number; step: string; choice: unknown }; state: S };
    const action = compiled.actions.find(
      (a) => a.process.name === move.process && a.self === move.self && a.step.name === move.step,
    );
    expect(action).toBeDefined();
    expect(applyWithImmer(action!, trace[i - 1]!.state, move.choice)).toEqual(state);
  }
}

describe('simulate on diehard', () => {
  const compiled = compile(diehard, {});

  it('finds NotSolved and shrinks the walk', () => {
    const r = simulate(compiled, { walks: 2000, seed: 7 });
    const { violation, path } = only(r);
    expect(violation.property).toBe('NotSolved');
    expect(violation.kind).toBe('invariant');
    expect(violation.length).toBe(violation.trace.length - 1);
    expect(violation.length).toBeLessThanOrEqual(8);
    expect(violation.trace[0]).toEqual({ move: null, state: { small: 0, big: 0 } });
    expect(violation.trace.at(-1)!.state.big).toBe(4);
    for (const t of violation.trace.slice(1)) {
      expect(t.move).toMatchObject({ process: 'jugs', self: 0, choice: undefined, choiceIndex: 0, pc: '' });
    }
    expectReplayable(compiled, violation.trace);
    expect(r.seed).toBe(7);
    expect(path).toMatch(/^\d+(:\d+)*$/);
  });

  it('is deterministic for a seed, and replays a counterexample from seed and path', () => {
    const a = simulate(compiled, { walks: 500, seed: 123 });
    const b = simulate(compiled, { walks: 500, seed: 123 });
    expect(withoutSeconds(a)).toEqual(withoutSeconds(b));
    const found = only(a);
    const replay = simulate(compiled, { walks: 500, seed: 123, path: found.path! });
    expect(only(replay)).toEqual(found);
    expect(replay.walks).toBe(1);
  });

  it('reports the random seed it used when none is given', () => {
    const a = simulate(compiled, { walks: 300 });
    const b = simulate(compiled, { walks: 300, seed: a.seed });
    expect(withoutSeconds(b)).toEqual(withoutSeconds(a));
  });

  it('returns ok once the violated invariant is removed', () => {
    const model = { ...diehard, invariants: diehard.invariants.filter((i) => i.name !== 'NotSolved') };
    const r = simulate(compile(model, {}), { walks: 300, maxLength: 50, seed: 1 });
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(r.walks).toBe(300);
    expect(r.seed).toBe(1);
    expect(r.stepCounts.map((c) => c.step)).toEqual(compiled.stepKeys);
    expect(r.stepCounts.every((c) => c.fired > 0)).toBe(true);
    expect(r.stepCounts.reduce((n, c) => n + c.fired, 0)).toBe(r.steps);
    expect(r.steps).toBeLessThanOrEqual(300 * 50);
  });

  it('rejects a replay path without its seed or naming no walk, and bad bounds', () => {
    expect(() => simulate(compiled, { seed: 1, path: '1:2' })).toThrow(HarnessError);
    expect(() => simulate(compiled, { path: '0' })).toThrow(HarnessError);
    expect(() => simulate(compiled, { walks: 0 })).toThrow(HarnessError);
    expect(() => simulate(compiled, { maxLength: -1 })).toThrow(HarnessError);
    expect(() => simulate(compiled, { seed: 2 ** 40 })).toThrow(HarnessError);
    expect(() => simulate(compiled, { seed: 1.5 })).toThrow(HarnessError);
  });
});

interface Counter {
  n: number;
  flag: boolean;
}

const counterCodec = record<Counter>({ n: int(0, 3), flag: bool });

/** n counts up to 3 and then nothing is enabled. */
function counter(overrides: Partial<Model<Counter, Record<string, never>>> = {}): Model<Counter, Record<string, never>> {
  return defineModel<Counter, Record<string, never>>({
    name: 'counter',
    description: 'counts to 3',
    follows: 'test',
    params: z.object({}).strict(),
    init: () => [{ n: 0, flag: false }],
    codec: () => counterCodec,
    processes: () => [
      {
        name: 'p',
        instances: 1,
        steps: [
          step<Counter>({ name: 'Inc', enabled: (s) => s.n < 3, apply: (d) => void d.n++ }),
          step<Counter>({ name: 'Flip', enabled: (s) => s.n < 3, apply: (d) => void (d.flag = !d.flag) }),
        ],
      },
    ],
    invariants: [],
    ...overrides,
  });
}

describe('simulate: the violating walk shortened a move at a time', () => {
  const compiled = compile(diehard, {});

  it('leaves a walk from which no single move can go, nor be swapped for a shorter walk', () => {
    const r = only(simulate(compiled, { walks: 2000, seed: 7 }));
    expect(r.foundLength).toBeGreaterThan(r.violation.length);
    expect(r.shrinkTried).toBeGreaterThan(0);
    expect(r.shrinkCut).toBe(false);
    // Rebuilt from its moves by a walker of its own: every walk with one move fewer is no shorter violation.
    const walker = new Walker(compiled, true);
    const moves = r.violation.trace.slice(1).map((t) => {
      const m = t.move!;
      return { action: compiled.actions.findIndex((a) => a.process.name === m.process && a.self === m.self && a.step.name === m.step), choice: JSON.stringify(m.choice) ?? 'undefined' };
    });
    expect(walker.walkMoves(0, moves).end.failure?.property).toBe('NotSolved');
    for (let i = 0; i < moves.length; i++) {
      const w = walker.walkMoves(0, [...moves.slice(0, i), ...moves.slice(i + 1)]);
      expect(w.end.failure !== null && w.keys.length < moves.length).toBe(false);
    }
  });

  it('stops after shrinkWalks walks with the shortest walk found, the same for a seed', () => {
    const none = only(simulate(compiled, { walks: 2000, seed: 7, shrinkWalks: 0 }));
    expect(none).toMatchObject({ shrinkTried: 0, shrinkCut: true });
    expect(none.violation.length).toBe(none.foundLength);
    const few = only(simulate(compiled, { walks: 2000, seed: 7, shrinkWalks: 5 }));
    expect(few).toMatchObject({ shrinkTried: 5, shrinkCut: true, foundLength: none.foundLength });
    expect(few.violation.length).toBeLessThan(none.foundLength);
    expect(only(simulate(compiled, { walks: 2000, seed: 7, shrinkWalks: 5 }))).toEqual(few);
    expect(() => simulate(compiled, { shrinkWalks: -1 })).toThrow(HarnessError);
  });

  it('reports progress while it walks and while it shortens', () => {
    const seen: SimulateProgress[] = [];
    simulate(compiled, { walks: 2000, seed: 7, progressEvery: 0, onProgress: (p) => seen.push(p) });
    const walking = seen.filter((p) => p.phase === 'walking');
    const shortening = seen.filter((p) => p.phase === 'shortening');
    expect(walking.length).toBeGreaterThan(0);
    expect(walking.every((p) => p.failing === null && p.tried === 0)).toBe(true);
    // The last walk reported as walking is the one that found the violation.
    expect([walking[0]!.violated, walking.at(-1)!.violated]).toEqual([0, 1]);
    expect(shortening.length).toBeGreaterThan(0);
    expect(shortening.at(-1)!.tried).toBeGreaterThan(shortening[0]!.tried);
    expect(shortening.at(-1)!.failing).toBeLessThan(shortening[0]!.failing!);
  });

  it('at sva, shortens a walk of some 70 steps to the 41 of the shortest counterexample', async () => {
    // Breadth first, sva-cd-ownership (F2) is first violated at depth 41 (docs/scaling.md).
    const { compiled: sva } = await resolveTarget(workspace(), { config: 'sva' });
    const r = only(simulate(sva, { walks: 50, seed: 1, shrinkWalks: 5000 }));
    expect(r.violation.property).toBe('sva-cd-ownership');
    expect(r.foundLength).toBeGreaterThan(60);
    expect(r.violation.length).toBe(41);
    expect(r.shrinkCut).toBe(false);
  }, 60_000);
});

describe('simulate: a walker remembers the states it has checked', () => {
  it('walks as a walker that has seen nothing', async () => {
    const { compiled: small } = await resolveTarget(workspace(), { config: 'sva-small' });
    const shared = new Walker(small, true);
    let x = 12345;
    const next = (): number => (x = (x * 1103515245 + 12345) & 0x7fffffff);
    for (let w = 0; w < 40; w++) {
      // A walk that goes back over the one before it, as a shrink's candidates do, and one of its own.
      const picks = Array.from({ length: 60 }, () => next() % 7);
      for (const p of [picks, [...picks.slice(0, 30), ...picks.slice(31)]]) {
        const fresh = new Walker(small, true).walkPicks(p);
        expect(shared.walkPicks(p)).toEqual(fresh);
      }
    }
  }, 60_000);
});

describe('simulate: deadlocks', () => {
  it('reports a state with no enabled step as a deadlock, with the shortest walk', () => {
    const r = simulate(compile(counter({ explainDeadlock: (s) => `n is ${s.n}` }), {}), { walks: 200, seed: 3 });
    expect(only(r).violation).toMatchObject({ property: 'deadlock', kind: 'deadlock', length: 3, detail: 'n is 3' });
    expect(only(r).violation.trace.map((t) => t.move?.step ?? null)).toEqual([null, 'Inc', 'Inc', 'Inc']);
  });

  it('accepts final states and honours checkDeadlock: false', () => {
    expect(simulate(compile(counter({ isFinal: (s) => s.n === 3 }), {}), { walks: 200, seed: 3 }).kind).toBe('ok');
    expect(simulate(compile(counter(), {}), { walks: 200, seed: 3, checkDeadlock: false }).kind).toBe('ok');
  });

  it('picks the initial state with the first pick', () => {
    const model = counter({
      init: () => [{ n: 0, flag: false }, { n: 1, flag: true }],
      isFinal: () => true,
      invariants: [{ name: 'NoFlag', description: 'flag is never set', source: 'test', holds: (s) => !s.flag }],
    });
    const r = simulate(compile(model, {}), { walks: 200, seed: 9 });
    expect(only(r).violation.trace).toEqual([{ move: null, state: { n: 1, flag: true } }]);
  });
});

describe('simulate: going on after a violation', () => {
  // Two invariants, each met by some walks and not others.
  const model = counter({
    invariants: [
      { name: 'NoFlag', description: 'flag is never set', source: 'test', holds: (s) => !s.flag },
      { name: 'BelowTwo', description: 'n stays below 2', source: 'test', holds: (s) => s.n < 2 },
    ],
  });
  const compiled = compile(model, {});

  it('keeps the first walk of each property, each going on past the violations found before it, shortened', () => {
    const r = simulate(compiled, { walks: 300, seed: 5, continueAfterViolation: true });
    if (r.kind !== 'violation') throw new Error('expected violations');
    expect(r.walks).toBe(300);
    // Past NoFlag and BelowTwo, a walk reaches n = 3, where nothing is enabled.
    const lengths = Object.fromEntries(r.violations.map((v) => [v.violation.property, v.violation.length]));
    expect(lengths).toEqual({ NoFlag: 1, BelowTwo: 2, deadlock: 3 });
    const [first, ...later] = r.violations;
    // The first went past nothing: its path replays it alone, continued or not.
    expect(only(simulate(compiled, { walks: 300, seed: 5, path: first!.path! }))).toEqual(first);
    expect(only(simulate(compiled, { walks: 300, seed: 5, path: first!.path!, continueAfterViolation: true }))).toEqual(first);
    // The later ones went past it: their traces replay, and end where their property fails.
    for (const v of later) {
      expect(v.path).toBeNull();
      expectReplayable(compiled, v.violation.trace);
    }
    expect(r.violations.find((v) => v.violation.property === 'deadlock')!.violation.trace.at(-1)!.state.n).toBe(3);
    // Without it, the first of them ends the walks.
    expect(only(simulate(compiled, { walks: 300, seed: 5 })).violation.property).toBe(first!.violation.property);
  });
});

describe('simulate: model bugs are ModelErrors, not verdicts', () => {
  it('catches a codec that forgets a field', () => {
    const lossy = record({ n: int(0, 3) }) as unknown as Codec<Counter>;
    const run = (): unknown => simulate(compile(counter({ codec: () => lossy }), {}), { walks: 50, seed: 1 });
    expect(run).toThrow(ModelError);
    expect(run).toThrow(/lossy.*\.flag/);
  });

  it('catches a state that does not fit its codec, naming the step', () => {
    const model = counter({ codec: () => record<Counter>({ n: int(0, 1), flag: bool }), isFinal: () => true });
    expect(() => simulate(compile(model, {}), { walks: 50, seed: 1 })).toThrow(/step \d+ of the walk \(p\/Inc\).*does not fit its codec/);
  });

  it('catches a recipe that differs between immer and a decoded copy', () => {
    let calls = 0;
    const model = counter({
      isFinal: () => true,
      processes: () => [
        { name: 'p', instances: 1, steps: [step<Counter>({ name: 'Odd', enabled: (s) => s.n < 3, apply: (d) => void (d.n = ++calls % 2) })] },
      ],
    });
    const run = (): unknown => simulate(compile(model, {}), { walks: 50, seed: 1 });
    expect(run).toThrow(ModelError);
    expect(run).toThrow(/p\/Odd.*decoded copy/);
  });

  it('wraps a step that throws', () => {
    const model = counter({
      processes: () => [{ name: 'p', instances: 1, steps: [step<Counter>({ name: 'Boom', apply: () => { throw new Error('boom'); } })] }],
    });
    expect(() => simulate(compile(model, {}), { walks: 10, seed: 1 })).toThrow(/p\/Boom.*boom/);
  });

  it('names a guard, a choice list or a pc that throws as the search does', () => {
    const throwing = (part: 'guard' | 'choices' | 'pc'): Compiled<Counter, Record<string, never>> =>
      compile(
        counter({
          processes: () => [
            {
              name: 'p',
              instances: 1,
              ...(part === 'pc' ? { pc: () => { throw new Error('no pc'); } } : {}),
              steps: [
                step<Counter>({
                  name: 'Odd',
                  ...(part === 'guard' ? { enabled: () => { throw new Error('no guard'); } } : {}),
                  ...(part === 'choices' ? { choices: () => { throw new Error('no choices'); } } : {}),
                  apply: (d) => void (d.n = 1),
                }),
              ],
            },
          ],
        }),
        {},
      );
    const messages = {
      guard: 'model counter: step p/Odd threw in its guard: no guard',
      choices: 'model counter: step p/Odd threw in its choices: no choices',
      pc: 'model counter: process p[0] threw computing its pc: no pc',
    };
    for (const [part, message] of Object.entries(messages) as ['guard' | 'choices' | 'pc', string][]) {
      expect(() => simulate(throwing(part), { walks: 1, seed: 1 })).toThrow(new ModelError(message));
      expect(() => explore(throwing(part))).toThrow(new ModelError(message));
    }
  });
});
