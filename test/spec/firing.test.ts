// Every property of the kernel models fires in an exploration (spec/firing.ts): a known finding of a
// config (test/spec/configs.test.ts explores it, or, bench-only, this test to the finding), a variant
// whose verdict test explores it at the same config and asserts the property, or else a search here
// that stops at the first violation of that one property, which must be reached.
import { describe, expect, it } from 'vitest';
import { loadConfig, loadModel, loadVariant } from '../../explorer/load.ts';
import { applyVariant } from '../../explorer/variant.ts';
import { firing } from '../../spec/firing.ts';
import { workspace } from '../helpers/cli.ts';
import { firstViolation } from '../helpers/reach.ts';

const ws = workspace();
const KERNEL_MODELS = ['iopf', 'sva', 'msi'];
/** The config a kernel model's verdict tests explore a variant at when it names none. */
const VERDICT_CONFIG: Readonly<Record<string, string>> = { iopf: 'iopf-small', sva: 'sva-small', msi: 'msi-geometry' };
/** The longest config test/spec/configs.test.ts explores (its own bound, shared). */
const MAX_SECONDS_IN_SUITE = 20;

async function properties(): Promise<string[]> {
  const names = new Set<string>(['deadlock']);
  for (const m of KERNEL_MODELS) {
    const { model } = await loadModel(ws, m);
    for (const p of [...model.invariants, ...(model.actionProperties ?? []), ...(model.liveness ?? [])]) names.add(p.name);
  }
  return [...names].sort();
}


describe('every kernel property fires in an exploration', () => {
  it('spec/firing.ts names an exploration for every property of the kernel models, and nothing else', async () => {
    expect(Object.keys(firing).sort()).toEqual(await properties());
  });

  it.each(Object.entries(firing))('%s', async (property, f) => {
    const { config } = loadConfig(ws, f.config);
    const baseline = (await loadModel(ws, config.model)).model;
    // A baseline entry is a finding its config records, at the config's own bounds. A config that
    // test/spec/configs.test.ts explores whole is checked there, the finding at its length; a longer
    // one (bench-only) is searched here to the finding's first violation, which must be at that length.
    if (f.variant === null) {
      const finding = config.expect?.findings.find((x) => x.property === property);
      expect(finding).toBeDefined();
      expect(f.params).toBeUndefined();
      if ((config.expect?.seconds ?? Infinity) <= MAX_SECONDS_IN_SUITE) return;
      expect(firstViolation(baseline, baseline.params.parse(config.params), property)?.length).toBe(finding!.length);
      return;
    }
    // A variant at its own config: its verdict test (test/spec/variant-verdicts.test.ts requires one)
    // explores it there and asserts every property it violates, this one among them.
    const { variant } = await loadVariant(ws, f.variant);
    if (f.params === undefined) {
      expect(variant.expect.config ?? VERDICT_CONFIG[config.model]).toBe(f.config);
      expect(variant.expect.violates).toContain(property);
      return;
    }
    const model = applyVariant(baseline, variant);
    const params = model.params.parse({ ...config.params, ...f.params });
    expect(firstViolation(model, params, property)?.property).toBe(property);
  });
});
