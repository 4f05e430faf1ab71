// The report of a finished search, from what it kept: the counts, the violations found (each rebuilt
// into a shortest trace from the stored parent links) and the witnesses. Shared by the one-thread
// search (bfs.ts) and the parallel one (parallel/coordinator.ts), which keep the same records.
import type { Compiled } from './compile.ts';
import type { FoundRecord } from './checkpoint.ts';
import { collisionProbability } from './fingerprint.ts';
import type { ExploreResult, IncompleteReason, Stats, Violation } from './result.ts';
import type { U32Vec } from './store.ts';
import { extendTrace, NO_PARENT, rebuildTrace } from './trace/rebuild.ts';
import { projectViolation } from './trace/project.ts';

export interface SearchRecord {
  readonly found: readonly FoundRecord[];
  readonly parents: U32Vec;
  readonly moves: U32Vec;
  readonly actionBits: number;
  readonly fired: Float64Array;
  readonly reached: readonly boolean[];
  /** Successors generated, initial states not included. */
  readonly generated: number;
  readonly deepest: number;
  readonly frontierPeak: number;
  readonly seconds: number;
  /** Bytes the search kept, for bytes per stored state. */
  readonly bytes: number;
  readonly incomplete: IncompleteReason | undefined;
  /** Every reachable state was expanded (so witnesses not reached are reported). */
  readonly complete: boolean;
}

/**
 * The distinct states first reached at each depth, from the parent links: a breadth-first search
 * stores a level's states after all of the previous level's (one thread or several), so a state's
 * depth is its parent's plus one, found among the level boundaries so far.
 */
export function levelSizes(parents: U32Vec): number[] {
  const starts: number[] = [0];
  const levelOf = (id: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= id) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  for (let id = 0; id < parents.length; id++) {
    const parent = parents.get(id);
    if (parent === NO_PARENT) continue;
    const level = levelOf(parent) + 1;
    if (level === starts.length) starts.push(id);
  }
  return starts.map((start, i) => (starts[i + 1] ?? parents.length) - start);
}

export function searchStats<S, C>(compiled: Compiled<S, C>, r: SearchRecord): Stats {
  const distinct = r.parents.length;
  const totalGenerated = r.generated + compiled.initStates.length;
  const stepCounts = compiled.stepKeys.map((step) => ({ step, fired: 0 }));
  compiled.actions.forEach((a, i) => {
    (stepCounts[a.stepIndex] as { fired: number }).fired += r.fired[i]!;
  });
  return {
    distinctStates: distinct,
    statesGenerated: totalGenerated,
    depth: r.deepest,
    levels: levelSizes(r.parents),
    frontierPeak: r.frontierPeak,
    stepCounts,
    neverFired: stepCounts.filter((s) => s.fired === 0).map((s) => s.step),
    seconds: r.seconds,
    statesPerSecond: r.seconds > 0 ? distinct / r.seconds : distinct,
    bytesPerState: distinct > 0 ? r.bytes / distinct : 0,
    collisionProbability: collisionProbability(distinct, totalGenerated),
    ...(compiled.symmetry === undefined ? {} : { reduction: compiled.symmetry }),
  };
}

export function foundViolations<S, C>(compiled: Compiled<S, C>, r: SearchRecord): Violation<S>[] {
  return r.found.map((f) => {
    const trace =
      f.initIndex !== undefined
        ? [{ move: null, state: compiled.initStates[f.initIndex]! }]
        : f.move === undefined
          ? rebuildTrace(compiled, r.parents, r.moves, r.actionBits, f.id)
          : extendTrace(compiled, rebuildTrace(compiled, r.parents, r.moves, r.actionBits, f.id), f.move, r.actionBits);
    return projectViolation(compiled, {
      property: f.property,
      kind: f.kind,
      description: f.description,
      trace,
      length: trace.length - 1,
      ...(f.detail === undefined ? {} : { detail: f.detail }),
    });
  });
}

/** The result, given the violations (found, then liveness) and the stats. */
export function searchResult<S, C>(compiled: Compiled<S, C>, r: SearchRecord, stats: Stats, violations: Violation<S>[]): ExploreResult<S> {
  const witnesses = compiled.witnesses;
  const witnessReports = witnesses.map((w, i) => ({ name: w.name, description: w.description, reached: r.reached[i]! }));
  if (r.complete) {
    witnesses.forEach((w, i) => {
      if (!r.reached[i]) {
        violations.push({ property: w.name, kind: 'witness', description: `never reached: ${w.description}`, trace: [], length: 0 });
      }
    });
  }
  const incomplete = r.incomplete;
  if (violations.length > 0) {
    return { kind: 'violation', stats, violations, witnesses: witnessReports, ...(incomplete === undefined ? {} : { incomplete }) };
  }
  if (incomplete !== undefined) return { kind: 'incomplete', stats, reason: incomplete, witnesses: witnessReports };
  return { kind: 'ok', stats, witnesses: witnessReports };
}
