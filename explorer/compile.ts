// A model bound to one config: its processes flattened into a fixed, ordered table of actions
// (process instance × step), so that a move is two small integers (action, choice index) and the
// order in which moves are offered never changes between runs.
import { produce, setAutoFreeze, type Draft } from 'immer';
import type { ActionProperty, AnyStep, ConfigArg, Invariant, Model, Process, StepTaken, Witness } from './model.ts';
import type { Codec } from './codec.ts';
import { errorMessage, HarnessError, ModelError, stepError } from './errors.ts';
import { compileLiveness, type CompiledLiveness } from './liveness/fairness.ts';

// States are plain data owned by the explorer; freezing them costs time and protects nothing.
setAutoFreeze(false);

export interface Action<S> {
  readonly index: number;
  readonly process: Process<S>;
  readonly self: number;
  readonly step: AnyStep<S>;
  /** `process/step`, the name fire counts and variants use. */
  readonly stepKey: string;
  /** Index of `stepKey` in `Compiled.stepKeys`. */
  readonly stepIndex: number;
}

/**
 * The actions of one process instance, by the label its pc may show: the search computes the pc
 * once per instance instead of once per step, and visits the steps `at` that label (and those with
 * no `at`) in their order in `actions`.
 */
export interface Instance<S> {
  readonly process: Process<S>;
  readonly self: number;
  readonly byLabel: ReadonlyMap<string, readonly Action<S>[]>;
  /** The steps with no `at`: all that a pc matching no label offers. */
  readonly anyLabel: readonly Action<S>[];
}

export interface Compiled<S, C> {
  readonly model: Model<S, C>;
  readonly config: C;
  readonly codec: Codec<S>;
  readonly actions: readonly Action<S>[];
  /** `actions` grouped by process instance, in the same order. */
  readonly instances: readonly Instance<S>[];
  readonly stepKeys: readonly string[];
  readonly initStates: readonly S[];
  /** The model's properties, `isFinal` and `canonicalize` with the config bound (they take it second). */
  readonly invariants: readonly Invariant<S>[];
  readonly witnesses: readonly Witness<S>[];
  /**
   * Per invariant and per witness: the bits of the top-level fields it reads (bit k: the codec's
   * k-th field; ALL_FIELDS where it does not say, or the state is not a record of at most 31 fields).
   */
  readonly invariantReads: readonly number[];
  readonly witnessReads: readonly number[];
  readonly actionProperties: readonly ActionProperty<S>[];
  readonly liveness: readonly CompiledLiveness<S>[];
  readonly isFinal: ((s: S) => boolean) | undefined;
  readonly constraint: ((s: S) => boolean) | undefined;
  readonly canonicalize: ((s: S) => S) | undefined;
  /** The symmetry `canonicalize` reduces by, said in a line (undefined: no symmetry reduction). */
  readonly symmetry: string | undefined;
  /** The model's independent process groups at this config, as indexes into `instances`. */
  readonly independent: readonly (readonly number[])[];
}

export const MAX_ACTIONS = 0xffff;
export const MAX_CHOICES = 0xffff;

export function compile<S, C>(model: Model<S, C>, config: C): Compiled<S, C> {
  // The config as the trailing argument of a property (ConfigArg<C> cannot be resolved for a generic C).
  const cfg = [config] as unknown as ConfigArg<C>;
  const bound = <R>(f: (s: S, ...config: ConfigArg<C>) => R) => (s: S): R => f(s, ...cfg);
  const processes = model.processes(config);
  const actions: Action<S>[] = [];
  const stepKeys: string[] = [];
  const seenProcess = new Set<string>();
  for (const process of processes) {
    if (seenProcess.has(process.name)) {
      throw new HarnessError(`model ${model.name}: two processes are named '${process.name}'`);
    }
    seenProcess.add(process.name);
    const seenStep = new Set<string>();
    const firstIndex = stepKeys.length;
    for (const s of process.steps) {
      if (seenStep.has(s.name)) {
        throw new HarnessError(`model ${model.name}: process '${process.name}' has two steps named '${s.name}'`);
      }
      seenStep.add(s.name);
      stepKeys.push(`${process.name}/${s.name}`);
    }
    for (let self = 0; self < process.instances; self++) {
      process.steps.forEach((s, i) => {
        actions.push({
          index: actions.length,
          process,
          self,
          step: s,
          stepKey: stepKeys[firstIndex + i] as string,
          stepIndex: firstIndex + i,
        });
      });
    }
  }
  if (actions.length > MAX_ACTIONS) {
    throw new HarnessError(`model ${model.name}: ${actions.length} actions, at most ${MAX_ACTIONS} supported`);
  }
  const invariantNames = new Set<string>();
  for (const inv of [...model.invariants, ...(model.witnesses ?? []), ...(model.actionProperties ?? []), ...(model.liveness ?? [])]) {
    if (invariantNames.has(inv.name)) {
      throw new HarnessError(`model ${model.name}: two properties are named '${inv.name}'`);
    }
    invariantNames.add(inv.name);
  }
  const instances = groupByInstance(actions);
  const codec = model.codec(config);
  const readMask = (p: { readonly reads?: readonly string[] }): number => fieldMask(codec as Codec<unknown>, p.reads);
  // The model's canonicalize reduces the run only where its params declare the symmetry.
  const symmetry = model.canonicalize ? (model.symmetry ? model.symmetry(...cfg) : "symmetry reduction (the model's canonicalize)") : undefined;
  return {
    model,
    config,
    codec,
    actions,
    instances,
    stepKeys,
    initStates: model.init(config),
    invariants: model.invariants.map((i) => ({ ...i, holds: bound(i.holds) })),
    witnesses: (model.witnesses ?? []).map((w) => ({ ...w, reached: bound(w.reached) })),
    invariantReads: model.invariants.map(readMask),
    witnessReads: (model.witnesses ?? []).map(readMask),
    actionProperties: (model.actionProperties ?? []).map((a) => ({ ...a, holds: (before: S, after: S, step: StepTaken) => a.holds(before, after, step, ...cfg) })),
    liveness: compileLiveness(model.name, model.liveness ?? [], actions, cfg),
    isFinal: model.isFinal && bound(model.isFinal),
    constraint: model.constraint && bound(model.constraint),
    canonicalize: symmetry !== undefined && model.canonicalize ? bound(model.canonicalize) : undefined,
    symmetry,
    independent: independentGroups(model, instances, model.independent?.(...cfg) ?? []),
  };
}

/** Every top-level field: a property that does not say what it reads, or a state that is not a small record. */
export const ALL_FIELDS = -1;

/**
 * The bits of `reads` among the top-level fields of `codec`'s states (explorer/copy-on-touch.ts
 * touches them). A field this config's state lacks (an optional slice) has no bit: no step changes it.
 */
function fieldMask(codec: Codec<unknown>, reads: readonly string[] | undefined): number {
  const shape = codec.shape;
  if (reads === undefined || shape?.kind !== 'record' || shape.keys.length > 31) return ALL_FIELDS;
  let mask = 0;
  for (const key of reads) {
    const k = shape.keys.indexOf(key);
    if (k >= 0) mask |= 1 << k;
  }
  return mask;
}

/** The names of the processes in the model's independent groups at this config. */
export function groupedProcesses<S, C>(compiled: Compiled<S, C>): ReadonlySet<string> {
  return new Set(compiled.independent.flat().map((k) => compiled.instances[k]!.process.name));
}

function independentGroups<S>(model: { readonly name: string }, instances: readonly Instance<S>[], groups: readonly (readonly string[])[]): number[][] {
  const grouped = new Set<string>();
  return groups
    .map((names) => {
      for (const name of names) {
        if (!instances.some((i) => i.process.name === name)) throw new HarnessError(`model ${model.name}: independent group names process '${name}', which it does not have`);
        if (grouped.has(name)) throw new HarnessError(`model ${model.name}: process '${name}' is in two independent groups`);
        grouped.add(name);
      }
      return instances.flatMap((inst, k) => (names.includes(inst.process.name) ? [k] : []));
    })
    .filter((g) => g.length > 0);
}

function groupByInstance<S>(actions: readonly Action<S>[]): Instance<S>[] {
  const groups: Action<S>[][] = [];
  for (const a of actions) {
    const last = groups.at(-1);
    if (last && last[0]!.process === a.process && last[0]!.self === a.self) last.push(a);
    else groups.push([a]);
  }
  return groups.map((group) => {
    const labels = new Set(group.flatMap((a) => (a.step.at === undefined ? [] : typeof a.step.at === 'string' ? [a.step.at] : [...a.step.at])));
    const byLabel = new Map<string, Action<S>[]>();
    for (const label of labels) byLabel.set(label, group.filter((a) => a.step.at === undefined || a.step.at === label || (typeof a.step.at !== 'string' && a.step.at.includes(label))));
    return { process: group[0]!.process, self: group[0]!.self, byLabel, anyLabel: group.filter((a) => a.step.at === undefined) };
  });
}

/** The actions an instance offers at its current pc, in their order in `actions`. */
export function actionsAt<S>(instance: Instance<S>, s: S): readonly Action<S>[] {
  const pc = instance.process.pc ? instance.process.pc(s, instance.self) : '';
  return instance.byLabel.get(pc) ?? instance.anyLabel;
}

/** The choices of an action whose `at` label already matched. */
export function choicesAtLabel<S>(action: Action<S>, s: S): readonly unknown[] {
  const choices = action.step.choices ? action.step.choices(s, action.self) : SINGLE;
  if (choices.length > MAX_CHOICES) {
    throw new ModelError(`step ${action.stepKey} offers ${choices.length} choices, at most ${MAX_CHOICES}`);
  }
  return choices;
}

/** The program counter label of an action's process instance, or '' when the process has none. */
export function pcOf<S>(action: Action<S>, s: S): string {
  return action.process.pc ? action.process.pc(s, action.self) : '';
}

function atLabel<S>(action: Action<S>, s: S): boolean {
  const at = action.step.at;
  if (at === undefined) return true;
  const pc = pcOf(action, s);
  return typeof at === 'string' ? pc === at : at.includes(pc);
}

/** The choices an action offers in `s` (one `undefined` for a step without choices). */
export function choicesOf<S>(action: Action<S>, s: S): readonly unknown[] {
  return atLabel(action, s) ? choicesAtLabel(action, s) : NO_CHOICES;
}

export function isEnabled<S>(action: Action<S>, s: S, choice: unknown): boolean {
  const guard = action.step.enabled;
  return guard === undefined || guard(s, action.self, choice);
}

const NO_CHOICES: readonly unknown[] = [];
const SINGLE: readonly unknown[] = [undefined];

/** The successor through an immer draft: the reference semantics of a step. */
export function applyWithImmer<S>(action: Action<S>, s: S, choice: unknown): S {
  return produce(s, (draft: Draft<S>) => {
    action.step.apply(draft, action.self, choice);
  });
}

export interface Move<S> {
  readonly action: Action<S>;
  readonly choiceIndex: number;
  readonly choice: unknown;
}

/**
 * The enabled moves at `s`, of every process instance or of the instances `only` lists (indexes into
 * `instances`), in the fixed order (action, then choice). What a pc, a step's choices or its guard
 * throws is the model's error, named as the search names it.
 */
export function enabledMoves<S, C>(compiled: Compiled<S, C>, s: S, only?: readonly number[]): Move<S>[] {
  const name = compiled.model.name;
  const moves: Move<S>[] = [];
  const instances = only === undefined ? compiled.instances : only.map((k) => compiled.instances[k]!);
  for (const instance of instances) {
    for (const action of namedActionsAt(name, instance, s)) {
      const choices = namedChoices(name, action, s);
      for (let c = 0; c < choices.length; c++) {
        if (namedEnabled(name, action, s, choices[c])) moves.push({ action, choiceIndex: c, choice: choices[c] });
      }
    }
  }
  return moves;
}

/** actionsAt, a pc that throws named as the model's error. */
export function namedActionsAt<S>(modelName: string, instance: Instance<S>, s: S): readonly Action<S>[] {
  try {
    return actionsAt(instance, s);
  } catch (e) {
    throw new ModelError(`model ${modelName}: process ${instance.process.name}[${instance.self}] threw computing its pc: ${errorMessage(e)}`);
  }
}

/** choicesAtLabel, choices that throw named as the step's. */
export function namedChoices<S>(modelName: string, action: Action<S>, s: S): readonly unknown[] {
  try {
    return choicesAtLabel(action, s);
  } catch (e) {
    throw stepError(modelName, action.stepKey, 'choices', e);
  }
}

/** isEnabled, a guard that throws named as the step's. */
export function namedEnabled<S>(modelName: string, action: Action<S>, s: S, choice: unknown): boolean {
  try {
    return isEnabled(action, s, choice);
  } catch (e) {
    throw stepError(modelName, action.stepKey, 'guard', e);
  }
}

export function showChoice<S>(action: Action<S>, choice: unknown): string {
  if (choice === undefined) return '';
  return action.step.showChoice ? action.step.showChoice(choice) : JSON.stringify(choice);
}
