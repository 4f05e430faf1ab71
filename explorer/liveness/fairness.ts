// Fairness conditions resolved against a compiled action table: one condition per process instance a
// liveness property names, each the set of actions that count as that instance taking a step.
import { HarnessError } from '../errors.ts';
import type { Action } from '../compile.ts';
import type { ConfigArg, Fairness, Liveness } from '../model.ts';

export interface Condition {
  /** `WF proc[0]`, `SF worker[1] {handle,complete}`: how reports name it. */
  readonly label: string;
  readonly strong: boolean;
  /** By action index: 1 where the action is one of the instance's fair steps. */
  readonly actions: Uint8Array;
}

/** One instance of a property (one i of its `each`). */
export interface CompiledLiveness<S> {
  readonly name: string;
  /** The i of `each` this instance checks, or null for a property without `each`. */
  readonly instance: number | null;
  readonly description: string;
  readonly source: string;
  /** Absent: `<>to` from the initial states. */
  readonly from: ((s: S) => boolean) | undefined;
  readonly to: (s: S) => boolean;
  readonly conditions: readonly Condition[];
}

/** Liveness properties a state's marks can hold (two bits each in one 32-bit word). */
export const MAX_LIVENESS = 16;

export function compileLiveness<S, C>(
  modelName: string,
  properties: readonly Liveness<S, C>[],
  actions: readonly Action<S>[],
  cfg: ConfigArg<C>,
): CompiledLiveness<S>[] {
  const compiled = properties.flatMap((p) => {
    const from = p.from;
    const fairness = typeof p.fairness === 'function' ? p.fairness(...cfg) : p.fairness;
    const conditions = fairness.flatMap((f) => conditionsOf(modelName, p.name, typeof f === 'string' ? { process: f } : f, actions));
    const each = p.each?.(...cfg);
    if (each !== undefined && !(Number.isInteger(each) && each >= 0)) throw new HarnessError(`model ${modelName}: liveness property ${p.name}: each is ${each}, not a count`);
    return Array.from({ length: each ?? 1 }, (_, i) => ({
      name: p.name,
      instance: each === undefined ? null : i,
      description: p.description,
      source: p.source,
      from: from && ((s: S) => from(s, i, ...cfg)),
      to: (s: S) => p.to(s, i, ...cfg),
      conditions,
    }));
  });
  if (compiled.length > MAX_LIVENESS) {
    throw new HarnessError(`model ${modelName}: ${compiled.length} liveness property instances, at most ${MAX_LIVENESS} supported`);
  }
  return compiled;
}

function conditionsOf<S>(modelName: string, property: string, f: Fairness, actions: readonly Action<S>[]): Condition[] {
  const ofProcess = actions.filter((a) => a.process.name === f.process);
  if (ofProcess.length === 0) throw new HarnessError(`model ${modelName}: liveness property ${property} assumes fairness of '${f.process}', which is not a process of the model`);
  const steps = f.steps === undefined ? null : new Set(f.steps);
  for (const name of steps ?? []) {
    if (!ofProcess.some((a) => a.step.name === name)) throw new HarnessError(`model ${modelName}: liveness property ${property} names step '${f.process}/${name}', which the model does not have`);
  }
  const at = f.at === undefined ? null : new Set(f.at);
  const offeredAt = (a: Action<S>): boolean => {
    if (at === null) return true;
    const labels = a.step.at === undefined ? [] : typeof a.step.at === 'string' ? [a.step.at] : a.step.at;
    return labels.some((l) => at.has(l));
  };
  const kind = f.strong ? 'SF' : 'WF';
  const only = `${f.steps === undefined ? '' : ` {${f.steps.join(',')}}`}${f.at === undefined ? '' : ` at {${f.at.join(',')}}`}`;
  return [...new Set(ofProcess.map((a) => a.self))].map((self) => {
    const mask = new Uint8Array(actions.length);
    for (const a of ofProcess) if (a.self === self && (steps === null || steps.has(a.step.name)) && offeredAt(a)) mask[a.index] = 1;
    return { label: `${kind} ${f.process}[${self}]${only}`, strong: f.strong ?? false, actions: mask };
  });
}
