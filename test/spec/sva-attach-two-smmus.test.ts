// Attach on two SMMUs (config sva-attach-two-smmus, searched here to depth 16, the finding's length;
// the whole space is bench-only, about 90 s): both masters move to the
// one attach domain; the first finalises it for its SMMU, and v5.13's arm_smmu_attach_dev refuses
// the other (-ENXIO) after arm_smmu_detach_dev, leaving it detached while the core's group->domain is
// still its own domain (finding F8: attached-to-group-domain). attach-holds-asid-lock, 9f7c68911579,
// checks before it detaches and holds it.
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/bfs.ts';
import { compile } from '../../explorer/compile.ts';
import { expectedVerdict, verdictOf } from '../../explorer/verdict.ts';
import { steDomain } from '../../model/arm-smmu-v3/state.ts';
import type { DeviceId } from '../../model/ids.ts';
import { initialState } from '../../model/layout.ts';
import type { State } from '../../model/state.ts';
import { attachDomain } from '../../model/sva/config.ts';
import sva from '../../spec/sva.ts';
import { attachedToGroupDomain } from '../../spec/invariants/attach.ts';
import config from '../../spec/configs/sva-attach-two-smmus.json' with { type: 'json' };
import attachHoldsAsidLock from '../../spec/variants/sva/attach-holds-asid-lock.ts';
import { svaVariant } from './sva-helpers.ts';
import { exploreOnce } from '../helpers/explore-once.ts';

const params = sva.params.parse(config.params);
const known = config.expect.findings.map((f) => f.property);
/** The finding's length: the search to it holds its counterexample. */
const bounds = { continueAfterViolation: true, maxDepth: 16 };

describe('attach on two SMMUs: the layout', () => {
  it('each master is behind its own SMMU in that SMMU\'s domain; the attach domain after them has no SMMU until its first attach', () => {
    const s = initialState(params);
    expect(attachDomain(params)).toBe(2);
    expect(s.arm_smmu.masters.map((m) => m.domain)).toEqual([0, 1]);
    expect(s.arm_smmu.attach!.group_domain).toEqual([0, 1]);
    expect(s.arm_smmu.attach!.smmu).toEqual([0, 1, null]);
    expect(s.arm_smmu.attach!.state).toEqual(['finalised', 'finalised', 'alloc']);
  });

  it('attached-to-group-domain on hand-made states: a master left detached outside an attach fails it, inside one it does not', () => {
    const s = structuredClone(initialState(params));
    expect(attachedToGroupDomain.holds(s, params)).toBe(true);
    s.arm_smmu.masters[1]!.domain = null;
    s.arm_smmu.attach!.pc[1] = 'init_mutex';
    expect(attachedToGroupDomain.holds(s, params)).toBe(true);
    s.arm_smmu.attach!.pc[1] = 'domain_free';
    expect(attachedToGroupDomain.holds(s, params)).toBe(false);
  });
});

describe('a refused attach at sva-attach-two-smmus', () => {
  const base = exploreOnce(sva, params, bounds);

  it('the baseline: the second master is detached, then refused with -ENXIO, and stays detached (attached-to-group-domain, 16 steps)', () => {
    const v = base.kind === 'violation' ? base.violations.find((x) => x.property === 'attached-to-group-domain') : undefined;
    expect(v?.length).toBe(16);
    const moves = v!.trace.flatMap((t) => (t.move?.process === 'attach' ? [`${t.move.self}:${t.move.step}`] : []));
    const refused = moves.at(-1)!;
    const who = Number(refused.split(':')[0]);
    expect(refused).toBe(`${who}:arm_smmu_attach_dev/arm_smmu_domain_finalise`);
    expect(moves).toContain(`${who}:arm_smmu_detach_dev/install_ste`);
    expect(moves).toContain(`${1 - who}:arm_smmu_attach_dev/list_add`);
    const last = v!.trace.at(-1)!.state as State;
    const a = last.arm_smmu.attach!;
    // The attach domain is the other master's SMMU's; the refused master aborts, its group still on its own domain.
    expect(a.smmu![2]).toBe(1 - who);
    expect(last.arm_smmu.masters[who]!.domain).toBeNull();
    expect(steDomain(last.arm_smmu, who as DeviceId)).toBeNull();
    expect(a.group_domain[who]).toBe(who);
    expect(a.pc[who]).toBe('domain_free');
    // The master that was let in has group->domain on the attach domain.
    expect(a.group_domain[1 - who]).toBe(2);
  });

  it('attach-holds-asid-lock (9f7c68911579: the checks before the detach) holds attached-to-group-domain', () => {
    const r = explore(compile(svaVariant(attachHoldsAsidLock), params), bounds);
    expect(verdictOf(r, known, config.expect.violates)).toEqual(expectedVerdict({ violates: [], fixes: ['attached-to-group-domain'] }, known));
  });
});
