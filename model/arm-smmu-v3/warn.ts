// Kernel WARNs of the SMMU driver, recorded in the slice (sorted, distinct) instead of thrown, so
// that invariants such as `refcounts-balanced` can name them.
import type { SmmuState, SmmuWarning } from './state.ts';

export function smmuWarn(d: SmmuState, w: SmmuWarning): void {
  if (!d.warnings.includes(w)) {
    d.warnings.push(w);
    d.warnings.sort();
  }
}
