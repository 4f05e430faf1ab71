// A variant is a proposed or historical change to a model: named steps or invariants replaced,
// added or removed, with the verdict its author expects. It is applied to a model value, so the
// baseline and the variant are two models explored side by side.
import { CodecError, extendRecord, type Codec } from './codec.ts';
import { HarnessError } from './errors.ts';
import type { ActionProperty, AnyStep, Invariant, Liveness, Model, Process, Witness } from './model.ts';
import { withLabels, type Labels } from './vocabulary.ts';

export interface VariantExpectation {
  /**
   * Invariants (or 'deadlock', or witnesses) the variant should violate beyond the known findings
   * its config records; empty: nothing else is violated.
   */
  readonly violates: readonly string[];
  /** Known findings of the config that the variant no longer violates (the change fixes them). */
  readonly fixes?: readonly string[];
  /**
   * The shipped config the expectation is stated for, where it needs one (two devices, say);
   * absent: every config of the model.
   */
  readonly config?: string;
}

/** A step, or a function of the config that makes it (for steps that depend on bounds). */
export type StepOrFactory<S, C> = AnyStep<S> | ((config: C) => AnyStep<S>);

export interface StepEdits<S, C = unknown> {
  /** `process/step` → the step that takes its place (it keeps its position in the order). */
  readonly replace?: Readonly<Record<string, StepOrFactory<S, C>>>;
  /** `process` → steps appended to that process. */
  readonly add?: Readonly<Record<string, readonly StepOrFactory<S, C>[]>>;
  /** `process/step` names removed. */
  readonly remove?: readonly string[];
}

export interface PropertyEdits<P> {
  readonly replace?: Readonly<Record<string, P>>;
  readonly add?: readonly P[];
  readonly remove?: readonly string[];
}

/** A state field a variant adds to its model's state: its codec and its initial value, by config. */
export interface StateField<C> {
  readonly codec: (config: C) => Codec<unknown>;
  readonly init: (config: C) => unknown;
}

export interface Variant<S = unknown, C = unknown> {
  /** kebab-case id, used on the command line and in counterexample file names. */
  readonly id: string;
  readonly title: string;
  /** The seed, review message or kernel commit the change comes from. */
  readonly source: string;
  /** Why the verdict is what it is, or why the model cannot tell the variant from the baseline. */
  readonly description?: string;
  /** The model the variant edits (its `name`). */
  readonly model: string;
  readonly expect: VariantExpectation;
  readonly steps?: StepEdits<S, C>;
  readonly invariants?: PropertyEdits<Invariant<S, C>>;
  readonly witnesses?: PropertyEdits<Witness<S, C>>;
  readonly actionProperties?: PropertyEdits<ActionProperty<S, C>>;
  readonly liveness?: PropertyEdits<Liveness<S, C>>;
  /**
   * Fields the variant adds to the state (the model's state must be a record): encoded after the
   * model's own, so the model's layout is untouched; every initial state gets their initial values.
   */
  readonly state?: Readonly<Record<string, StateField<C>>>;
  /**
   * Labels the variant adds to the model's vocabularies (a program counter for a call the patch
   * adds, a warning kind for its WARN_ON), by vocabulary name; its steps use them as the model's own.
   */
  readonly labels?: Labels;
  /** Deeper changes (new processes, final states, config defaults), applied after the edits above. */
  readonly transform?: (model: Model<S, C>) => Model<S, C>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyVariant = Variant<any, any>;

export function defineVariant<S, C>(variant: Variant<S, C>): Variant<S, C> {
  return variant;
}

/**
 * Variants applied one after the other, as one variant: id `a+b`, the model they share, and the
 * union of what they expect (a later part's step edits win over an earlier part's).
 */
export function composeVariants(parts: readonly AnyVariant[]): AnyVariant {
  if (parts.length === 1) return parts[0]!;
  const models = [...new Set(parts.map((p) => p.model))];
  if (models.length !== 1) throw new HarnessError(`variants ${parts.map((p) => p.id).join(', ')} are for different models (${models.join(', ')})`);
  const union = (f: (v: AnyVariant) => readonly string[] | undefined): string[] => [...new Set(parts.flatMap((p) => f(p) ?? []))].sort();
  return {
    id: parts.map((p) => p.id).join('+'),
    title: parts.map((p) => p.title).join('; '),
    source: parts.map((p) => p.source).join('; '),
    model: models[0]!,
    expect: { violates: union((p) => p.expect.violates), fixes: union((p) => p.expect.fixes), ...sharedConfig(parts) },
    transform: (m) => parts.reduce((acc, p) => applyVariant(acc, p), m),
  };
}

/** The config the parts' expectations are stated for, when they name one and agree on it. */
function sharedConfig(parts: readonly AnyVariant[]): { config?: string } {
  const named = [...new Set(parts.map((p) => p.expect.config).filter((c): c is string => c !== undefined))];
  return named.length === 1 ? { config: named[0]! } : {};
}

export function applyVariant<S, C>(model: Model<S, C>, variant: Variant<S, C>): Model<S, C> {
  if (variant.model !== model.name && !(model.includes ?? []).includes(variant.model)) {
    throw new HarnessError(`variant ${variant.id} is for model '${variant.model}', not '${model.name}'`);
  }
  const edited: Model<S, C> = {
    ...model,
    name: model.name,
    processes: (config) => editProcesses(variant, model.processes(config), config),
    invariants: editProperties(variant.id, 'invariant', model.invariants, variant.invariants),
    witnesses: editProperties(variant.id, 'witness', model.witnesses ?? [], variant.witnesses),
    actionProperties: editProperties(variant.id, 'action property', model.actionProperties ?? [], variant.actionProperties),
    liveness: editProperties(variant.id, 'liveness property', model.liveness ?? [], variant.liveness),
    ...(variant.state ? addState(variant.id, model, variant.state) : {}),
  };
  const labelled = variant.labels ? addLabels(variant.id, edited, variant.labels) : edited;
  return variant.transform ? variant.transform(labelled) : labelled;
}

/** The model reading the variant's labels through its config, with its vocabularies extended. */
function addLabels<S, C>(id: string, model: Model<S, C>, labels: Labels): Model<S, C> {
  const own = model.vocabularies ?? {};
  const vocabularies: Record<string, readonly string[]> = { ...own };
  for (const [name, added] of Object.entries(labels)) {
    const known = own[name];
    if (known === undefined) {
      const names = Object.keys(own);
      throw new HarnessError(`variant ${id}: the model has no vocabulary '${name}' (${names.length === 0 ? 'it declares none' : `known: ${names.join(', ')}`})`);
    }
    const clash = added.find((l, i) => known.includes(l) || added.indexOf(l) !== i);
    if (clash !== undefined) throw new HarnessError(`variant ${id}: vocabulary '${name}' already has the label '${clash}'`);
    vocabularies[name] = [...known, ...added];
  }
  return {
    ...model,
    vocabularies,
    init: (config) => model.init(withLabels(config, labels)),
    codec: (config) => model.codec(withLabels(config, labels)),
    processes: (config) => model.processes(withLabels(config, labels)),
  };
}

/** The model's init and codec with the variant's state fields added. */
function addState<S, C>(id: string, model: Model<S, C>, fields: Readonly<Record<string, StateField<C>>>): Pick<Model<S, C>, 'init' | 'codec'> {
  const entries = Object.entries(fields);
  return {
    init: (config) => model.init(config).map((s) => ({ ...s, ...Object.fromEntries(entries.map(([k, f]) => [k, f.init(config)])) })),
    codec: (config) => {
      try {
        return extendRecord(model.codec(config) as Codec<S & object>, Object.fromEntries(entries.map(([k, f]) => [k, f.codec(config)]))) as Codec<S>;
      } catch (e) {
        if (e instanceof CodecError) throw new HarnessError(`variant ${id}: cannot add its state: ${e.message}`);
        throw e;
      }
    },
  };
}

function editProcesses<S, C>(variant: Variant<S, C>, processes: readonly Process<S>[], config: C): Process<S>[] {
  const make = (s: StepOrFactory<S, C>): AnyStep<S> => (typeof s === 'function' ? s(config) : s);
  const edits = variant.steps ?? {};
  const known = new Set(processes.flatMap((p) => p.steps.map((s) => `${p.name}/${s.name}`)));
  const processNames = new Set(processes.map((p) => p.name));
  for (const key of [...Object.keys(edits.replace ?? {}), ...(edits.remove ?? [])]) {
    if (!known.has(key)) {
      throw new HarnessError(`variant ${variant.id}: no step '${key}' in the model (known: ${[...known].join(', ')})`);
    }
  }
  for (const name of Object.keys(edits.add ?? {})) {
    if (!processNames.has(name)) {
      throw new HarnessError(`variant ${variant.id}: no process '${name}' to add steps to`);
    }
  }
  const removed = new Set(edits.remove ?? []);
  return processes.map((p) => ({
    ...p,
    steps: [
      ...p.steps
        .filter((s) => !removed.has(`${p.name}/${s.name}`))
        .map((s) => {
          const replacement = edits.replace?.[`${p.name}/${s.name}`];
          return replacement === undefined ? s : make(replacement);
        }),
      ...(edits.add?.[p.name] ?? []).map(make),
    ],
  }));
}

function editProperties<P extends { readonly name: string }>(
  id: string,
  what: string,
  properties: readonly P[],
  edits: PropertyEdits<P> | undefined,
): P[] {
  if (!edits) return [...properties];
  const known = new Set(properties.map((p) => p.name));
  for (const name of [...Object.keys(edits.replace ?? {}), ...(edits.remove ?? [])]) {
    if (!known.has(name)) throw new HarnessError(`variant ${id}: no ${what} '${name}' in the model`);
  }
  const removed = new Set(edits.remove ?? []);
  return [
    ...properties.filter((p) => !removed.has(p.name)).map((p) => edits.replace?.[p.name] ?? p),
    ...(edits.add ?? []),
  ];
}
