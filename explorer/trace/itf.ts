// Counterexample files: JSON in the shape of the Informal Trace Format used by Apalache and Quint
// (`#meta`, `vars`, `states`, with `mbt::actionTaken` and `mbt::nondetPicks` on each state), plus
// what sva-check needs to stand the file alone: model, kernel version, config inline, variant,
// property and the expectation a test checks. Schema version 1; documented in the README.
import { z } from 'zod';
import type { PropertyKind, TraceState } from '../result.ts';

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
        config: z.object({ name: z.string().nullable(), params: z.unknown() }).strict(),
        variant: z
          .object({ id: z.string().min(1), title: z.string(), source: z.string(), file: z.string().optional() })
          .strict()
          .nullable(),
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

/** The trace as an ITF document; a non-record state is stored as one variable named `state`. */
export function toItf(trace: readonly TraceState[], ctx: TraceContext, initIndex: number): CounterexampleFile {
  const first = trace[0]?.state;
  const vars = isRecord(first) ? Object.keys(first) : [STATE_VAR];
  const states = trace.map((t, index) => {
    const values = isRecord(t.state) ? t.state : { [STATE_VAR]: t.state };
    const meta = t.move
      ? { index, process: t.move.process, self: t.move.self, pc: t.move.pc }
      : { index, initIndex };
    return {
      '#meta': meta,
      'mbt::actionTaken': t.move ? `${t.move.process}/${t.move.step}` : 'init',
      'mbt::nondetPicks': t.move && t.move.choice !== undefined ? { choice: t.move.choice, choiceIndex: t.move.choiceIndex } : {},
      ...values,
    };
  });
  return {
    '#meta': {
      format: 'ITF',
      'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html',
      schema: SCHEMA,
      source: 'sva-check',
      model: ctx.model,
      config: ctx.config,
      variant: ctx.variant,
      property: ctx.property,
      expect: 'violates',
      ...(ctx.detail === undefined ? {} : { detail: ctx.detail }),
    },
    vars,
    states,
    ...(ctx.loop === undefined ? {} : { loop: ctx.loop }),
  };
}

/** The state a record holds, rebuilt from its variables. */
export function stateOf(file: CounterexampleFile, index: number): unknown {
  const record = file.states[index] as Record<string, unknown>;
  if (file.vars.length === 1 && file.vars[0] === STATE_VAR) return record[STATE_VAR];
  return Object.fromEntries(file.vars.map((v) => [v, record[v]]));
}
