// What a search returns: a value, never an exit code (only the CLI makes one of it).

export type PropertyKind = 'invariant' | 'action' | 'liveness' | 'deadlock' | 'witness';

export interface TraceMove {
  readonly process: string;
  readonly self: number;
  readonly step: string;
  readonly choice: unknown;
  readonly choiceIndex: number;
  /** The process instance's program counter before the step, when the process has one. */
  readonly pc: string;
  /** The choice as the step prints it (its `showChoice`), or '' for a step without choices. */
  readonly shown: string;
}

/** State 0 has no move (an initial state); every later state records the move that reached it. */
export interface TraceState<S = unknown> {
  readonly move: TraceMove | null;
  readonly state: S;
}

export interface Violation<S = unknown> {
  readonly property: string;
  readonly kind: PropertyKind;
  readonly description: string;
  /** Shortest path to a violating state; empty for a witness no explored state reached. */
  readonly trace: readonly TraceState<S>[];
  /** Steps in the trace (its length minus the initial state). */
  readonly length: number;
  /** For a deadlock: why the model says the state is stuck. */
  readonly detail?: string;
  /**
   * For a liveness property: the trace is a lasso. Its states from `loop` on are the cycle, and its
   * last state is trace[loop] again (reached by the cycle's last step); when `loop` is the last
   * index, the behaviour stutters there for ever.
   */
  readonly loop?: number;
}

export interface StepCount {
  readonly step: string;
  readonly fired: number;
}

export interface Stats {
  readonly distinctStates: number;
  readonly statesGenerated: number;
  /** Steps on the longest of the shortest paths explored (0 when only initial states). */
  readonly depth: number;
  /** Distinct states first reached at each depth (index 0: the initial states), for how a cut search was still growing. */
  readonly levels: readonly number[];
  readonly frontierPeak: number;
  readonly stepCounts: readonly StepCount[];
  readonly neverFired: readonly string[];
  readonly seconds: number;
  readonly statesPerSecond: number;
  /** Fingerprint table, parent links, the peak frontier and the state graph (liveness), divided by distinct states. */
  readonly bytesPerState: number;
  readonly collisionProbability: number;
  /** Threads that expanded states (absent: the one-thread search). */
  readonly workers?: number;
  /** Peak bytes of the frontier held on disk (ExploreOptions.frontierMemoryBytes); absent: none. */
  readonly frontierSpilledBytes?: number;
  /** Bytes of parent links and moves in their file (all but the last 262,144 states'); absent: none. */
  readonly traceFileBytes?: number;
  /** The checkpoint the search last wrote (--checkpoint), if any. */
  readonly checkpoint?: string;
  /**
   * Why the search's last try at a checkpoint failed (a full disk, say), if it did: the search went
   * on, and `checkpoint` is the last one written, if any.
   */
  readonly checkpointFailed?: string;
  /**
   * The reductions the search applied (symmetry, partial-order), said in a line (absent: none; the
   * counts are of all states).
   */
  readonly reduction?: string;
  /**
   * Liveness: checked on the whole graph (with its size), or why not (the search stopped early,
   * symmetry reduction, --no-liveness); absent for a model without liveness properties.
   */
  readonly liveness?: { readonly checked: true; readonly edges: number; readonly seconds: number } | { readonly checked: false; readonly reason: string };
}

/** 'interrupted': Ctrl-C, the search written to its checkpoint when one was asked for. */
export type IncompleteReason = 'max-depth' | 'max-states' | 'max-seconds' | 'memory' | 'interrupted';

export interface WitnessReport {
  readonly name: string;
  readonly description: string;
  readonly reached: boolean;
}

export type ExploreResult<S = unknown> =
  | { readonly kind: 'ok'; readonly stats: Stats; readonly witnesses: readonly WitnessReport[] }
  | {
      readonly kind: 'violation';
      readonly stats: Stats;
      readonly violations: readonly Violation<S>[];
      readonly witnesses: readonly WitnessReport[];
      /** Set when the search also stopped early on a bound (with --continue). */
      readonly incomplete?: IncompleteReason;
    }
  | {
      readonly kind: 'incomplete';
      readonly stats: Stats;
      readonly reason: IncompleteReason;
      readonly witnesses: readonly WitnessReport[];
    };

export interface Progress {
  readonly distinctStates: number;
  readonly statesGenerated: number;
  readonly depth: number;
  readonly frontier: number;
  readonly seconds: number;
}
