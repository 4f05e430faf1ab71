// `sva-check simulate`: random walks instead of an exhaustive search, for state spaces too big to
// enumerate. fast-check drives the walks (a walk is a list of integer picks), so a failing walk can
// be replayed exactly from its seed and path; the walk is then shortened a move at a time.
import fc from 'fast-check';
import type { Compiled } from './compile.ts';
import { HarnessError, ModelError } from './errors.ts';
import type { StepCount, Violation } from './result.ts';
import { Walker, type MoveKey, type Walked } from './simulate/walk.ts';

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
  /**
   * Walks to try while shortening the first violating walk (default: no limit). Past them, the
   * shortest violating walk found is the counterexample. A count, not a time, so that a seed gives
   * the same counterexample on every machine.
   */
  readonly shrinkWalks?: number;
  /**
   * Go on walking after a violation, as explore's --continue: the first violating walk of each
   * property is kept and shortened (default false: the first violation ends the walks).
   */
  readonly continueAfterViolation?: boolean;
  /** Called at most once every `progressEvery` seconds (default 1) while the walks run and shrink. */
  readonly onProgress?: (p: SimulateProgress) => void;
  readonly progressEvery?: number;
}

/** Where a simulation is: walking, or shortening the first violating walk. */
export interface SimulateProgress {
  readonly phase: 'walking' | 'shortening';
  /** Walks run, shortening's candidates included. */
  readonly walks: number;
  /** Of the walks, those that ended in a violation (with continueAfterViolation, each of a property not met before). */
  readonly violated: number;
  /** Of them, the walks tried while shortening. */
  readonly tried: number;
  readonly steps: number;
  /** The length of the walk being shortened, as shortened so far; null while the walks run. */
  readonly failing: number | null;
  readonly seconds: number;
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
      /** One for each property violated, in the order their first walks were found. */
      readonly violations: readonly SimulatedViolation<S>[];
      /** Walks run up to and including the last one that ended the walks. */
      readonly walks: number;
      readonly seed: number;
      readonly seconds: number;
    };

/** A violation and the walk that shows it, shortened. */
export interface SimulatedViolation<S = unknown> {
  readonly violation: Violation<S>;
  /**
   * Pass with the seed to replay this walk (as found, then shortened again); null for a walk that
   * went on past other properties' violations (continueAfterViolation): its saved trace replays it.
   */
  readonly path: string | null;
  /** The properties whose violations the walk went on past, found by earlier walks (continueAfterViolation). */
  readonly past: readonly string[];
  /** The length of the violating walk as found, before shortening. */
  readonly foundLength: number;
  /** Walks tried while shortening it. */
  readonly shrinkTried: number;
  /** Whether `shrinkWalks` stopped the shortening: the walk is the shortest found by then, perhaps not 1-minimal. */
  readonly shrinkCut: boolean;
}

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
  // A walk's path is its number: the walks are not shrunk, so fast-check's paths into its shrinks never arise.
  if (options.path !== undefined && !/^\d{1,9}$/.test(options.path)) {
    throw new HarnessError(`a replay path is the number of a walk, as simulate printed it; got '${options.path}'`);
  }
  if (options.shrinkWalks !== undefined) checkCount('shrinkWalks', options.shrinkWalks, 0);
  const walker = new Walker(compiled, options.checkDeadlock ?? true);
  let modelError: ModelError | null = null;
  const tally = new Tally(started, options);
  // With continueAfterViolation, each property's first violating walk. The run's index replays a
  // walk that went past nothing; one that went past other properties' violations is replayed from
  // its saved trace.
  const firsts = new Map<string, Found>();
  let runs = 0;
  const picks = fc.array(fc.nat(), { minLength: 1, maxLength: maxLength + 1, size: 'max' });
  const property = fc.property(picks, (p) => {
    try {
      const end = walker.walk(p);
      tally.walked(walker.steps, end.failure !== null);
      const run = runs++;
      // A replayed path names one walk: it ends there, continued or not.
      if (end.failure === null || !options.continueAfterViolation || options.path !== undefined) return end.failure === null;
      firsts.set(end.failure.property, { picks: [...p], path: walker.ignored.size === 0 ? String(run) : null, past: walker.ignored });
      walker.ignored = new Set([...walker.ignored, end.failure.property]);
      return true;
    } catch (e) {
      if (e instanceof ModelError) modelError = e;
      throw e;
    }
  });
  // fast-check's shrinking of the picks is left out: a pick names another move once one before it
  // changes. At `sva` it took 47,000-78,000 walks to shrink a walk to 56 steps; `shortened` takes
  // the walk as found to 41 in some 900.
  const details = fc.check(property, {
    // A path replays that walk alone; fast-check would go on with the walks after it.
    numRuns: options.path === undefined ? walks : 1,
    endOnFailure: true,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  if (modelError !== null) throw modelError;
  const found = [...firsts.values()];
  if (details.failed) {
    const counterexample = details.counterexample?.[0];
    if (counterexample === undefined || details.counterexamplePath === null) throw details.errorInstance;
    found.push({ picks: counterexample, path: details.counterexamplePath, past: new Set() });
  }
  if (found.length === 0) {
    const stepCounts = compiled.stepKeys.map((step) => ({ step, fired: 0 }));
    compiled.actions.forEach((a, i) => {
      (stepCounts[a.stepIndex] as { fired: number }).fired += walker.fired[i]!;
    });
    return { kind: 'ok', walks: details.numRuns, steps: walker.steps, seed: details.seed, seconds: (performance.now() - started) / 1000, stepCounts };
  }
  const violations = found.map((f) => shortenedViolation(compiled, walker, f, tally, options.shrinkWalks ?? Infinity));
  return { kind: 'violation', violations, walks: details.numRuns, seed: details.seed, seconds: (performance.now() - started) / 1000 };
}

/** A violating walk: its picks, the path that replays it (null: none), and the properties it went on past. */
interface Found {
  readonly picks: readonly number[];
  readonly path: string | null;
  readonly past: ReadonlySet<string>;
}

/** The violation the walk `f` ends in, its walk shortened within `budget` walks of its own, going past what `f` went past. */
function shortenedViolation<S, C>(compiled: Compiled<S, C>, walker: Walker<S, C>, { picks, path, past }: Found, tally: Tally, budget: number): SimulatedViolation<S> {
  walker.ignored = past;
  // Walks are deterministic, so re-running the picks rebuilds the walk fast-check judged.
  const found = walker.walkPicks(picks);
  tally.startShortening(found.end.trace.length - 1);
  const short = found.end.failure === null ? found : shortened(walker, found, tally, budget);
  const { failure, trace } = short.end;
  if (failure === null) {
    throw new ModelError(`model ${compiled.model.name} is not deterministic: a failing walk passed when replayed`);
  }
  return {
    violation: {
      property: failure.property,
      kind: failure.kind,
      description: failure.description,
      trace,
      length: trace.length - 1,
      ...(failure.detail === undefined ? {} : { detail: failure.detail }),
    },
    path,
    past: [...past],
    foundLength: found.end.trace.length - 1,
    shrinkTried: tally.tried,
    shrinkCut: tally.cut,
  };
}

/**
 * The violating walk made shorter a move at a time, as delta debugging does: each move left out in
 * turn (from the last), then each replaced by another move enabled where it was taken; the moves
 * after it are taken where they are still enabled and skipped where not, and a walk that violates
 * the same property in fewer steps is kept. Passes until neither shortens it: no single move can
 * go or be swapped for a shorter walk. At most `budget` walks; deterministic, so a seed and path
 * give the same walk again.
 */
function shortened<S, C>(walker: Walker<S, C>, found: Walked<S>, tally: Tally, budget: number): Walked<S> {
  const property = found.end.failure!.property;
  let best = found;
  const better = (w: Walked<S>): boolean => w.end.failure?.property === property && w.keys.length < best.keys.length;
  const attempt = (keys: readonly MoveKey[]): Walked<S> | null => {
    if (tally.tried >= budget) {
      tally.cut = true;
      return null;
    }
    const w = walker.walkMoves(best.picks[0]!, keys);
    tally.tried++;
    tally.walked(walker.steps, false);
    return w;
  };
  for (let improved = true; improved && !tally.cut; ) {
    improved = false;
    for (let i = best.keys.length - 1; i >= 0 && !tally.cut; i--) {
      const w = attempt([...best.keys.slice(0, i), ...best.keys.slice(i + 1)]);
      if (w === null || !better(w)) continue;
      best = tally.kept(w);
      improved = true;
      i = Math.min(i, best.keys.length);
    }
    for (let i = best.keys.length - 1; i >= 0 && !tally.cut; i--) {
      const here = walker.walkMoves(best.picks[0]!, best.keys.slice(0, i)).enabled;
      for (const other of here) {
        const key = best.keys[i]!;
        if (other.action === key.action && other.choice === key.choice) continue;
        const w = attempt([...best.keys.slice(0, i), other, ...best.keys.slice(i + 1)]);
        if (w === null || !better(w)) continue;
        best = tally.kept(w);
        improved = true;
        break;
      }
      i = Math.min(i, best.keys.length);
    }
  }
  return best;
}

/** The walks' progress, and the walks tried while shortening the walk being shortened. */
class Tally {
  tried = 0;
  cut = false;
  private walks = 0;
  private violated = 0;
  /** The length of the walk being shortened, null while the walks run. */
  private failing: number | null = null;
  private lastReport: number;

  constructor(
    private readonly started: number,
    private readonly options: SimulateOptions,
  ) {
    this.lastReport = started;
  }

  /** The shortening of a walk of `length` steps begins: its own count and budget. */
  startShortening(length: number): void {
    this.tried = 0;
    this.cut = false;
    this.failing = length;
  }

  /** The shortening keeps `w`, shorter than the walk it had. */
  kept<W extends { readonly keys: readonly unknown[] }>(w: W): W {
    this.failing = w.keys.length;
    return w;
  }

  /** A walk ran, `steps` steps over all walks so far; `violating`: it ended in a violation. */
  walked(steps: number, violating: boolean): void {
    this.walks++;
    if (violating) this.violated++;
    const now = performance.now();
    const { onProgress, progressEvery = 1 } = this.options;
    if (onProgress === undefined || now - this.lastReport < progressEvery * 1000) return;
    this.lastReport = now;
    const phase = this.failing === null ? 'walking' : 'shortening';
    onProgress({ phase, walks: this.walks, violated: this.violated, tried: this.tried, steps, failing: this.failing, seconds: (now - this.started) / 1000 });
  }
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new HarnessError(`${name} must be an integer of at least ${min}, got ${value}`);
  }
}
