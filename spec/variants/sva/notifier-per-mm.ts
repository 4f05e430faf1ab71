// Labelled mutation of arm_smmu_mmu_notifier_get (arm-smmu-v3-sva.c:229-243 at 9936a12fcb18): the
// walk that finds an existing notifier matches `smmu_mn->mn.mm == mm` over the notifiers of every
// domain, as if they were kept per mm (the way mm/mmu_notifier.c's mmu_notifier_get(ops, mm) keys
// them by ops and mm), instead of on smmu_domain->mmu_notifiers. A bind whose domain joins the
// notifier of another domain still installs the shared CD in its own domain's table (the CD is per
// domain: arm_smmu_write_ctx_desc(smmu_domain, mm->pasid, cd) at :268), so its master translates
// the mm; but smmu_mn->domain is the first domain, and every invalidate_range of the mm goes to that
// domain's SMMU and masters only (:187-190). No kernel version has it.
import type { Draft } from 'immer';
import { step, type AnyStep } from '../../../explorer/model.ts';
import { defineVariant } from '../../../explorer/variant.ts';
import { arm_smmu_write_ctx_desc } from '../../../model/arm-smmu-v3/cd.ts';
import { attachedDomain, type SmmuState } from '../../../model/arm-smmu-v3/state.ts';
import type { DeviceId, DomainId, MmId, NotifierId } from '../../../model/ids.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { DriverPc, State } from '../../../model/state.ts';
import { driverOwner } from '../../../model/sva/config.ts';
import { bindDword0Step, bindStep } from '../../../model/sva/driver-sva.ts';

/** The driver's label where a bind that joined another domain's notifier installs its own CD. */
const BIND_JOIN = 'bind_join' as DriverPc;

/** The mutated walk: the mm's live notifier, whatever its domain. */
function findMnByMm(s: SmmuState, _domain: DomainId, mm: MmId): NotifierId | null {
  const i = s.mmu_notifiers.findIndex((n) => n !== null && !n.freeing && n.mm === mm);
  return i < 0 ? null : (i as NotifierId);
}

const ownDomain = (d: Draft<State> | State, self: number): DomainId => attachedDomain(d.arm_smmu, self as DeviceId);

/** The bond's notifier, for a driver inside a bind. */
function bondMn(d: Draft<State> | State, self: number) {
  const mm = d.sva[self]!.mm!;
  return d.arm_smmu.mmu_notifiers[d.arm_smmu.masters[self]!.bonds[mm]!.smmu_mn]!;
}

/** __arm_smmu_sva_bind with the mutated walk; a bind that joined another domain's notifier owes its CD. */
function bindByMmStep(c: IopfParams): AnyStep<State> {
  const base = bindStep(c, { find_mn: findMnByMm });
  return {
    ...base,
    doc: `${base.doc}; the notifier walk matches the mm alone (mutation), and a bind that joined another domain's notifier goes on to install the CD in its own domain`,
    apply: (d: Draft<State>, self: number, choice: unknown) => {
      base.apply(d, self, choice);
      if (d.drivers[self] !== 'bind_unlock') return;
      const mm = d.sva[self]!.mm!;
      const own = d.arm_smmu.domains[ownDomain(d, self)]!.cdtab[d.mms[mm]!.pasid];
      if (bondMn(d, self).domain !== ownDomain(d, self) && own?.v === false) d.drivers[self] = BIND_JOIN;
    },
  };
}

function joinDomainStep(): AnyStep<State> {
  return step<State>({
    name: 'arm_smmu_mmu_notifier_get/join_domain',
    at: BIND_JOIN,
    doc: "mutated arm_smmu_mmu_notifier_get, the mm's notifier found on another domain: arm_smmu_write_ctx_desc(smmu_domain, mm->pasid, cd) install in the binding master's own domain: CD dwords 1-3, CFGI_CD + CMD_SYNC on that domain's SMMU",
    source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:268 (9936a12fcb18, v5.13-rc6), run for a notifier the walk at :238-243 found (labelled mutation); drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1012-1022 (v5.13-rc6) (CD dwords 1-3 + first sync)',
    locks: 'sva_lock (held); devices_lock for the CD sync',
    apply: (d, self) => {
      const mm = d.sva[self]!.mm!;
      const cd = { asid: bondMn(d, self).cd, ttb: { type: 'mm' as const, mm } };
      const r = arm_smmu_write_ctx_desc(d.arm_smmu, ownDomain(d, self), d.mms[mm]!.pasid, cd, { owner: driverOwner(self), quiet_stall: 'never' });
      d.drivers[self] = r === 'install-pending' ? 'bind_dword0' : 'bind_unlock';
    },
  });
}

export default defineVariant<State, IopfParams>({
  id: 'notifier-per-mm',
  title: 'mutation: arm_smmu_mmu_notifier_get finds the mm\'s notifier on any domain, so domains of different SMMUs share one',
  source:
    'one-step mutation of arm_smmu_mmu_notifier_get, drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:238-243 (9936a12fcb18, v5.13-rc6): `list_for_each_entry(smmu_mn, &smmu_domain->mmu_notifiers, list) if (smmu_mn->mn.mm == mm)` over every domain\'s notifiers (labelled mutation; no kernel version has it)',
  description:
    "With one SMMU (one domain) nothing changes. With two, the second device's bind finds the first domain's notifier for the mm and takes a reference on it, installing the shared CD in its own domain: its DMA fills the second SMMU's TLB, but munmap's invalidate_range for the mm is the first domain's and sends its TLBI to the first SMMU only; when the flush completes the second SMMU still holds the entry (invalidation-reaches-every-smmu, 42 steps). Once tlb_finish_mmu frees the frame the device can DMA to it (no-dma-to-unmapped-page, 48 steps: beyond the config's depth bound of 44). At exit (sva-two-smmus-exit) mn_hlist_release calls the one notifier's arm_smmu_mm_release, which quiesces and invalidates the first domain only: SMMU 1's TLB and device 1's ATC keep the mm (no-stale-tlb-after-release, no-stale-atc-after-release, 51 steps).",
  model: 'sva',
  expect: { violates: ['invalidation-reaches-every-smmu'], config: 'sva-two-smmus' },
  labels: { driver_pc: [BIND_JOIN] },
  steps: {
    replace: {
      'driver/__arm_smmu_sva_bind': bindByMmStep,
      'driver/arm_smmu_write_ctx_desc/dword0': bindDword0Step((d, self) => ownDomain(d, self), ", in the binding master's domain (the baseline's is the notifier's, the same domain there)"),
    },
    add: { driver: [joinDomainStep()] },
  },
});
