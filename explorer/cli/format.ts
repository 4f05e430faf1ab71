// The final report of a search, as TLC prints it: verdict, counts, rates, step coverage.
import type { ExploreResult, IncompleteReason, Stats, WitnessReport } from '../result.ts';

/** A count as the reports print it: rounded, with thousands separators. */
export const n = (x: number): string => Math.round(x).toLocaleString('en-US');

/**
 * How a search cut by a bound was still growing: the states new at its last depths and their ratio a
 * level, so a user sees whether a deeper bound is minutes or years away. A search stopped within a
 * level (by time, states or memory, not by its depth bound) has that level partial: shown as such
 * and left out of the ratio.
 */
export function formatGrowth(levels: readonly number[], lastPartial = false): string {
  const last = levels.slice(-5);
  const from = levels.length - last.length;
  const whole = lastPartial ? last.slice(0, -1) : last;
  const growth = whole.length >= 2 && whole[0]! > 0 ? (whole.at(-1)! / whole[0]!) ** (1 / (whole.length - 1)) : undefined;
  const each = last.map((k, i) => `${n(k)} at depth ${from + i}${lastPartial && i === last.length - 1 ? ' (partial)' : ''}`).join(', ');
  return `new states at the last depths searched: ${each}${growth === undefined ? '' : ` (×${growth.toFixed(2)} a level)`}`;
}

/** `cut`: why the search stopped before its end, if it did. */
export function formatStats(stats: Stats, cut?: IncompleteReason): string[] {
  const lines = [
    `${n(stats.distinctStates)} distinct states, ${n(stats.statesGenerated)} states generated, depth ${stats.depth} (TLC: ${stats.depth + 1}), frontier peak ${n(stats.frontierPeak)}`,
    `${n(stats.statesPerSecond)} distinct states/s, ${stats.bytesPerState.toFixed(1)} bytes per stored state, ${stats.seconds.toFixed(2)} s${stats.workers === undefined ? '' : ` on ${stats.workers} thread${stats.workers === 1 ? '' : 's'}`}; fingerprint collision probability ${stats.collisionProbability.toExponential(1)}`,
    `steps fired: ${stats.stepCounts.map((s) => `${s.step} ${n(s.fired)}`).join(', ')}`,
  ];
  if (cut !== undefined && stats.levels.length > 1) lines.push(formatGrowth(stats.levels, cut !== 'max-depth'));
  if (stats.reduction !== undefined) lines.push(stats.reduction);
  if (stats.traceFileBytes !== undefined) lines.push(`parent links on disk: ${(stats.traceFileBytes / 2 ** 20).toFixed(1)} MB (read back for traces; not in the bytes per stored state)`);
  if (stats.checkpointFailed !== undefined) {
    lines.push(`warning: the last checkpoint could not be written (${stats.checkpointFailed}); ${stats.checkpoint === undefined ? 'none was' : `the one before is in ${stats.checkpoint}`}`);
  }
  if (stats.frontierSpilledBytes !== undefined) lines.push(`frontier spilled to disk: ${(stats.frontierSpilledBytes / 2 ** 20).toFixed(1)} MB there at the peak (in memory: a quarter of --max-memory)`);
  if (stats.liveness?.checked) {
    lines.push(`liveness checked on the whole state graph (${n(stats.liveness.edges)} edges) in ${stats.liveness.seconds.toFixed(2)} s`);
  } else if (stats.liveness) {
    lines.push(`liveness ${stats.liveness.reason}`);
  }
  if (stats.neverFired.length > 0) {
    lines.push(`warning: steps that never fired (often a modelling mistake): ${stats.neverFired.join(', ')}`);
  }
  return lines;
}

export function formatWitnesses(witnesses: readonly WitnessReport[]): string[] {
  if (witnesses.length === 0) return [];
  const missing = witnesses.filter((w) => !w.reached);
  if (missing.length === 0) return [`witnesses: all ${witnesses.length} reached`];
  return [`witnesses not reached: ${missing.map((w) => w.name).join(', ')}`];
}

/**
 * `known`: the config's recorded findings; `misses`: the witnesses it records as unreached (a part of
 * the model the config does not exercise). Neither is news.
 */
export function verdictLine(result: ExploreResult, known: readonly string[] = [], misses: readonly string[] = []): string {
  switch (result.kind) {
    case 'ok':
      return `Result: ok. Every invariant holds${result.stats.liveness?.checked ? ', every liveness property holds under its fairness' : ''} and no state deadlocks, in the whole reachable state space.`;
    case 'violation': {
      const stopped = result.incomplete ? ` (search also stopped early: ${result.incomplete})` : '';
      const missed = (v: (typeof result.violations)[number]): boolean => v.kind === 'witness' && misses.includes(v.property);
      const fresh = result.violations.filter((v) => !known.includes(v.property) && !missed(v)).map((v) => v.property);
      const found = result.violations.filter((v) => known.includes(v.property)).map((v) => v.property);
      const unreached = result.violations.filter(missed).map((v) => v.property);
      if (fresh.length === 0) {
        const where = result.incomplete ? 'in the states explored within the bound' : 'in the whole reachable state space';
        const recorded = [
          ...(found.length > 0 ? [`known findings only (${found.join(', ')}, recorded in the config)`] : []),
          ...(unreached.length > 0 ? [`the witnesses the config records as unreached (${unreached.join(', ')})`] : []),
        ].join(', and ');
        return `Result: ${recorded}; nothing else is violated ${where}${stopped}.`;
      }
      const besides = [...(found.length > 0 ? [`the known findings ${found.join(', ')}`] : []), ...(unreached.length > 0 ? [`the recorded unreached witnesses ${unreached.join(', ')}`] : [])];
      return `Result: violation of ${fresh.join(', ')}${besides.length > 0 ? ` (besides ${besides.join(' and ')})` : ''}${stopped}.`;
    }
    case 'incomplete':
      return `Result: incomplete (${result.reason}). Every invariant holds in the states explored within the bound.`;
  }
}
