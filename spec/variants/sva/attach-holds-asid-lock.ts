// 9f7c68911579 "iommu/arm-smmu-v3: Hold arm_smmu_asid_lock during all of attach_dev" (Jason
// Gunthorpe, v6.9, with stable backports). In arm_smmu_attach_dev at 9f7c68911579 (arm-smmu-v3.c:
// 2564-2658) the -EBUSY check (2584-2587) and the finalise under init_mutex (2589-2601) come first;
// then mutex_lock(&arm_smmu_asid_lock) (2609), under the comment "Prevent arm_smmu_share_asid() from
// trying to change the ASID of either the old or new domain while we are working on it. This allows
// the STE and the smmu_domain->devices list to be inconsistent during this routine." (2603-2608);
// arm_smmu_detach_dev (2611; its list_del at 2548 and abort STE at 2553), the new domain's list_add
// (2625-2627), CD 0, STE (2645) and arm_smmu_enable_ats (2647) under it, and mutex_unlock at
// out_unlock (2655-2656), which the success path reaches by "goto out_unlock" (2648). The commit
// moved arm_smmu_detach_dev from before the init_mutex section to after it and dropped the
// asid_lock section around the CD 0 write. v5.13's arm_smmu_detach_dev (arm-smmu-v3.c:2204-2221 at
// 9936a12fcb18) runs with no asid_lock, so the seize (arm_smmu_share_asid, arm-smmu-v3-sva.c:43-89
// at 9936a12fcb18, under the asid_lock arm_smmu_alloc_shared_cd holds up to its xa_insert, 114-118)
// can run between its list_del and its abort STE.
//
// The model has no arm_smmu_asid_lock state: a section within one step needs none, and the sections
// that span steps are the seize's (driver pcs bind_seize_cd, bind_seize_tlbi, bind_seize_end) and,
// here, the attach's. The attach takes the lock in the step that takes group->mutex and drops it in
// the step that drops group->mutex, so "this attach thread holds arm_smmu_asid_lock" is exactly
// `attachHoldsGroup` (its pc is inside arm_smmu_attach_dev): no state field is added. Two guards make
// the lock exclusive: the attach's first step waits while a driver is inside the seize or another
// master's attach holds the lock; the bind's first step (whose arm_smmu_alloc_shared_cd takes the
// lock) waits while an attach holds it. In the kernel the binder takes sva_lock before it blocks on
// asid_lock; the model's bind waits before taking sva_lock, which only lets other sva_lock users run
// meanwhile (the attach takes no sva_lock under asid_lock: the check at 2584 is before it), so the
// model's behaviours include the kernel's.
//
// The checks come first, as at 9f7c68911579: the -EBUSY check, then the init_mutex section (the
// finalise of a new domain, or -ENXIO for a domain of another SMMU), then the detach and the attach.
// So a refused attach leaves the master attached where it was, with group->domain (invariant
// attached-to-group-domain, which v5.13 fails at sva-attach-two-smmus). Left as v5.13 has it: the
// order after the detach (at 9f7c68911579 list_add comes before the new CD and STE, 10e4968cd511) and
// init_mutex held to the end of the attach (9f7c68911579 drops it after the section); the model's
// asid_lock is taken at the attach's first step, before the init_mutex section, where
// 9f7c68911579 takes it after (2609): the finalise's own asid_lock section is in that window either
// way, and the -EBUSY check takes no lock the seize needs.
import { defineVariant } from '../../../explorer/variant.ts';
import type { AnyStep } from '../../../explorer/model.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { DriverPc, State } from '../../../model/state.ts';
import { attachCheckStep, attachHoldsGroup, attachInitStep, attachSteps, detachSteStep } from '../../../model/sva/attach.ts';
import { bindStep } from '../../../model/sva/driver-sva.ts';

const COMMIT = '9f7c68911579 "iommu/arm-smmu-v3: Hold arm_smmu_asid_lock during all of attach_dev" (v6.9)';

/** Driver pcs inside the seize's arm_smmu_asid_lock section (arm_smmu_alloc_shared_cd to its xa_insert). */
const SEIZE: readonly DriverPc[] = ['bind_seize_cd', 'bind_seize_tlbi', 'bind_seize_end'];

/** Does an attach thread other than `self` hold arm_smmu_asid_lock (its pc inside arm_smmu_attach_dev)? */
const attachHoldsAsidLock = (s: State, self: number | null): boolean => s.drivers.some((_, dev) => dev !== self && attachHoldsGroup(s, dev));

/** Is arm_smmu_asid_lock free for the attach thread `self`: no seize in progress, no other attach inside? */
const asidLockFreeForAttach = (s: State, self: number): boolean => !s.drivers.some((pc) => SEIZE.includes(pc)) && !attachHoldsAsidLock(s, self);

/** The attach step named `name` of the baseline, with its doc, source and locks for this variant. */
function attachStep(c: IopfParams, name: string, over: Pick<AnyStep<State>, 'doc' | 'source' | 'locks'>): AnyStep<State> {
  const base = attachSteps(c).find((s) => s.name === name)!;
  return { ...base, ...over };
}

export default defineVariant<State, IopfParams>({
  id: 'attach-holds-asid-lock',
  title: 'arm_smmu_attach_dev checks the domain before it detaches the master, and holds arm_smmu_asid_lock from before arm_smmu_detach_dev to its end (9f7c68911579)',
  source: `${COMMIT}: drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2564-2658 at 9f7c68911579 (arm_smmu_attach_dev: mutex_lock(&arm_smmu_asid_lock) at 2609 before arm_smmu_detach_dev at 2611, mutex_unlock at out_unlock 2655-2656), against 2204-2221 and 2223-2291 at 9936a12fcb18 (v5.13-rc6)`,
  description:
    "The attach checks the domain (the finalise, or the refusal of another SMMU's domain) before it detaches the master, and holds arm_smmu_asid_lock across the detach and the attach. So a refused attach leaves the master in group->domain (fixes attached-to-group-domain at sva-attach-two-smmus), and a bind of the other master cannot seize the old domain's private ASID between the detach's list_del and its abort STE's CMD_SYNC: the seize runs before the attach (the detaching master still listed, its CD 0 synced) or after it (its STE no longer points at the old domain). Fixes cd-hitless and asid-unique at sva-attach-pair; F4 (the seize against the unmap path, which takes no asid_lock) stays.",
  model: 'sva',
  expect: { violates: [], fixes: ['cd-hitless', 'asid-unique'], config: 'sva-attach-pair' },
  steps: {
    replace: {
      'attach/arm_smmu_attach_dev/arm_smmu_master_sva_enabled': (c: IopfParams) => {
        const base = attachCheckStep(c, undefined, undefined, 'checks-first');
        return {
          ...base,
          doc: "the core's attach to the next domain (group->mutex held from here to the end of the attach) → arm_smmu_attach_dev: arm_smmu_master_sva_enabled under sva_lock, -EBUSY if SVA is enabled; else on to the init_mutex section, the master still attached. " +
            `${COMMIT}: mutex_lock(&arm_smmu_asid_lock) before arm_smmu_detach_dev, held to the end of the attach; so this step waits while a seize holds the lock (a driver between arm_smmu_alloc_shared_cd and its xa_insert) or another master's attach does`,
          source: `drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2584-2587 (${COMMIT}) (the -EBUSY check); drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2603-2611 (${COMMIT}) (mutex_lock(&arm_smmu_asid_lock), arm_smmu_detach_dev)`,
          locks: 'group->mutex and arm_smmu_asid_lock, taken here and held to the end of the attach; sva_lock around the check',
          enabled: (s: State, self: number) => base.enabled!(s, self, undefined) && asidLockFreeForAttach(s, self),
        };
      },
      'attach/arm_smmu_attach_dev/arm_smmu_domain_finalise': (c: IopfParams) => {
        const base = attachInitStep(c, 'checks-first');
        return {
          ...base,
          doc: "arm_smmu_attach_dev: mutex_lock(&smmu_domain->init_mutex); on the first attach smmu_domain->smmu = the master's SMMU and arm_smmu_domain_finalise (the private ASID, the CD table, CD 0); a full asid_xa or a domain of another SMMU fails the attach with the master untouched; else arm_smmu_detach_dev → arm_smmu_disable_ats (ATC_INV SSID 0 all, CMD_SYNC), or, for a master already detached, on to the new STE",
          source: `drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2589-2601 (${COMMIT}) (the init_mutex section: finalise, -EINVAL for another SMMU); :2611 (arm_smmu_detach_dev); drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2204-2212, :2140-2155 (9936a12fcb18) (arm_smmu_detach_dev up to arm_smmu_disable_ats)`,
          locks: 'group->mutex, arm_smmu_asid_lock (held); smmu_domain->init_mutex, taken here',
        };
      },
      'attach/arm_smmu_detach_dev/install_ste': (c: IopfParams) => {
        const base = detachSteStep(c, 'install_ste');
        return { ...base, doc: `${base.doc}; then the new STE (the init_mutex section came before the detach)` };
      },
      'attach/arm_smmu_attach_dev/list_add': (c: IopfParams) =>
        attachStep(c, 'arm_smmu_attach_dev/list_add', {
          doc: "the STE's CMD_SYNC completed; arm_smmu_attach_dev: spin_lock(devices_lock), list_add(&master->domain_head, &smmu_domain->devices); then arm_smmu_enable_ats: atomic_inc(nr_ats_masters), arm_smmu_atc_inv_domain(domain, 0, 0, 0) (ATC_INV per ATS master of the list, CMD_SYNC); without ATS, mutex_unlock(init_mutex), mutex_unlock(&arm_smmu_asid_lock) (out_unlock) and the attach returns",
          source: `drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2282-2286, 2288-2290 (9936a12fcb18, v5.13-rc6); arm_smmu_enable_ats :2119-2138; drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2647-2648, 2655-2657 (${COMMIT}) (out_unlock: mutex_unlock(&arm_smmu_asid_lock))`,
          locks: 'group->mutex, init_mutex, arm_smmu_asid_lock (held; released here without ATS); the new domain\'s devices_lock',
        }),
      'attach/arm_smmu_enable_ats/pci_enable_ats': (c: IopfParams) =>
        attachStep(c, 'arm_smmu_enable_ats/pci_enable_ats', {
          doc: "the ATC invalidation's CMD_SYNC completed; arm_smmu_enable_ats: pci_enable_ats; arm_smmu_attach_dev: mutex_unlock(&smmu_domain->init_mutex), mutex_unlock(&arm_smmu_asid_lock) (out_unlock), and the core drops group->mutex",
          source: `drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2136-2137, 2288-2290 (9936a12fcb18, v5.13-rc6); drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2647-2648, 2655-2657 (${COMMIT}) (arm_smmu_enable_ats, goto out_unlock, mutex_unlock(&arm_smmu_asid_lock))`,
          locks: 'group->mutex, init_mutex, arm_smmu_asid_lock, released here',
        }),
      'driver/__arm_smmu_sva_bind': (c: IopfParams) => {
        const base = bindStep(c);
        return {
          ...base,
          doc: `${base.doc}. arm_smmu_alloc_shared_cd's mutex_lock(&arm_smmu_asid_lock) waits while an attach holds it (${COMMIT})`,
          // A bind that reuses a bond or the domain's smmu_mn takes no asid_lock, and one that gives up
          // (no live process) none either; the guard makes every bind with an mm wait. At
          // sva-attach-pair no reuse is possible while an attach holds the lock: the attaching master
          // has SVA disabled (else its attach fails -EBUSY before the lock) and the other binds once.
          enabled: (s: State, self: number, b: Parameters<NonNullable<typeof base.enabled>>[2]) =>
            base.enabled!(s, self, b) && ((b as { mm: unknown }).mm === null || !attachHoldsAsidLock(s, null)),
        };
      },
    },
  },
});
