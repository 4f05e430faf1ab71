// Symmetry reduction declared by a config: the iopf workqueue's workers are interchangeable
// (model/io-pgfault/symmetry.ts). At iopf-stall with two workers, the search keeps one arrangement
// of them: fewer states, the same safety verdicts and shortest counterexample lengths, traces that
// are concrete paths of the unreduced model, and a canonical form the explorer's own check accepts
// on every state.
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/bfs.ts';
import { applyWithImmer, compile, enabledMoves } from '../../explorer/compile.ts';
import { encodeToArray } from '../../explorer/codec.ts';
import type { State } from '../../model/state.ts';
import iopf from '../../spec/iopf.ts';
import stall from '../../spec/configs/iopf-stall.json' with { type: 'json' };
import completeGroupAfterFree from '../../spec/variants/iopf/complete-group-after-free.ts';
import { withVariant } from './iopf-helpers.ts';
import { expectConcretePath, safety } from '../helpers/symmetry.ts';

const twoWorkers = iopf.params.parse({ ...stall.params, workers: 2 });
const symmetric = iopf.params.parse({ ...stall.params, workers: 2, symmetry: ['workers'] });

describe('symmetry reduction of the iopf workers', () => {
  const full = explore(compile(iopf, twoWorkers), { continueAfterViolation: true });
  const reduced = explore(compile(iopf, symmetric), { continueAfterViolation: true, checkSymmetry: true });

  it('keeps one arrangement of the two workers: fewer states, the same verdicts, the report says so', () => {
    expect(full.stats.distinctStates).toBe(5609);
    expect(reduced.stats.distinctStates).toBe(3474);
    expect(safety(reduced)).toEqual(safety(full));
    expect(reduced.stats.reduction).toMatch(/^symmetry reduction: the 2 iopf workers are interchangeable/);
    expect(reduced.stats.liveness).toEqual({ checked: false, reason: expect.stringMatching(/symmetry/) as unknown });
    expect(full.stats.reduction).toBeUndefined();
  });

  it('a counterexample under the reduction is a concrete path of the unreduced model, as short as without it', () => {
    const model = withVariant(completeGroupAfterFree);
    const plain = compile(model, twoWorkers);
    const r = explore(compile(model, symmetric), { continueAfterViolation: true });
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'no-response-to-freed-group') : undefined;
    const u = explore(plain, { continueAfterViolation: true });
    const w = u.kind === 'violation' ? u.violations.find((x) => x.property === 'no-response-to-freed-group') : undefined;
    expect(v?.length).toBe(w?.length);
    expectConcretePath(plain, v!);
  });
});

// Two devices that each bind their own mm (device d binds mm d % pasids), at bounds small enough to
// check the canonical form on every state: the search keeps one of each pair of mirror states.
const twoDevices = { ...stall.params, devices: 2, pasids: 2, groups: 1, queue: 1, ridRequests: false, allocFailures: false, nextProcess: false, exit: false };

describe('symmetry reduction of the devices with the mms they bind', () => {
  const full = explore(compile(iopf, iopf.params.parse(twoDevices)), { continueAfterViolation: true });
  const reduced = explore(compile(iopf, iopf.params.parse({ ...twoDevices, symmetry: ['devices'] })), { continueAfterViolation: true, checkSymmetry: true });

  it('halves the states but for the mirror-symmetric ones, with the same verdicts; the explorer accepts the canonical form on every state', () => {
    expect(full.stats.distinctStates).toBe(6278);
    expect(reduced.stats.distinctStates).toBeLessThan(full.stats.distinctStates / 2 + 200);
    expect(reduced.stats.distinctStates).toBeGreaterThanOrEqual(full.stats.distinctStates / 2);
    expect(safety(reduced)).toEqual(safety(full));
    expect(reduced.stats.reduction).toMatch(/the 2 devices with the mms they bind are interchangeable \(2 arrangements/);
  });

  it('relabels what names a device: a state and its mirror image have one representative', () => {
    const c = iopf.params.parse({ ...twoDevices, symmetry: ['devices'] });
    const plain = compile(iopf, iopf.params.parse(twoDevices));
    // The first state where device 0 has moved and device 1 has not, and the one where it is the other way.
    const one = applyWithImmer(enabledMoves(plain, plain.initStates[0]!).find((m) => m.action.process.name === 'driver' && m.action.self === 0)!.action, plain.initStates[0]!, undefined);
    const other = applyWithImmer(enabledMoves(plain, plain.initStates[0]!).find((m) => m.action.process.name === 'driver' && m.action.self === 1)!.action, plain.initStates[0]!, undefined);
    expect(encodeToArray(plain.codec, one)).not.toEqual(encodeToArray(plain.codec, other));
    expect(encodeToArray(plain.codec, iopf.canonicalize!(one, c))).toEqual(encodeToArray(plain.codec, iopf.canonicalize!(other, c)));
  });

  it('a variant that adds a field to the state is refused, not silently reduced', () => {
    const c = iopf.params.parse({ ...twoDevices, symmetry: ['devices'] });
    const s = { ...compile(iopf, c).initStates[0]!, extra: [0, 1] } as unknown as State;
    expect(() => iopf.canonicalize!(s, c)).toThrow(/symmetry 'devices' does not know the state field 'extra'/);
  });
});
