// `sva-check simulate`: random walks instead of an exhaustive search, for state spaces too big to
// enumerate. fast-check drives the walks (a walk is a list of integer picks), so a failing walk is
// shrunk to a small one and can be replayed exactly from its seed and path.
import fc from 'fast-check';
import type { Compiled } from './compile.ts';
import { HarnessError, ModelError } from './errors.ts';
import type { StepCount, Violation } from './result.ts';
import { Walker } from './simulate/walk.ts';

export interface SimulateOptions {
  /** Number of random walks (default 1000). */
  readonly walks?: number;
  /** Steps per walk at most (default 100). */
  readonly maxLength?: number;
  /** fast-check seed, a 32-bit signed integer; random when absent (the result reports the one used). */
  readonly seed?: number;
  /** fast-check replay path of a counterexample; needs the seed it was found with. */
  readonly path?: string;
  /** Report states with no enabled step that the model does not accept as final (default true). */
  readonly checkDeadlock?: boolean;
}

export type SimulateResult<S = unknown> =
  | {
      readonly kind: 'ok';
      readonly walks: number;
      /** Steps taken over all walks. */
      readonly steps: number;
      readonly seed: number;
      readonly seconds: number;
      readonly stepCounts: readonly StepCount[];
    }
  | {
      readonly kind: 'violation';
      /** The shrunk counterexample. */
      readonly violation: Violation<S>;
      /** Walks run up to and including the first failing one. */
      readonly walks: number;
      readonly seed: number;
      /** Pass with `seed` to replay this counterexample. */
      readonly path: string;
      readonly numShrinks: number;
      readonly seconds: number;
    };

export function simulate<S, C>(compiled: Compiled<S, C>, options: SimulateOptions = {}): SimulateResult<S> {
  const started = performance.now();
  const walks = options.walks ?? 1000;
  const maxLength = options.maxLength ?? 100;
  checkCount('walks', walks, 1);
  checkCount('maxLength', maxLength, 0);
  // fast-check keeps only 32 bits of a seed; refusing others keeps the reported seed the one given.
  if (options.seed !== undefined && (options.seed | 0) !== options.seed) {
    throw new HarnessError(`seed must be a 32-bit signed integer, got ${options.seed}`);
  }
  if (options.path !== undefined && options.seed === undefined) {
    throw new HarnessError('a replay path needs the seed it was found with');
  }
  const walker = new Walker(compiled, options.checkDeadlock ?? true);
  // A walk that hits a model bug may shrink into one that merely violates an invariant; the bug
  // must still win, so the last one seen (the most shrunk) is kept aside.
  let modelError: ModelError | null = null;
  const picks = fc.array(fc.nat(), { minLength: 1, maxLength: maxLength + 1, size: 'max' });
  const property = fc.property(picks, (p) => {
    try {
      return walker.walk(p).failure === null;
    } catch (e) {
      if (e instanceof ModelError) modelError = e;
      throw e;
    }
  });
  const details = fc.check(property, {
    numRuns: walks,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  if (modelError !== null) throw modelError;
  const seconds = (performance.now() - started) / 1000;
  if (!details.failed) {
    const stepCounts = compiled.stepKeys.map((step) => ({ step, fired: 0 }));
    compiled.actions.forEach((a, i) => {
      (stepCounts[a.stepIndex] as { fired: number }).fired += walker.fired[i]!;
    });
    return { kind: 'ok', walks: details.numRuns, steps: walker.steps, seed: details.seed, seconds, stepCounts };
  }
  const counterexample = details.counterexample?.[0];
  if (counterexample === undefined || details.counterexamplePath === null) throw details.errorInstance;
  // Walks are deterministic, so re-running the shrunk picks rebuilds the trace fast-check judged.
  const end = walker.walk(counterexample);
  if (end.failure === null) {
    throw new ModelError(`model ${compiled.model.name} is not deterministic: a failing walk passed when replayed`);
  }
  const { failure, trace } = end;
  return {
    kind: 'violation',
    violation: {
      property: failure.property,
      kind: failure.kind,
      description: failure.description,
      trace,
      length: trace.length - 1,
      ...(failure.detail === undefined ? {} : { detail: failure.detail }),
    },
    walks: details.numRuns,
    seed: details.seed,
    path: details.counterexamplePath,
    numShrinks: details.numShrinks,
    seconds,
  };
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new HarnessError(`${name} must be an integer of at least ${min}, got ${value}`);
  }
}
