// Symmetry reduction on the SMMU side (model/symmetry/symmetry.ts): with one SMMU, the devices (every master
// in the one domain), the mms (every driver may bind any) and pages alike are interchangeable. The search keeps
// one state per arrangement: fewer states, the same safety verdicts and shortest counterexample
// lengths, traces that are concrete paths of the unreduced model, and a canonical form the
// explorer's check (each successor of a state has its counterpart among its representative's)
// accepts on every state searched and on deep states of random walks, where a relabelling that
// leaves one field of the SMMU slice alone is caught.
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/bfs.ts';
import { applyWithImmer, compile, enabledMoves, type Compiled } from '../../explorer/compile.ts';
import { checkCanonicalize } from '../../explorer/symmetry-check.ts';
import { canonicalState } from '../../model/symmetry/symmetry.ts';
import type { IopfParams } from '../../model/params.ts';
import type { State } from '../../model/state.ts';
import sva from '../../spec/sva.ts';
import pair from '../../spec/configs/sva-pair.json' with { type: 'json' };
import svaConfig from '../../spec/configs/sva.json' with { type: 'json' };
import full from '../../spec/configs/full.json' with { type: 'json' };
import notifierRegisterNotGet from '../../spec/variants/sva/notifier-register-not-get.ts';
import { applyOnce } from '../helpers/explore-once.ts';
import { expectConcretePath, safety } from '../helpers/symmetry.ts';

/** The params `p` with the symmetry given, or none (the sva config declares one). */
const params = (p: object, symmetry?: string[]): IopfParams => sva.params.parse({ ...p, symmetry });

// Small enough to check the canonical form on every state (the walks below go deeper): two devices
// bound to one mm, without DMA and allocation failures; one device that binds either of two mms,
// each with one page, that never exit; one device, one mm with two pages, DMA and exit, no munmap.
const twoDevices = { ...pair.params, allocFailures: false, dma: false };
const twoMms = { ...svaConfig.params, devices: 1, accesses: 1, vmas: ['rw'], munmap: false, exit: false };
const twoPages = { ...svaConfig.params, devices: 1, mms: 1, munmap: false };

describe('symmetry reduction of the SMMU side', () => {
  it.each([
    ['devices', twoDevices, ['devices'], /the 2 devices are interchangeable \(2 arrangements/, 0.55],
    ['mms', twoMms, ['mms'], /the 2 mms are interchangeable \(2 arrangements/, 0.55],
    ['pages', twoPages, ['pages'], /the 2 pages are interchangeable \(2 arrangements/, 0.6],
  ] as const)('the %s: about half the states, the same verdicts, the canonical form checked on every state', (_, p, symmetry, said, atMost) => {
    const full = explore(compile(sva, params(p)), { continueAfterViolation: true, liveness: false });
    const reduced = explore(compile(sva, params(p, [...symmetry])), { continueAfterViolation: true, checkSymmetry: true });
    expect(full.kind).not.toBe('incomplete');
    expect(reduced.stats.distinctStates).toBeGreaterThanOrEqual(full.stats.distinctStates / 2);
    expect(reduced.stats.distinctStates).toBeLessThan(full.stats.distinctStates * atMost);
    expect(safety(reduced)).toEqual(safety(full));
    expect(reduced.stats.reduction).toMatch(said);
  });

  it('a counterexample under the reduction is a concrete path of the unreduced model, as short as without it', () => {
    const model = applyOnce(sva, notifierRegisterNotGet);
    const plain = compile(model, params(twoDevices));
    const u = explore(plain, { continueAfterViolation: true, liveness: false });
    const r = explore(compile(model, params(twoDevices, ['devices'])), { continueAfterViolation: true });
    expect(safety(r)).toEqual(safety(u));
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'one-bond-per-device-mm') : undefined;
    expect(v).toBeDefined();
    expectConcretePath(plain, v!);
  });

  /** Walks of `sva` choosing a step, then a choice, at random; half of them never stop DMA nor end a process, so that TLBs and ATCs fill. */
  function walkChecking(compiled: Compiled<State, IopfParams>, walks: number, length: number): number {
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let checked = 0;
    for (let w = 0; w < walks; w++) {
      let s = compiled.initStates[0]!;
      for (let i = 0; i < length; i++) {
        checkCanonicalize(compiled, s, `walk ${w}, step ${i}`);
        checked++;
        const moves = enabledMoves(compiled, s).filter((m) => w % 2 === 0 || !/do_exit|munmap|stop_dma/.test(m.action.stepKey));
        const steps = [...new Set(moves.map((m) => m.action.stepKey))];
        if (steps.length === 0) break;
        const key = steps[next(steps.length)];
        const of = moves.filter((m) => m.action.stepKey === key);
        const m = of[next(of.length)]!;
        s = applyWithImmer(m.action, s, m.choice);
      }
    }
    return checked;
  }

  it.each([
    [['devices', 'mms', 'pages'], 40],
    [['devices', 'mms'], 20],
  ])('at sva with %j, deep into random walks, every state and its representative have the same successors up to the symmetry', (symmetry, walks) => {
    const compiled = compile(sva, params(svaConfig.params, symmetry));
    expect(walkChecking(compiled, walks, 120)).toBeGreaterThan(walks * 75);
  });

  it('at full (two SMMUs, a CPU and its ASID allocator), the mms and the pages: every walk state checked', () => {
    const c = params({ ...full.params, iovas: 0 }, ['mms', 'pages']);
    const compiled = compile(sva, c);
    expect(sva.symmetry?.(c)).toMatch(/the 2 mms and the 2 pages are interchangeable \(4 arrangements/);
    expect(walkChecking(compiled, 20, 120)).toBeGreaterThan(1500);
  });

  it('the search with the check catches a relabelling that leaves the masters where they were', () => {
    const c = params(twoDevices, ['devices']);
    const compiled = compile(sva, c);
    const forgetful = (s: State): State => {
      const rep = canonicalState(s, c);
      return rep === s ? s : { ...rep, arm_smmu: { ...rep.arm_smmu, masters: s.arm_smmu.masters } };
    };
    expect(() => explore({ ...compiled, canonicalize: forgetful }, { checkSymmetry: true, maxDepth: 12 })).toThrow(/canonicalize is not a symmetry of the state after/);
  });

  it('the check catches a relabelling that leaves the ATCs where they were', () => {
    const c = params(svaConfig.params, ['devices', 'mms', 'pages']);
    const compiled = compile(sva, c);
    const forgetful = (s: State): State => {
      const rep = canonicalState(s, c);
      return rep === s ? s : { ...rep, arm_smmu: { ...rep.arm_smmu, atc: s.arm_smmu.atc } };
    };
    expect(() => walkChecking({ ...compiled, canonicalize: forgetful }, 40, 120)).toThrow(/has no counterpart among its representative's successors/);
  });

  it("the check catches a relabelling of the pages that leaves the TLB's columns where they were", () => {
    const c = params({ ...svaConfig.params, devices: 1, mms: 1 }, ['pages']);
    const compiled = compile(sva, c);
    const forgetful = (s: State): State => {
      const rep = canonicalState(s, c);
      return rep === s ? s : { ...rep, arm_smmu: { ...rep.arm_smmu, tlb: s.arm_smmu.tlb } };
    };
    expect(walkChecking(compiled, 40, 120)).toBeGreaterThan(3000);
    expect(() => walkChecking({ ...compiled, canonicalize: forgetful }, 40, 120)).toThrow(/canonicalize is not a symmetry of walk/);
  });

  it.each([
    [{ ...svaConfig.params, vmas: ['rw', 'r'] }, ['pages'], /every page's VMA the same/],
    [{ ...svaConfig.params, accesses: 1 }, ['pages'], /accesses \(1\) to cover every page \(2\)/],
    [{ ...svaConfig.params, iovas: 1 }, ['pages'], /iovas/],
    [{ ...svaConfig.params, httu: true }, ['pages'], /evtq or httu/],
    [{ ...pair.params, cmdq: 'fifo' }, ['devices'], /cmdq 'fifo'/],
    [{ ...pair.params, smmus: 2 }, ['devices'], /with smmus: device d sits behind SMMU d/],
    [{ ...pair.params, attach: true }, ['devices'], /with attach/],
    [{ ...svaConfig.params, attach: true }, ['mms'], /with attach/],
  ] as const)('is refused where the devices or the pages differ or a slice names them unrelabelled (%#)', (p, symmetry, why) => {
    expect(() => compile(sva, params(p, [...symmetry]))).toThrow(why);
  });
});
