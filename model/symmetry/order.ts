// The orders of devices, mms and pages by what every relabelling carries with them
// (model/symmetry/symmetry.ts takes the least encoding only among the relabellings that leave each
// part in its least order).
import { PERMS, PTES } from '../mm/mm.ts';
import type { State } from '../state.ts';

/**
 * An order of the indexes of one part (devices, mms, pages) by what a relabelling carries with them
 * and cannot change: a device's driver and endpoint state; an mm's process, exit_mmap thread and
 * counts; a page's PTEs and VMAs over every mm, as a multiset. Of a class, the representative is
 * the least encoding among the states whose parts are in this order (ties: every order of the tied
 * ones): the same states for every member of the class, so still its exact canonical form, at one
 * relabelling for most states and none where the state is in that order already.
 */
export type PartOrder = (s: State, a: number, b: number) => number;

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const deviceOrder: PartOrder = (s, a, b) => {
  const x = s.devices[a]!;
  const y = s.devices[b]!;
  return byString(s.drivers[a]!, s.drivers[b]!) || byString(x.pri, y.pri) || Number(x.dma_stopped) - Number(y.dma_stopped) || x.pasid - y.pasid;
};

export const mmOrder: PartOrder = (s, a, b) => {
  const x = s.mms[a]!;
  const y = s.mms[b]!;
  return (
    byString(s.procs[a]?.pc ?? '', s.procs[b]?.pc ?? '') ||
    byString(s.exit_mmap[a]?.pc ?? '', s.exit_mmap[b]?.pc ?? '') ||
    byString(x.exit.state, y.exit.state) ||
    x.users - y.users ||
    x.count - y.count ||
    x.pasid - y.pasid ||
    x.notifiers.length - y.notifiers.length
  );
};

const PTE_CODE: Readonly<Record<string, number>> = Object.fromEntries(PTES.map((p, i) => [p, i]));
const PERM_CODE: Readonly<Record<string, number>> = Object.fromEntries(PERMS.map((p, i) => [p, i]));

/** Page p's PTE and VMA in every mm, as a multiset: the count of mms with each (PTE, VMA), one base-(mms + 1) digit each. */
function pageKey(s: State, p: number): number {
  const base = s.mms.length + 1;
  let key = 0;
  for (const m of s.mms) key += base ** (PTE_CODE[m.pages[p]!.pte]! * PERMS.length + PERM_CODE[m.pages[p]!.vm]!);
  return key;
}

export const pageOrder: PartOrder = (s, a, b) => pageKey(s, a) - pageKey(s, b);

/**
 * Of the permutations `perms` (to[old] = new), the indexes of those that leave the part's indexes in
 * the least order by `order`: position by position, the index each puts there compared (for every
 * permutation of the part, those that sort it, ties either way). Of one permutation (a part not
 * declared alike), that one.
 */
export function leastOrdered(s: State, perms: readonly (readonly number[])[], order: PartOrder): number[] {
  if (perms.length === 1) return [0];
  let least = [0];
  for (let i = 1; i < perms.length; i++) {
    const d = compareOrders(s, perms[i]!, perms[least[0]!]!, order);
    if (d < 0) least = [i];
    else if (d === 0) least.push(i);
  }
  return least;
}

function compareOrders(s: State, p: readonly number[], q: readonly number[], order: PartOrder): number {
  for (let to = 0; to < p.length; to++) {
    const d = order(s, p.indexOf(to), q.indexOf(to));
    if (d !== 0) return d;
  }
  return 0;
}
