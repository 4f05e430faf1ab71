// Whether a recorded lasso is still a violation of a liveness property: the cycle closes, a `from`
// state comes before every state of the rest of the behaviour fails `to`, and the cycle is fair
// (each weak condition taken on it or disabled somewhere on it, each strong one taken or disabled
// all along it; a stutter needs every condition disabled). Used by replay.
import { encodeToArray } from '../codec.ts';
import { applyWithImmer, enabledMoves, type Compiled } from '../compile.ts';
import type { CompiledLiveness, Condition } from './fairness.ts';

/** Whether the trace's last state is its state `loop` again (or `loop` is the last: a stutter). */
export function lassoCloses<S, C>(compiled: Compiled<S, C>, states: readonly S[], loop: number): boolean {
  const last = states.length - 1;
  return loop === last || encodeToArray(compiled.codec, states[last]!).join() === encodeToArray(compiled.codec, states[loop]!).join();
}

/** Null when the closed lasso violates the property; otherwise why it does not. */
export function lassoFails<S, C>(
  compiled: Compiled<S, C>,
  p: CompiledLiveness<S>,
  states: readonly S[],
  actions: readonly number[],
  loop: number,
): string | null {
  const same = (a: S, b: S): boolean => encodeToArray(compiled.codec, a).join() === encodeToArray(compiled.codec, b).join();
  const last = states.length - 1;
  let reached = -1;
  states.forEach((s, i) => {
    if (p.to(s)) reached = i;
  });
  if (p.from === undefined && reached >= 0) return `the property's goal holds at state ${reached}`;
  if (p.from !== undefined && !states.some((s, i) => i > reached && p.from!(s))) {
    return reached >= 0 ? `the property's goal holds at state ${reached}, after every state it starts from` : 'no state of the trace is one the property starts from';
  }
  const cycle = loop === last ? [states[last]!] : states.slice(loop, last);
  const taken = actions.slice(loop + 1, last + 1);
  const enabled = (s: S, c: Condition): boolean =>
    enabledMoves(compiled, s).some((m) => c.actions[m.action.index] === 1 && !same(applyWithImmer(m.action, s, m.choice), s));
  for (const c of p.conditions) {
    if (taken.some((a) => c.actions[a] === 1)) continue;
    const disabled = cycle.filter((s) => !enabled(s, c)).length;
    if (c.strong ? disabled < cycle.length : disabled === 0) {
      return `the ${loop === last ? 'stutter' : 'cycle'} is not fair to ${c.label}: it is enabled ${c.strong ? 'on it' : 'all along it'} and never taken`;
    }
  }
  return null;
}
