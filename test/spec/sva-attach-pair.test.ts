// Attach and detach with two masters of one domain (config sva-attach-pair, bounded at depth 20):
// v5.13's arm_smmu_detach_dev leaves the domain's devices list before its abort STE, so the other
// master's bind, seizing the domain's private ASID, rewrites CD 0 and syncs only the master still
// listed; the detaching one keeps CD 0 cached under its STE with the ASID the mm is then given
// (finding F7: cd-hitless, then asid-unique). remove-master-domain-last, 7497f4211f4f's order (the
// list_del after the STE's CMD_SYNC), holds both; so does attach-holds-asid-lock, 9f7c68911579's
// arm_smmu_asid_lock across the attach, which keeps the seize out of the window. The baseline's count
// and verdict are test/spec/configs.test.ts's.
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/bfs.ts';
import { compile } from '../../explorer/compile.ts';
import type { ExploreResult } from '../../explorer/result.ts';
import type { Variant } from '../../explorer/variant.ts';
import type { IopfParams } from '../../model/params.ts';
import { expectedVerdict, verdictOf } from '../../explorer/verdict.ts';
import type { State } from '../../model/state.ts';
import sva from '../../spec/sva.ts';
import config from '../../spec/configs/sva-attach-pair.json' with { type: 'json' };
import attachHoldsAsidLock from '../../spec/variants/sva/attach-holds-asid-lock.ts';
import removeMasterDomainLast from '../../spec/variants/sva/remove-master-domain-last.ts';
import { svaVariant } from './sva-helpers.ts';
import { exploreOnce } from '../helpers/explore-once.ts';

const params = sva.params.parse(config.params);
const known = config.expect.findings.map((f) => f.property);
const bounds = { continueAfterViolation: true, maxDepth: config.bounds.maxDepth };

describe('a detach against a seize at sva-attach-pair', () => {
  // The search configs.test.ts makes of the config (shared within a worker).
  const base = exploreOnce(sva, params, bounds);
  const violation = (p: string) => (base.kind === 'violation' ? base.violations.find((v) => v.property === p) : undefined);

  it('the baseline: the detaching master leaves the list, the seize rewrites CD 0 for the other master only (cd-hitless, 16 steps)', () => {
    const v = violation('cd-hitless');
    expect(v?.length).toBe(16);
    const steps = v!.trace.map((t) => `${t.move?.process}/${t.move?.step}`);
    const listDel = steps.indexOf('attach/arm_smmu_detach_dev/list_del');
    expect(listDel).toBeGreaterThan(steps.indexOf('device/dma_iova'));
    expect(listDel).toBeLessThan(steps.indexOf('driver/arm_smmu_share_asid/write_ctx_desc'));
    expect(steps).not.toContain('attach/arm_smmu_detach_dev/install_ste');
    expect(steps.at(-1)).toBe('driver/arm_smmu_share_asid/xa_erase');
    const last = v!.trace.at(-1)!.state as State;
    const smmu = last.arm_smmu;
    // Master 0: off the list, its STE still cached on domain 0 with the old CD 0, whose ASID is now the mm's.
    expect(smmu.attach!.listed[0]).toBe(null);
    expect(smmu.attach!.ste_cached[0]).toBe(0);
    const cached = smmu.cdcache[0]![0]!;
    expect(cached.ttb?.type).toBe('private');
    expect(smmu.asid_xa[cached.asid]).toMatchObject({ type: 'shared', mm: 0 });
    expect(smmu.domains[0]!.cdtab[0]!.asid).not.toBe(cached.asid);
  });

  it('then the bind makes the mm\'s CD valid under that ASID: asid-unique, 20 steps', () => {
    const v = violation('asid-unique');
    expect(v?.length).toBe(20);
    expect(v!.trace.at(-1)!.move?.step).toBe('arm_smmu_write_ctx_desc/dword0');
  });

  /** Explores an F7 fix at the config and checks its verdict, and that F4 stays at its length. */
  const fixOfF7 = (v: Variant<State, IopfParams>): ExploreResult<State> => {
    expect(v.expect.config).toBe('sva-attach-pair');
    const r = explore(compile(svaVariant(v), params), bounds);
    expect(verdictOf(r, known, config.expect.violates)).toEqual(expectedVerdict(v.expect, known));
    const f4 = r.kind === 'violation' ? r.violations.find((x) => x.property === 'no-dma-through-stale-tlb') : undefined;
    expect(f4?.length).toBe(13);
    return r;
  };

  it(`remove-master-domain-last → violates ${JSON.stringify(removeMasterDomainLast.expect.violates)}, fixes ${removeMasterDomainLast.expect.fixes!.join(', ')}`, () => {
    // F4 stays: the variant changes the detach only.
    fixOfF7(removeMasterDomainLast);
  });

  it(`attach-holds-asid-lock → violates ${JSON.stringify(attachHoldsAsidLock.expect.violates)}, fixes ${attachHoldsAsidLock.expect.fixes!.join(', ')}`, () => {
    // F4 stays: the unmap path it races takes no arm_smmu_asid_lock.
    const r = fixOfF7(attachHoldsAsidLock);
    // Fewer states than the baseline's 225,314: a move and a seize no longer interleave.
    expect(r.stats.distinctStates).toBe(90639);
  });
});
