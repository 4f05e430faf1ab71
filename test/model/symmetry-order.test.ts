// The parts' orders (model/symmetry/order.ts) decide which relabellings the canonical form compares,
// so each must read only what every relabelling carries with the index it orders: comparing a and b
// in a state gives what comparing their images gives in the relabelled state. Checked on states of
// random walks of `sva`, with an order that reads the mm a device is bound to as the one that must
// fail.
import { describe, expect, it } from 'vitest';
import { applyWithImmer, compile, enabledMoves } from '../../explorer/compile.ts';
import { deviceOrder, leastOrdered, mmOrder, pageOrder, type PartOrder } from '../../model/symmetry/order.ts';
import { relabel, type Relabel } from '../../model/symmetry/relabel.ts';
import { relabelsOf } from '../../model/symmetry/symmetry.ts';
import type { State } from '../../model/state.ts';
import sva from '../../spec/sva.ts';
import svaConfig from '../../spec/configs/sva.json' with { type: 'json' };

const c = sva.params.parse(svaConfig.params);
const compiled = compile(sva, c);

/** The states of `walks` seeded random walks of `length` steps. */
function walkStates(walks: number, length: number): State[] {
  let seed = 11;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const out: State[] = [];
  for (let w = 0; w < walks; w++) {
    let s = compiled.initStates[0]!;
    for (let i = 0; i < length; i++) {
      out.push(s);
      const moves = enabledMoves(compiled, s).filter((m) => w % 2 === 0 || !/do_exit|munmap|stop_dma/.test(m.action.stepKey));
      if (moves.length === 0) break;
      const m = moves[next(moves.length)]!;
      s = applyWithImmer(m.action, s, m.choice);
    }
  }
  return out;
}

/** A state, a relabelling and two indexes whose order the relabelling changes, if any. */
function orderMoved(states: readonly State[], order: PartOrder, part: keyof Relabel): string | undefined {
  const relabels = relabelsOf(c);
  for (const s of states) {
    for (const r of relabels) {
      const t = relabel(s, c, r);
      const to = r[part];
      for (let a = 0; a < to.length; a++) {
        for (let b = 0; b < to.length; b++) {
          if (Math.sign(order(s, a, b)) !== Math.sign(order(t, to[a]!, to[b]!))) return `${part} ${a} and ${b} under ${JSON.stringify(r[part])}`;
        }
      }
    }
  }
  return undefined;
}

describe('the parts orders of the canonical form', () => {
  const states = walkStates(16, 120);

  it.each([
    ['dev', deviceOrder],
    ['mm', mmOrder],
    ['page', pageOrder],
  ] as const)('the order of the %s indexes is carried by every relabelling', (part, order) => {
    expect(states.length).toBeGreaterThan(1500);
    expect(orderMoved(states, order, part)).toBeUndefined();
  });

  it('an order that reads what a relabelling changes (the mm a device is bound to) is caught', () => {
    const byMm: PartOrder = (s, a, b) => (s.sva[a]!.mm ?? -1) - (s.sva[b]!.mm ?? -1);
    expect(orderMoved(states, byMm, 'dev')).toBeDefined();
  });

  it('keeps, of the permutations, those that sort the part; all of them where its indexes tie', () => {
    const s = compiled.initStates[0]!;
    const swapped: State = { ...s, drivers: ['stop', s.drivers[1]!] };
    const perms = [
      [0, 1],
      [1, 0],
    ];
    expect(leastOrdered(s, perms, deviceOrder)).toEqual([0, 1]);
    expect(leastOrdered(swapped, perms, deviceOrder)).toEqual([1]);
    expect(leastOrdered(s, [[0, 1]], deviceOrder)).toEqual([0]);
  });
});
