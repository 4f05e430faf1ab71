// Seed 001, review of patch 2 (Jacob Pan, 30 Apr and 4 May 2020): "ioasid_free(); // drop
// reference, mark inactive ... ioasid_get() // returns err if the ioasid is marked inactive ...
// In inactive state, callers of ioasid_find(), ioasid_get() would all fail" (model/ioasid/inactive.ts).
// Applied to SVA: every unbind frees (drop + mark inactive), a bind that would take a reference on
// mm->pasid fails with -EINVAL once it is inactive, and iommu_sva_find no longer finds it.
// Jean-Philippe Brucker kept plain references ("I'd like to avoid introducing the inactive state").
import type { Draft } from 'immer';
import { step, type AnyStep } from '../../../explorer/model.ts';
import { defineVariant } from '../../../explorer/variant.ts';
import { arm_smmu_mmu_notifier_get } from '../../../model/arm-smmu-v3/sva-notifier.ts';
import { attachedDomain, type BindAllocFailure } from '../../../model/arm-smmu-v3/state.ts';
import { INVALID_IOASID, ioasid_alloc } from '../../../model/ioasid/ioasid.ts';
import type { DeviceId, MmId, Pasid } from '../../../model/ids.ts';
import { ioasid_find_proposed, ioasid_free_proposed, ioasid_get_proposed } from '../../../model/ioasid/inactive.ts';
import { IOMMU_SVA_PASID_SET } from '../../../model/iommu-sva/iommu-sva-lib.ts';
import { mmget_not_zero } from '../../../model/mm/mm.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { bindStep, driverOpts, freePasidStep, type BindChoice } from '../../../model/sva/driver-sva.ts';
import { notePasidPut } from '../../../model/sva/pasid.ts';
import { svaView } from '../../../model/sva/view.ts';
import { type BusyWorker, faultAt } from '../../../model/io-pgfault/worker.ts';
import { IOMMU_FAULT_PAGE_REQUEST_PASID_VALID, hasFlag } from '../../../model/types.ts';
import { bondHolder } from '../../../model/arm-smmu-v3/sva-bind.ts';

/** __arm_smmu_sva_bind with the proposal's ioasid_get: -EINVAL on an inactive PASID. */
function bindInactive(d: Draft<State>, self: number, { mm, fail }: { mm: MmId; fail: BindAllocFailure }): 'ok' | 'register' | 'seizing' | 'err' {
  const master = d.arm_smmu.masters[self]!;
  if (!master.sva_enabled) return 'err';
  const bond = master.bonds[mm];
  if (bond) {
    bond.refs++;
    return 'ok';
  }
  if (fail === 'bond') return 'err';
  const m = d.mms[mm]!;
  if (m.pasid) {
    if (ioasid_get_proposed(d.ioasid, m.pasid as Pasid, bondHolder(self as DeviceId)) !== 0) return 'err';
  } else {
    const p = ioasid_alloc(d.ioasid, IOMMU_SVA_PASID_SET, 1, master.ssid_max, mm, bondHolder(self as DeviceId));
    if (p === INVALID_IOASID) return 'err';
    m.pasid = p;
  }
  const mn = arm_smmu_mmu_notifier_get(svaView(d), attachedDomain(d.arm_smmu, self as DeviceId), mm, driverOpts(self), fail);
  // A seize continues in the baseline's steps (with allocFailures, their err_free_pasid is the baseline's).
  if (typeof mn === 'object' && 'seizing' in mn) return 'seizing';
  if (typeof mn === 'string') {
    freeInactive(d, self as DeviceId, mm);
    return 'err';
  }
  master.bonds[mm] = { refs: 1, smmu_mn: mn.mn };
  return mn.register ? 'register' : 'ok';
}

/** iommu_sva_free_pasid with the proposal's ioasid_free, and the fault path's ghosts. */
function freeInactive(d: Draft<State>, dev: DeviceId, mm: MmId): void {
  const m = d.mms[mm]!;
  const pasid = m.pasid;
  if (pasid === 0) return;
  const freed = ioasid_free_proposed(d.ioasid, pasid as Pasid, bondHolder(dev));
  if (freed) m.pasid = 0;
  notePasidPut(d, pasid, freed);
}

function bindStepInactive(c: IopfParams): AnyStep<State> {
  const base = bindStep(c);
  return {
    ...base,
    apply: (d: Draft<State>, self: number, choice: BindChoice) => {
      const { mm, fail } = choice;
      if (mm === null) return base.apply(d, self, choice);
      d.sva_lock = self;
      const r = bindInactive(d, self, { mm, fail });
      if (r === 'err') {
        d.sva_lock = null;
        d.sva[self]!.binds = 0;
        d.drivers[self] = 'stop';
        return;
      }
      d.sva[self]!.mm = mm;
      d.drivers[self] = r === 'seizing' ? 'bind_seize_cd' : r === 'register' ? 'bind_register' : 'bind_unlock';
    },
  };
}

function freeStepInactive(): AnyStep<State> {
  const base = freePasidStep();
  return {
    ...base,
    apply: (d: Draft<State>, self: number, choice: unknown) => {
      // ioasid_free = the baseline's ioasid_put, and the id is marked inactive if it stays.
      const pasid = d.mms[d.sva[self]!.mm!]!.pasid;
      base.apply(d, self, choice);
      const data = pasid ? d.ioasid.xa[pasid] : null;
      if (data) data.active = false;
    },
  };
}

const findStep = (): AnyStep<State> =>
  step<State>({
    name: 'iopf_handle_single/iommu_sva_find',
    at: 'find',
    doc: 'iommu_sva_find with the proposal\'s ioasid_find: an inactive PASID is not found',
    apply: (d, self) => {
      const w = d.workers[self] as Draft<BusyWorker>;
      const f = faultAt(w.group, w.cursor);
      const r = hasFlag(f.flags, IOMMU_FAULT_PAGE_REQUEST_PASID_VALID)
        ? ioasid_find_proposed(d.ioasid, IOMMU_SVA_PASID_SET, f.pasid, (priv) => priv !== null && mmget_not_zero(d.mms[priv]!))
        : null;
      if (r === null || typeof r === 'string') {
        // next(w, 'INVALID'): the walk stops here
        w.status = 'INVALID';
        w.mm = null;
        if (w.cursor < w.group.faults.length) w.group.faults.splice(w.cursor, 1);
        w.pc = 'complete';
        return;
      }
      w.mm = r.priv as MmId;
      w.pc = 'fault';
    },
  });

export default defineVariant<State, IopfParams>({
  id: 'ioasid-inactive-state',
  title: 'ioasid_free marks the PASID inactive: later ioasid_get and ioasid_find fail',
  source: 'seed 001: Jacob Pan\'s review of patch 2 (30 Apr and 4 May 2020); model/ioasid/inactive.ts',
  description:
    'Every safety invariant still holds: the PASID is still reclaimed only at the last put. What changes is service: once one device unbound an mm that another device still uses, that device\'s faults on the PASID are answered INVALID (ioasid_find fails) and a further bind of the mm fails with -EINVAL. So with two masters of one mm (sva-pair, without DMA) `sva-find-serves-bound-device` fails: a fault of the device still bound is refused after the other device unbound; with one device nothing changes (test/spec/sva-variants.test.ts).',
  model: 'sva',
  expect: { violates: ['sva-find-serves-bound-device'] },
  steps: {
    replace: {
      'driver/__arm_smmu_sva_bind': (c: IopfParams) => bindStepInactive(c),
      'driver/iommu_sva_free_pasid': () => freeStepInactive(),
      'worker/iopf_handle_single/iommu_sva_find': () => findStep(),
    },
  },
});
