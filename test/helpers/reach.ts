// Does an exploration reach a violation of one property? The model keeps only that property (and
// checks deadlocks only when the property is 'deadlock'), so the search stops at its first violation:
// a positive answer needs no exhaustive search.
import { explore } from '../../explorer/bfs.ts';
import { compile } from '../../explorer/compile.ts';
import type { AnyModel } from '../../explorer/model.ts';
import type { Violation } from '../../explorer/result.ts';

export function only(model: AnyModel, property: string): AnyModel {
  const named = <P extends { readonly name: string }>(ps: readonly P[] | undefined): P[] => (ps ?? []).filter((p) => p.name === property);
  return { ...model, invariants: named(model.invariants), actionProperties: named(model.actionProperties), liveness: named(model.liveness), witnesses: [] };
}

/** The shortest violation of `property`, or null when the whole space holds it. */
export function firstViolation(model: AnyModel, params: unknown, property: string): Violation | null {
  const r = explore(compile(only(model, property), params), { checkDeadlock: property === 'deadlock' });
  return r.kind === 'violation' ? (r.violations.find((v) => v.property === property) ?? null) : null;
}
