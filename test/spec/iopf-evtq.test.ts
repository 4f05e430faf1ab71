// The SMMU's event queue (iopf-evtq): events routed to their master by StreamID. The baseline (the
// stall patch as merged, v14) holds every invariant, drops a released master's leftover event or
// hands it to the stream's new owner, and answers stalls with CMD_RESUME; find-master-unlocked (the
// patch up to v12) hands an event to a master that was released after the lookup.
import { describe, expect, it } from 'vitest';
import type { ActionProperty, Invariant, Model, StepTaken } from '../../explorer/model.ts';
import type { ExploreResult } from '../../explorer/result.ts';
import type { IopfParams } from '../../model/params.ts';
import type { State } from '../../model/state.ts';
import { evtqOf } from '../../model/arm-smmu-v3/evtq-state.ts';
import iopf from '../../spec/iopf.ts';
import evtq from '../../spec/configs/iopf-evtq.json' with { type: 'json' };
import findMasterUnlocked from '../../spec/variants/iopf/find-master-unlocked.ts';
import badIopfSetupFix from '../../spec/variants/iopf/bad-iopf-setup-fix.ts';
import reportFaultVoid from '../../spec/variants/iopf/report-fault-void.ts';
import { firstViolation } from '../helpers/reach.ts';
import { exploreAll, withVariant } from './iopf-helpers.ts';

const evtqParams = iopf.params.parse(evtq.params);
const byKind = (r: ExploreResult<State>, kind: string): string[] =>
  r.kind === 'violation' ? r.violations.filter((v) => v.kind === kind).map((v) => v.property).sort() : [];

/** The model with one more invariant: `never` must fail somewhere for the situation to be reachable. */
const withProbe = (model: Model<State, IopfParams>, name: string, never: (s: State) => boolean): Model<State, IopfParams> => {
  const probe: Invariant<State> = { name, description: name, source: 'test', holds: (s) => !never(s) };
  return { ...model, invariants: [...model.invariants, probe] };
};

/**
 * The model with one more action property: `never` must fail on some step for that step to be
 * reachable. What a response said leaves nothing in the endpoint's state (it acts at once), so a
 * probe of it looks at the step that sent it.
 */
const withStepProbe = (model: Model<State, IopfParams>, name: string, never: (before: State, after: State, step: StepTaken) => boolean): Model<State, IopfParams> => {
  const probe: ActionProperty<State> = { name, description: name, source: 'test', holds: (b, a, step) => !never(b, a, step) };
  return { ...model, actionProperties: [...(model.actionProperties ?? []), probe] };
};

/** Groups device 1 waits for a response to. */
const waiting = (s: State): number => s.devices[1]!.prgs.filter((p) => p.state === 'waiting').length;
/** The step answered one of device 1's stalls: with SUCCESS from the iopf worker, or otherwise. */
const answered = (b: State, a: State): boolean => waiting(a) < waiting(b);
const workerSucceeded = (b: State, step: StepTaken): boolean => {
  const w = b.workers[step.self];
  return step.step === 'iopf_complete_group' && w !== undefined && w.pc === 'complete' && w.status === 'SUCCESS';
};

const stallDelivered = (s: State): boolean => evtqOf(s).thread.pc === 'report' && evtqOf(s).thread.evt?.kind === 'stall';

describe('iopf-evtq: the event queue, the SID->master tree and CMD_RESUME', () => {
  const base = exploreAll(iopf, evtqParams);

  it('models two devices on one StreamID, one that stalls and one whose faults are records', () => {
    expect(evtqParams.evtq).toBe(true);
    expect(evtqParams.streamIds).toEqual([0, 0]);
    expect(evtqParams.dmaCanStall).toEqual([false, true]);
  });

  it('baseline: every invariant holds, nothing stalls, with the recorded count and witnesses', () => {
    expect(byKind(base, 'invariant')).toEqual([]);
    expect(byKind(base, 'deadlock')).toEqual([]);
    expect(byKind(base, 'liveness')).toEqual([]);
    expect(base.stats.distinctStates).toBe(evtq.expect.distinctStates);
    expect(byKind(base, 'witness')).toEqual([...evtq.expect.violates].sort());
    // A released master's leftover record is dropped (no master), or handed to the stream's new owner.
    expect(byKind(base, 'witness')).not.toContain('evtq-event-dropped');
    expect(byKind(base, 'witness')).not.toContain('evtq-stream-changes-owner');
  });

  it('a stall is reported, handled by the iopf worker and retried by CMD_RESUME', () => {
    const retried = (b: State, a: State, step: StepTaken): boolean => answered(b, a) && workerSucceeded(b, step);
    const v = firstViolation(withStepProbe(iopf, 'retried', retried), evtqParams, 'retried');
    expect(v?.trace.map((t) => t.move?.step)).toEqual(
      expect.arrayContaining(['iommu_register_device_fault_handler', 'arm_smmu_handle_evt/iommu_report_device_fault', 'iopf_complete_group']),
    );
  });

  it('a stall before IOPF is enabled: nobody cared, CMD_RESUME aborts it', () => {
    const aborted = (b: State, a: State, step: StepTaken): boolean => answered(b, a) && !workerSucceeded(b, step);
    const v = firstViolation(withStepProbe(iopf, 'aborted', aborted), evtqParams, 'aborted');
    const steps = v?.trace.map((t) => t.move?.step);
    expect(steps).toContain('arm_smmu_handle_evt/nobody_cared');
    expect(steps).not.toContain('iommu_register_device_fault_handler');
  });

  it('the baseline never holds a stall for a master other than the device that stalled', () => {
    const misrouted = (s: State): boolean => stallDelivered(s) && evtqOf(s).thread.master !== (evtqOf(s).thread.evt as { fault: { dev: number } }).fault.dev;
    expect(firstViolation(withProbe(iopf, 'stall-misrouted', misrouted), evtqParams, 'stall-misrouted')).toBeNull();
  });
});

describe('find-master-unlocked (the stall patch up to v12)', () => {
  const variant = withVariant(findMasterUnlocked);

  it(`→ ${findMasterUnlocked.expect.violates.join(', ')}`, () => {
    const r = exploreAll(variant, evtqParams);
    expect(byKind(r, 'invariant')).toEqual(findMasterUnlocked.expect.violates);
    expect(findMasterUnlocked.expect.config).toBe('iopf-evtq');
  });

  it('the shortest trace: a record of device 0 looked up, then device 0 released before the report', () => {
    const v = firstViolation(variant, evtqParams, 'events-to-their-master')!;
    expect(v.trace.map((t) => t.move?.step)).toEqual([
      undefined,
      'arm_smmu_probe_device',
      'F_TRANSLATION',
      'arm_smmu_evtq_thread/queue_remove_raw',
      'arm_smmu_handle_evt/find_master',
      'stop_dma_and_pasid',
      'arm_smmu_release_device',
    ]);
    const s = v.trace[v.trace.length - 1]!.state as State;
    expect(evtqOf(s).thread).toMatchObject({ pc: 'report', master: 0, evt: { kind: 'record', dev: 0 } });
    expect(evtqOf(s).masters[0]!.pc).toBe('released');
    expect(evtqOf(s).streams[0]).toBeNull();
  });

  it('with STALL_FORCE every master stalls, nothing is left in the queue for a stream to change owner, and nothing fires', () => {
    const r = exploreAll(variant, { ...evtqParams, stallForce: true });
    expect(byKind(r, 'invariant')).toEqual([]);
    expect(byKind(r, 'deadlock')).toEqual([]);
    expect(byKind(r, 'witness')).toEqual(expect.arrayContaining(['evtq-event-dropped', 'evtq-stream-changes-owner']));
  });

  it('a stall master is not exposed: its driver cannot release it while its transaction stalls', () => {
    // The thread holds a stall for a master that no longer owns the stream: never, even unlocked.
    const stallMisrouted = (s: State): boolean => stallDelivered(s) && evtqOf(s).streams[evtqOf(s).thread.evt!.sid] !== evtqOf(s).thread.master;
    expect(firstViolation(withProbe(variant, 'stall-misrouted', stallMisrouted), evtqParams, 'stall-misrouted')).toBeNull();
  });
});

describe('the void report on the stall path itself (replacing the iopf-stall stand-in)', () => {
  it('report-fault-void (3dfa64aecb, "Nobody cared" gone): a stall before IOPF is enabled is never resumed', () => {
    const r = exploreAll(withVariant(reportFaultVoid), evtqParams);
    expect(byKind(r, 'invariant')).toEqual([]);
    expect(byKind(r, 'deadlock')).toEqual(['deadlock']);
    expect(byKind(r, 'liveness')).toEqual(['prg-answered']);
  });

  it('bad-iopf-setup-fix (b58b133e68): the core answers INVALID, a CMD_RESUME abort; everything holds', () => {
    const r = exploreAll(withVariant(badIopfSetupFix), evtqParams);
    expect(byKind(r, 'invariant')).toEqual([]);
    expect(byKind(r, 'deadlock')).toEqual([]);
    expect(byKind(r, 'liveness')).toEqual([]);
  });
});
