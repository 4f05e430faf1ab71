// The contract every model implements. The explorer sees only a `Model` value: it knows nothing
// about what the state means, only how to start it, step it, encode it and judge it.
import type { Draft } from 'immer';
import type { z } from 'zod';
import type { Codec } from './codec.ts';
import type { ModelTrace, Tracepoint } from './trace-validate/events.ts';

/**
 * One atomic step of a process: a guard and an immer recipe. `self` is the process instance
 * (0 for a process with one instance); `choice` is one of the values `choices` offers, or
 * `undefined` for a step without nondeterminism.
 *
 * The recipe mutates a draft and returns nothing. The explorer may hand it an immer draft or a
 * fresh private copy of the state (decoded from its canonical encoding); both give the same result
 * for a recipe that only mutates its draft, which test/explorer checks for every model it ships.
 */
export interface Step<S, P = undefined> {
  readonly name: string;
  /** Label of the process's program counter at which the step is offered (PlusCal style). */
  readonly at?: string | readonly string[];
  /** Nondeterministic parameter values, offered in this order; an empty list disables the step. */
  readonly choices?: (s: S, self: number) => readonly P[];
  /** The guard; a disabled step is a value (false), never an exception. */
  readonly enabled?: (s: S, self: number, choice: P) => boolean;
  readonly apply: (draft: Draft<S>, self: number, choice: P) => void;
  /** How a choice is printed in traces; JSON by default. */
  readonly showChoice?: (choice: P) => string;
  /** One line for `sva-check steps` and the README: which kernel code the step mirrors. */
  readonly doc?: string;
  /** Where that code is: file:first-last at the version the model follows (or what it is, for hardware). */
  readonly source?: string;
  /** The locks held while the step runs, as the kernel takes them ('none' where it takes none). */
  readonly locks?: string;
  /**
   * The event the step prints in the model's log (Model.trace), computed from the states before and
   * after it; null when this taking prints nothing. A step without one prints nothing. Declared on the
   * step so that a variant replacing or adding a step says what its step prints.
   */
  readonly tracepoint?: Tracepoint<S>;
}

/** A step with its parameter type erased, as processes hold them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStep<S> = Step<S, any>;

export interface Process<S> {
  readonly name: string;
  /** How many copies run (devices, workers); each gets `self` in 0..instances-1. */
  readonly instances: number;
  /** The program counter of an instance, for `at` guards, traces and stall reports. */
  readonly pc?: (s: S, self: number) => string;
  readonly steps: readonly AnyStep<S>[];
}

/**
 * The run's parameters, passed to properties, `isFinal` and `canonicalize` so that a bound need not
 * be hard-coded there; optional for a property written for any config (C unknown).
 */
export type ConfigArg<C> = unknown extends C ? [config?: C] : [config: C];

export interface Invariant<S, C = unknown> {
  readonly name: string;
  readonly description: string;
  /** Where the rule comes from: a seed, a kernel file and commit, a spec. */
  readonly source: string;
  readonly holds: (s: S, ...config: ConfigArg<C>) => boolean;
  /**
   * The state's top-level fields `holds` reads, if it reads fewer than all: the search then leaves it
   * unevaluated on a successor whose step touched none of them (its parent held it, and it reads
   * nothing that changed). A field it reads and does not list makes the search miss violations;
   * the search's `checkReads` option (test/spec) checks the list on every state it judges.
   */
  readonly reads?: readonly string[];
}

/** The step an action property judges: which instance took which step, with which choice. */
export interface StepTaken {
  readonly process: string;
  readonly self: number;
  readonly step: string;
  readonly choice: unknown;
}

/**
 * A property of every step rather than of every state (TLA+'s [][A]_v): it sees the state before,
 * the state after and the step, e.g. "a reference count only rises through a get".
 */
export interface ActionProperty<S, C = unknown> {
  readonly name: string;
  readonly description: string;
  readonly source: string;
  readonly holds: (before: S, after: S, step: StepTaken, ...config: ConfigArg<C>) => boolean;
}

/** A `sometimes` property: some explored state must satisfy it, or the model proves nothing there. */
export interface Witness<S, C = unknown> {
  readonly name: string;
  readonly description: string;
  readonly source?: string;
  readonly reached: (s: S, ...config: ConfigArg<C>) => boolean;
  /** As Invariant.reads: the top-level fields `reached` reads, if fewer than all. */
  readonly reads?: readonly string[];
}

/**
 * Fairness a liveness property assumes of one process (PlusCal's `fair process`): every instance of
 * it, restricted to `steps` where given (PlusCal's labels without `-`). Weak (WF): an instance that
 * stays enabled is eventually taken. Strong (SF): one enabled infinitely often is taken infinitely
 * often. A step that leaves the state unchanged is a stutter: it neither counts as taken nor enables.
 */
export interface Fairness {
  readonly process: string;
  readonly steps?: readonly string[];
  /**
   * Only the steps offered at these program-counter labels (its `at`): a thread that is fair once
   * inside a call (it holds a lock, it waits for a completion) but free not to make the call at all.
   */
  readonly at?: readonly string[];
  readonly strong?: boolean;
}

/**
 * A liveness property: `from ~> to` (TLA+'s leads-to: every state satisfying `from` is followed, at
 * once or later, by one satisfying `to`), or `<>to` from the initial states when `from` is absent.
 * It is checked on every behaviour fair to the processes `fairness` names; any other process may stop
 * for ever. A violation is a lasso: a path to a `from` state, then a cycle (or a stutter) that never
 * reaches `to`.
 */
export interface Liveness<S, C = unknown> {
  readonly name: string;
  readonly description: string;
  readonly source: string;
  /**
   * TLA+'s `\A i \in 0..each-1: from(i) ~> to(i)`: the property is checked for every i below this
   * (every device, every group), each instance on its own; absent: once, with i = 0.
   */
  readonly each?: (...config: ConfigArg<C>) => number;
  readonly from?: (s: S, i: number, ...config: ConfigArg<C>) => boolean;
  readonly to: (s: S, i: number, ...config: ConfigArg<C>) => boolean;
  /** Process names (weak fairness of all their steps) or finer conditions, or these by config. */
  readonly fairness: readonly (string | Fairness)[] | ((...config: ConfigArg<C>) => readonly (string | Fairness)[]);
}

export interface Model<S, C = unknown> {
  readonly name: string;
  /**
   * Models whose processes and steps this one contains under the same names, so that their variants
   * apply to it too (a variant of `iopf` edits the fault path of `sva` as well).
   */
  readonly includes?: readonly string[];
  readonly description: string;
  /** The kernel version or commit the model follows ("v5.13 fc36479db74e"), or the spec it mirrors. */
  readonly follows: string;
  /** Parameters with defaults; `parse` errors are reported path by path. */
  readonly params: z.ZodType<C>;
  readonly init: (config: C) => readonly S[];
  readonly codec: (config: C) => Codec<S>;
  readonly processes: (config: C) => readonly Process<S>[];
  readonly invariants: readonly Invariant<S, C>[];
  readonly witnesses?: readonly Witness<S, C>[];
  /**
   * TLC's CONSTRAINT: states outside it are checked against the invariants but neither stored nor
   * explored, so a bound need not be folded into the guards (which would change the counts).
   */
  readonly constraint?: (s: S, ...config: ConfigArg<C>) => boolean;
  /** Checked on every step the search takes, to a new state or to one already seen. */
  readonly actionProperties?: readonly ActionProperty<S, C>[];
  /** Checked on the whole state graph once a search completes (explorer/liveness/). */
  readonly liveness?: readonly Liveness<S, C>[];
  /**
   * Acceptable states with no enabled step. Any other such state is a deadlock (for the kernel
   * models: a stall). Without it every state with no enabled step is a deadlock, as in TLC.
   */
  readonly isFinal?: (s: S, ...config: ConfigArg<C>) => boolean;
  /**
   * false: a state with no enabled step is never reported (TLC's CHECK_DEADLOCK FALSE), for a spec
   * whose runs may simply end. Default true; `--no-deadlock` turns the check off for one run.
   */
  readonly checkDeadlock?: boolean;
  /** Why a deadlocked state is stuck, for the report (e.g. which device waits for what). */
  readonly explainDeadlock?: (s: S) => string;
  /**
   * Symmetry reduction: the representative of the state's symmetry class (for example the state
   * with interchangeable workers sorted). The search stores and expands representatives only; the
   * model promises that its steps, invariants and final states treat symmetric states alike.
   * Counterexamples are still concrete paths (rebuilt through the representatives). It must not
   * change `s` (a successor shares what its step did not touch with its parent): it returns `s`
   * itself when `s` is the representative, else a new state; --check-symmetry checks both.
   */
  readonly canonicalize?: (s: S, ...config: ConfigArg<C>) => S;
  /**
   * Which symmetry the run's params declare, said in a line for the report, or undefined when they
   * declare none (then `canonicalize` is not used, and liveness is checked). A model with
   * `canonicalize` and without this reduces by it in every run.
   */
  readonly symmetry?: (...config: ConfigArg<C>) => string | undefined;
  /**
   * Partial-order reduction for parts of the model that share nothing with the rest: groups of
   * processes (by name) whose steps read and write only state no process outside the group touches,
   * read by properties that read nothing else, and that take a bounded number of steps. At a state
   * where a group has an enabled step, the search expands that group's steps alone (a persistent
   * set: every interleaving with the rest reaches the same states of each part), so the parts'
   * state spaces add where they would multiply. `--check-independence` tests the promise on every
   * state the reduction applies to; `--no-por` turns it off.
   */
  readonly independent?: (...config: ConfigArg<C>) => readonly (readonly string[])[];
  /**
   * The vocabularies a variant may extend (explorer/vocabulary.ts), each with the model's own labels:
   * its program counters and warning kinds, so that a patch adding a label or a WARN_ON needs no copy
   * of the model's layout.
   */
  readonly vocabularies?: Readonly<Record<string, readonly string[]>>;
  /**
   * The kernel's event log as the model sees it (`sva-check validate-trace`): the log format's parser
   * and which step emits which event (explorer/trace-validate/events.ts).
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly trace?: ModelTrace<S, C, any>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModel = Model<any, any>;

/** Identity helpers that let TypeScript infer a step's choice type at the definition site. */
export function step<S, P = undefined>(def: Step<S, P>): Step<S, P> {
  return def;
}

export function defineModel<S, C>(model: Model<S, C>): Model<S, C> {
  return model;
}
