// What two searches must agree on: everything a search reports that depends neither on timing nor on
// how the frontier was held (the frontier's peak, bytes per state), the liveness check's graph and
// verdicts included.
import type { ExploreResult } from '../../../explorer/result.ts';

export function summary(r: ExploreResult): unknown {
  const s = r.stats;
  return {
    kind: r.kind,
    reason: r.kind === 'incomplete' ? r.reason : r.kind === 'violation' ? r.incomplete : undefined,
    distinct: s.distinctStates,
    generated: s.statesGenerated,
    depth: s.depth,
    levels: s.levels,
    steps: s.stepCounts,
    witnesses: r.witnesses,
    liveness: s.liveness && (s.liveness.checked ? { checked: true, edges: s.liveness.edges } : s.liveness),
    violations: (r.kind === 'violation' ? r.violations : []).map((v) => ({
      property: v.property,
      kind: v.kind,
      length: v.length,
      detail: v.detail,
      moves: v.trace.map((t) => (t.move ? `${t.move.process}[${t.move.self}] ${t.move.step} ${t.move.choiceIndex}` : 'init')),
      last: v.trace.at(-1)?.state,
    })),
  };
}

