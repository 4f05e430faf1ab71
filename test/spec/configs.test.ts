// Configs are data with recorded counts (as tlaplus/Examples keeps a manifest per spec): each config
// whose search takes seconds is explored here and must match what its file records, so a model
// change that moves the state space shows in review. Larger configs are measured by `npm run bench`.
import { describe, expect, it } from 'vitest';
import type { ExploreOptions } from '../../explorer/bfs.ts';
import { exploreOnce } from '../helpers/explore-once.ts';
import { resolveTarget } from '../../explorer/cli/target.ts';
import { configNames, loadConfig } from '../../explorer/load.ts';
import { verdictOf } from '../../explorer/verdict.ts';
import { workspace } from '../helpers/cli.ts';

const ws = workspace();
/** Configs recorded as taking longer than this are left to the benchmark. */
const MAX_SECONDS_IN_SUITE = 20;

const configs = configNames(ws)
  .map((name) => loadConfig(ws, name).config)
  .filter((c) => c.expect !== undefined && (c.expect.seconds ?? 0) <= MAX_SECONDS_IN_SUITE);

describe('spec/configs: recorded verdicts and state counts', () => {
  it('every config records what it expects', () => {
    for (const name of configNames(ws)) expect(loadConfig(ws, name).config.expect, name).toBeDefined();
  });

  it.each(configs.map((c) => [c.name, c] as const))('%s', async (name, config) => {
    const target = await resolveTarget(ws, { config: name });
    const result = exploreOnce(target.model, target.params, { continueAfterViolation: true, ...(config.bounds as ExploreOptions | undefined) });
    const expected = config.expect!;
    expect(result.kind === 'violation' ? 'violation' : result.kind).toBe(expected.verdict);
    // Beyond the recorded findings, exactly what the config expects; each finding at its recorded length.
    const known = expected.findings.map((f) => f.property);
    expect(verdictOf(result, known)).toEqual({ violates: [...expected.violates].sort(), fixes: [] });
    const lengths = Object.fromEntries(result.kind === 'violation' ? result.violations.map((v) => [v.property, v.length]) : []);
    for (const f of expected.findings) expect(lengths[f.property], f.property).toBe(f.length);
    if (expected.distinctStates !== undefined) expect(result.stats.distinctStates).toBe(expected.distinctStates);
    if (expected.statesGenerated !== undefined) expect(result.stats.statesGenerated).toBe(expected.statesGenerated);
    if (expected.depth !== undefined) expect(result.stats.depth).toBe(expected.depth);
    // A step that never fires is often a modelling mistake: each config lists the ones it expects.
    expect(result.stats.neverFired).toEqual(expected.neverFired ?? []);
  });
});
