// Step edits shared by the sva variants: redirect a driver step's next label (moving a call in the
// driver's order), and run a model at a changed config (a platform capability the variant needs).
import type { Draft } from 'immer';
import type { AnyStep, Model } from '../../../explorer/model.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { DriverPc, State } from '../../../model/state.ts';

/** The same step, except that where it would send the driver to `from`, it sends it to `to`. */
export function redirect(s: AnyStep<State>, map: Partial<Record<DriverPc, DriverPc>>): AnyStep<State> {
  return {
    ...s,
    apply: (d: Draft<State>, self: number, choice: unknown) => {
      s.apply(d, self, choice);
      const to = map[d.drivers[self]!];
      if (to !== undefined) d.drivers[self] = to;
    },
  };
}

/** The model at every config with `over` applied (init, codec and processes alike). */
export function withParams(m: Model<State, IopfParams>, over: Partial<IopfParams>): Model<State, IopfParams> {
  return {
    ...m,
    init: (c) => m.init({ ...c, ...over }),
    codec: (c) => m.codec({ ...c, ...over }),
    processes: (c) => m.processes({ ...c, ...over }),
  };
}
