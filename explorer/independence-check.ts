// The promise a model makes with Model.independent, tested at one state: every step of the group
// expanded alone commutes with every enabled step outside it (each stays enabled after the other,
// and both orders reach the same state), and no property changes under both (each property reads
// the group's part of the state or the rest, never both). A broken promise is a ModelError.
import { cloner, encodeToArray } from './codec.ts';
import { enabledMoves, type Compiled, type Move } from './compile.ts';
import { ModelError } from './errors.ts';

const offers = <S, C>(compiled: Compiled<S, C>, s: S, m: Move<S>): boolean =>
  enabledMoves(compiled, s, [compiled.instances.findIndex((i) => i.process === m.action.process && i.self === m.action.self)]).some(
    (x) => x.action === m.action && JSON.stringify(x.choice) === JSON.stringify(m.choice),
  );

export function checkIndependence<S, C>(compiled: Compiled<S, C>, s: S, group: readonly number[]): void {
  const clone = cloner(compiled.codec);
  const take = (from: S, m: Move<S>): S => {
    const next = clone(from);
    m.action.step.apply(next as never, m.action.self, m.choice);
    return next;
  };
  const key = (x: S): string => encodeToArray(compiled.codec, x).join(',');
  const inGroup = new Set(group);
  const rest = compiled.instances.map((_, k) => k).filter((k) => !inGroup.has(k));
  const mine = enabledMoves(compiled, s, group);
  if (mine.length === 0) return;
  const theirs = enabledMoves(compiled, s, rest);
  const name = (m: Move<S>): string => `${m.action.stepKey}${m.choice === undefined ? '' : ` (${JSON.stringify(m.choice)})`}`;
  const fail = (why: string): never => {
    throw new ModelError(`model ${compiled.model.name}: the independent group of ${compiled.instances[group[0]!]!.process.name} is not: ${why}`);
  };
  const properties = [
    ...compiled.invariants.map((p) => ({ name: p.name, value: (x: S) => p.holds(x) })),
    ...compiled.witnesses.map((p) => ({ name: p.name, value: (x: S) => p.reached(x) })),
  ];
  const afterTheirs = theirs.map((t) => ({ t, st: take(s, t) }));
  for (const g of mine) {
    const sg = take(s, g);
    for (const p of properties) {
      if (p.value(sg) === p.value(s)) continue;
      const other = afterTheirs.find(({ st }) => p.value(st) !== p.value(s));
      if (other) fail(`property ${p.name} changes under ${name(g)} and under ${name(other.t)}`);
    }
    for (const { t, st } of afterTheirs) {
      if (!offers(compiled, sg, t)) fail(`${name(g)} disables ${name(t)}`);
      if (!offers(compiled, st, g)) fail(`${name(t)} disables ${name(g)}`);
      if (key(take(sg, t)) !== key(take(st, g))) fail(`${name(g)} and ${name(t)} reach different states in the two orders`);
    }
  }
}
