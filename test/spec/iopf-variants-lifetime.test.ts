// The iopf variants about object lifetimes and the fix for the known finding F1, at iopf-small:
// track-group, fault-param-refcount, the complete-group-after-free and sva-find-mmget mutations and
// flush-priq-waits-for-handler.
import { describe, expect, it } from 'vitest';
import completeGroupAfterFree from '../../spec/variants/iopf/complete-group-after-free.ts';
import faultParamRefcount from '../../spec/variants/iopf/fault-param-refcount.ts';
import flushPriqWaitsForHandler from '../../spec/variants/iopf/flush-priq-waits-for-handler.ts';
import trackGroup from '../../spec/variants/iopf/track-group.ts';
import svaFindMmget from '../../spec/variants/iopf/sva-find-mmget.ts';
import small from '../../spec/configs/iopf-small.json' with { type: 'json' };
import { exploreAll, itHasItsVerdict, smallKnown, variantExplorer, withVariant } from './iopf-helpers.ts';
import type { Invariant, Witness } from '../../explorer/model.ts';
import { expectedVerdict, verdictOf } from '../../explorer/verdict.ts';
import type { State } from '../../model/state.ts';

/** The state fault-param-refcount adds. */
type Counted = State & { fault_param_published: boolean[]; fault_param_users: number[] };

/** Groups of `dev` queued or being handled: each holds a reference on its fault data. */
const groupsOf = (s: State, dev: number): number =>
  s.queue.wq.filter((g) => g.dev === dev).length + s.workers.filter((w) => w.pc !== 'idle' && w.group.dev === dev).length;

const exploreVariant = variantExplorer();

describe('iopf lifetime variants at iopf-small', () => {
  itHasItsVerdict([trackGroup, completeGroupAfterFree, flushPriqWaitsForHandler, svaFindMmget], exploreVariant);

  it('sva-find-mmget: the action property fires on the step that takes the user, not on a later state', () => {
    const r = exploreVariant(svaFindMmget);
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'mm-users-not-revived') : undefined;
    expect(v?.kind).toBe('action');
    expect(v?.trace.at(-1)?.move?.step).toBe('iopf_handle_single/iommu_sva_find');
    expect(v?.trace.at(-2)?.state.mms[0]?.users).toBe(0);
  });

  it('fault-param-refcount → fixes fault-param-lifetime; the count is its holders\', and the data outlives the unregister while a group holds it', () => {
    const counted: Invariant<State> = {
      name: 'users-are-holders',
      description: 'fault_param->users = the published pointer + one per group of the device; the data exists iff users > 0',
      source: 'a74c077b90',
      holds: (s) =>
        s.dev_iommu.every((di, dev) => {
          const c = s as Counted;
          const users = c.fault_param_users[dev]!;
          return users === (c.fault_param_published[dev] ? 1 : 0) + groupsOf(s, dev) && (di.fault_param !== null) === users > 0;
        }),
    };
    const outlives: Witness<State> = {
      name: 'data-outlives-unregister',
      description: 'the unregister unpublished the fault data while a group still holds it',
      reached: (s) => s.dev_iommu.some((di, dev) => !(s as Counted).fault_param_published[dev] && di.fault_param !== null),
    };
    const m = withVariant(faultParamRefcount);
    const r = exploreAll({ ...m, invariants: [...m.invariants, counted], witnesses: [outlives] });
    expect(verdictOf(r, smallKnown)).toEqual(expectedVerdict(faultParamRefcount.expect, smallKnown));
  });

  it('track-group reaches exactly the baseline states', () => {
    expect(exploreVariant(trackGroup).stats.distinctStates).toBe(small.expect.distinctStates);
  });

  it('flush-priq-waits-for-handler: every witness of the baseline is still reached', () => {
    const r = exploreVariant(flushPriqWaitsForHandler);
    expect(r.witnesses.filter((w) => !w.reached).map((w) => w.name)).toEqual([]);
  });
});
