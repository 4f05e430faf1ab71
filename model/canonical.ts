// Canonical order for the sets in the state (the workqueue's work items): a record's key is the
// list of its field values in layout order, compared lexicographically, so two paths that queue the
// same groups in a different order reach one state.
import type { IommuFault } from './iommu/state.ts';
import type { IopfGroup } from './io-pgfault/state.ts';

export function faultKey(f: IommuFault, out: number[]): void {
  out.push(f.dev, f.flags, f.pasid, f.grpid, f.perm, f.addr, f.private_data, f.seq, f.stale ? 1 : 0, f.freed ? 1 : 0);
}

export function groupKey(g: IopfGroup): number[] {
  const out: number[] = [g.dev, g.faults.length];
  for (const f of g.faults) faultKey(f, out);
  faultKey(g.last_fault, out);
  out.push(g.flush_color);
  return out;
}

/** Keys compared element by element, then by length; `aLength` and `bLength` take a prefix (a reused buffer's). */
export function compareKeys(a: ArrayLike<number>, b: ArrayLike<number>, aLength = a.length, bLength = b.length): number {
  const n = Math.min(aLength, bLength);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return aLength - bLength;
}
