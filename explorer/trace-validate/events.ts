// The contract between a model and `validate-trace`: what a log line says (LoggedEvent, read by the
// model's parser) and what a step emits (EmittedEvent, from the step's tracepoint). A
// field is a plain value compared as is (a response code), or an identity: the log names it
// concretely (a device name, a PASID, an address), the model by one of its small ids, and the
// validator keeps a bijection between the two per sort, built as the log is read.
//
// A sort may be owned by another (the pages of a PASID, the PRG indexes of a device): its names are
// only compared within the owner's pair, and releasing the owner releases them too. A span names
// every member from `lo` to `hi - 1` of a numbered sort (the pages of an invalidated range): the
// model's id then stands for one member of it.

export type Scalar = string | number;

/** A field compared as is, in the log and in the model alike. */
export interface ValueField {
  readonly kind: 'value';
  readonly value: Scalar;
}

export interface LoggedOwner {
  readonly sort: string;
  readonly name: string;
}

export type LoggedField =
  | ValueField
  | { readonly kind: 'name'; readonly sort: string; readonly name: string; readonly owner?: LoggedOwner }
  | { readonly kind: 'span'; readonly sort: string; readonly lo: number; readonly hi: number; readonly owner?: LoggedOwner };

export interface LoggedEvent {
  readonly event: string;
  readonly fields: Readonly<Record<string, LoggedField>>;
}

export interface EmittedOwner {
  readonly sort: string;
  readonly id: string;
}

export type EmittedField =
  | ValueField
  | {
      readonly kind: 'id';
      readonly sort: string;
      readonly id: string;
      readonly owner?: EmittedOwner;
      /** The model frees this id with this step (a PASID freed, a PRG index answered): the log may reuse its name for another. */
      readonly release?: boolean;
    };

export interface EmittedEvent {
  readonly event: string;
  readonly fields: Readonly<Record<string, EmittedField>>;
}

/**
 * The event a step emits, if any, given the state before and after it: what the kernel's
 * tracepoint in the mirrored function would print.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Tracepoint<S> = (before: S, after: S, self: number, choice: any) => EmittedEvent | null;

/** A bound the log needs beyond the config's, and why. */
export interface RaisedBound {
  readonly param: string;
  readonly from: unknown;
  readonly to: unknown;
  readonly why: string;
}

/**
 * A model's log format (Model.trace); the steps declare what they print (Step.tracepoint). `E` is the model's own typed event, as its
 * parser reads a line; `logged` turns it into fields the generic matcher compares.
 */
export interface ModelTrace<S, C, E> {
  /** What the log format is, for messages: "seed 001's SVA tracepoints". */
  readonly format: string;
  /** One line (without its newline) as an event, or why it is not one. */
  readonly parse: (line: string) => { readonly event: E } | { readonly error: string };
  readonly logged: (event: E) => LoggedEvent;
  /** The config raised to what the log needs (more faults, pages, devices), with what was raised. */
  readonly fit?: (log: readonly E[], config: C) => { readonly config: C; readonly raised: readonly RaisedBound[] };
  /**
   * The state with what can change no line ahead reset (caches only the invisible steps read,
   * ghosts): no tracepoint reads it, and no other step's guard, choices or effect on the rest. States
   * equal under it have the same logs ahead: the search stores and expands this state only.
   */
  readonly observable?: (s: S, config: C) => S;
  /**
   * Steps (`process/step`) that print nothing and change only what `observable` forgets: the search
   * need not take them. It checks the claim on the first times each is enabled.
   */
  readonly invisible?: (config: C) => readonly string[];
  /** One line on a state, for a rejection: the fields that decide which event can come next. */
  readonly describe?: (s: S, config: C) => string;
  /** An emitted event as the log would show it after `event: ` (for `render --format ftrace`). */
  readonly print?: (e: EmittedEvent) => string;
}

export const value = (v: Scalar): ValueField => ({ kind: 'value', value: v });

/** The name of member `n` of a numbered sort, as spans cover it. */
export const spanMember = (n: number): string => `0x${n.toString(16)}`;

/** The number of a span member's name, or null for a name that is not one. */
export function memberNumber(name: string): number | null {
  return /^0x[0-9a-f]+$/.test(name) ? Number.parseInt(name.slice(2), 16) : null;
}
