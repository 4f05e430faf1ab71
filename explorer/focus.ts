// A process of one model run inside a larger state: each step sees the part of the state `view`
// picks (the same object in a draft, so its recipe mutates the whole state's copy in place).
import type { Draft } from 'immer';
import type { AnyStep, Process } from './model.ts';

export function focusProcess<S, T>(p: Process<T>, view: (s: S) => T): Process<S> {
  const pc = p.pc;
  return {
    name: p.name,
    instances: p.instances,
    ...(pc ? { pc: (s: S, self: number) => pc(view(s), self) } : {}),
    steps: p.steps.map((st) => focusStep(st, view)),
  };
}

function focusStep<S, T>(st: AnyStep<T>, view: (s: S) => T): AnyStep<S> {
  // A tracepoint is computed from whole states; a focused process prints nothing.
  const { tracepoint: _printsNothing, choices, enabled, ...rest } = st;
  return {
    ...rest,
    ...(choices ? { choices: (s: S, self: number) => choices(view(s), self) } : {}),
    ...(enabled ? { enabled: (s: S, self: number, c: unknown) => enabled(view(s), self, c) } : {}),
    apply: (d: Draft<S>, self: number, c: unknown) => st.apply(view(d as S) as Draft<T>, self, c),
  };
}
