// Counterexample files: JSON in the shape of the Informal Trace Format used by Apalache and Quint
// (`#meta`, `vars`, `states`, with `mbt::actionTaken` and `mbt::nondetPicks` on each state), plus
// what sva-check needs to stand the file alone: model, kernel version, config inline, variant,
// property and the expectation a test checks. Schema version 1; documented in the README.
import { z } from 'zod';
import type { Codec } from '../codec.ts';
import type { PropertyKind, TraceState } from '../result.ts';
import { fromItfValue, toItfValue } from './itf-value.ts';

export const SCHEMA = 'sva-check/counterexample/v1';

export interface TraceContext {
  readonly model: { readonly name: string; readonly follows: string; readonly file?: string };
  readonly config: { readonly name: string | null; readonly params: unknown };
  readonly variant: { readonly id: string; readonly title: string; readonly source: string; readonly file?: string } | null;
  readonly property: { readonly name: string; readonly kind: PropertyKind; readonly description: string };
  readonly detail?: string;
  /** A lasso's cycle start (Violation.loop). */
  readonly loop?: number;
}

const MoveMeta = z
  .object({
    index: z.number().int().nonnegative(),
    initIndex: z.number().int().nonnegative().optional(),
    process: z.string().optional(),
    self: z.number().int().nonnegative().optional(),
    pc: z.string().optional(),
  })
  .strict();

const StateRecord = z
  .object({
    '#meta': MoveMeta,
    'mbt::actionTaken': z.string().min(1),
    'mbt::nondetPicks': z.record(z.string(), z.unknown()),
  })
  .catchall(z.unknown());

export const CounterexampleSchema = z
  .object({
    '#meta': z
      .object({
        format: z.literal('ITF'),
        'format-description': z.string(),
        schema: z.literal(SCHEMA),
        source: z.string(),
        model: z.object({ name: z.string().min(1), follows: z.string(), file: z.string().optional() }).strict(),
        // No name: the config was given as params only. Files written before strict ITF hold null.
        config: z.object({ name: z.string().nullable().optional(), params: z.unknown() }).strict(),
        // Absent (or null, before strict ITF): the baseline.
        variant: z
          .object({ id: z.string().min(1), title: z.string(), source: z.string(), file: z.string().optional() })
          .strict()
          .nullable()
          .optional(),
        property: z
          .object({ name: z.string().min(1), kind: z.enum(['invariant', 'action', 'liveness', 'deadlock', 'witness']), description: z.string() })
          .strict(),
        expect: z.enum(['violates', 'fixed']),
        detail: z.string().optional(),
        reproduce: z.string().optional(),
      })
      .strict(),
    vars: z.array(z.string()),
    states: z.array(StateRecord).min(1, 'a counterexample has at least its initial state'),
    /**
     * ITF's lasso: the index of the state the behaviour returns to after the last one. sva-check
     * records the cycle closed (the last state is states[loop] again), or stuttering (loop = last).
     */
    loop: z.number().int().nonnegative().optional(),
  })
  .strict();

export type CounterexampleFile = z.infer<typeof CounterexampleSchema>;

const STATE_VAR = 'state';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The codec of each variable: a record state's fields, or the whole state as `state`. */
function varCodecs(codec: Codec<unknown>, vars: readonly string[]): Map<string, Codec<unknown> | undefined> {
  const s = codec.shape;
  if (vars.length === 1 && vars[0] === STATE_VAR && s?.kind !== 'record') return new Map([[STATE_VAR, codec]]);
  return new Map(vars.map((v) => [v, s?.kind === 'record' ? s.fields[s.keys.indexOf(v)] : undefined]));
}

/**
 * The trace as a strict ITF document (no null: itf-value.ts); a non-record state is stored as one
 * variable named `state`.
 */
export function toItf(trace: readonly TraceState[], ctx: TraceContext, initIndex: number, codec: Codec<unknown>): CounterexampleFile {
  const { vars, states } = itfStates(trace, initIndex, codec);
  return {
    '#meta': {
      format: 'ITF',
      'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html',
      schema: SCHEMA,
      source: 'sva-check',
      model: ctx.model,
      config: ctx.config.name === null ? { params: toItfValue(undefined, ctx.config.params) } : { name: ctx.config.name, params: toItfValue(undefined, ctx.config.params) },
      ...(ctx.variant === null ? {} : { variant: ctx.variant }),
      property: ctx.property,
      expect: 'violates',
      ...(ctx.detail === undefined ? {} : { detail: ctx.detail }),
    },
    vars,
    states,
    ...(ctx.loop === undefined ? {} : { loop: ctx.loop }),
  };
}

/** A trace's variables and state records, each with its move (strict ITF values). */
export function itfStates(trace: readonly TraceState[], initIndex: number, codec: Codec<unknown>): Pick<CounterexampleFile, 'vars' | 'states'> {
  const first = trace[0]?.state;
  const vars = isRecord(first) ? Object.keys(first) : [STATE_VAR];
  const codecs = varCodecs(codec, vars);
  const states = trace.map((t, index) => {
    const values = isRecord(t.state) ? t.state : { [STATE_VAR]: t.state };
    const meta = t.move
      ? { index, process: t.move.process, self: t.move.self, pc: t.move.pc }
      : { index, initIndex };
    return {
      '#meta': meta,
      'mbt::actionTaken': t.move ? `${t.move.process}/${t.move.step}` : 'init',
      'mbt::nondetPicks': t.move && t.move.choice !== undefined ? { choice: toItfValue(undefined, t.move.choice), choiceIndex: t.move.choiceIndex } : {},
      ...Object.fromEntries(vars.map((v) => [v, toItfValue(codecs.get(v), values[v])])),
    };
  });
  return { vars, states };
}

/** The state a record holds, rebuilt from its variables through the model's codec. */
export function stateOf(file: CounterexampleFile, index: number, codec: Codec<unknown>): unknown {
  const record = file.states[index] as Record<string, unknown>;
  const codecs = varCodecs(codec, file.vars);
  if (file.vars.length === 1 && file.vars[0] === STATE_VAR && codecs.has(STATE_VAR) && codec.shape?.kind !== 'record') return fromItfValue(codec, record[STATE_VAR]);
  return Object.fromEntries(file.vars.map((v) => [v, fromItfValue(codecs.get(v), record[v])]));
}

/** The choice a record's nondeterministic picks hold (strict ITF, or as written before it). */
export function choiceOf(picks: Record<string, unknown>): unknown {
  return fromItfValue(undefined, picks['choice']);
}

/** The file's variant, or null for the baseline. */
export function variantOf(file: CounterexampleFile): NonNullable<CounterexampleFile['#meta']['variant']> | null {
  return file['#meta'].variant ?? null;
}
