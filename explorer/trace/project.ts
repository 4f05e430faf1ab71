// Shortest counterexamples under the reduction by independent groups (Model.independent). The
// search runs a group to rest before anything else moves, so the path it stores to a violation of
// a property of the rest carries the group's steps too. Those steps commute with the rest and the
// property cannot see them: the path without them is a real run to a state that violates the same
// property, and the shortest one (the rest's own distance). And the other way round for a property
// of a group. The projected path is replayed step by step, so a broken promise keeps the original.
import { applyWithImmer, choicesOf, groupedProcesses, isEnabled, pcOf, showChoice, type Action, type Compiled } from '../compile.ts';
import type { TraceState, Violation } from '../result.ts';

export function projectViolation<S, C>(compiled: Compiled<S, C>, v: Violation<S>): Violation<S> {
  if (compiled.independent.length === 0 || (v.kind !== 'invariant' && v.kind !== 'action') || v.trace.length < 2) return v;
  const grouped = groupedProcesses(compiled);
  for (const keepGroup of [false, true]) {
    const kept = v.trace.slice(1).filter((t) => grouped.has(t.move!.process) === keepGroup);
    if (kept.length === v.trace.length - 1) continue;
    const trace = replay(compiled, v.trace[0]!.state, kept);
    if (trace !== null && stillViolated(compiled, v, trace)) return { ...v, trace, length: trace.length - 1 };
  }
  return v;
}

function replay<S, C>(compiled: Compiled<S, C>, init: S, steps: readonly TraceState<S>[]): TraceState<S>[] | null {
  let state = init;
  const trace: TraceState<S>[] = [{ move: null, state }];
  for (const { move } of steps) {
    const action = compiled.actions.find((a): a is Action<S> => a.process.name === move!.process && a.self === move!.self && a.step.name === move!.step);
    if (!action) return null;
    const choices = choicesOf(action, state);
    const choiceIndex = choices.findIndex((c) => JSON.stringify(c) === JSON.stringify(move!.choice));
    if (choiceIndex < 0 || !isEnabled(action, state, choices[choiceIndex])) return null;
    const choice = choices[choiceIndex];
    const pc = pcOf(action, state);
    state = applyWithImmer(action, state, choice);
    trace.push({ move: { process: action.process.name, self: action.self, step: action.step.name, choice, choiceIndex, pc, shown: showChoice(action, choice) }, state });
  }
  return trace;
}

function stillViolated<S, C>(compiled: Compiled<S, C>, v: Violation<S>, trace: readonly TraceState<S>[]): boolean {
  const last = trace[trace.length - 1]!;
  if (v.kind === 'invariant') return compiled.invariants.find((i) => i.name === v.property)?.holds(last.state) === false;
  const before = trace[trace.length - 2]!.state;
  const m = last.move!;
  return compiled.actionProperties.find((p) => p.name === v.property)?.holds(before, last.state, { process: m.process, self: m.self, step: m.step, choice: m.choice }) === false;
}
