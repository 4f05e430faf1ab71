// 7497f4211f4f "iommu/arm-smmu-v3: Make changing domains be hitless for ATS" (Jason Gunthorpe, v6.11):
// a master leaves the old domain's smmu_domain->devices list last, in arm_smmu_attach_commit
// (arm-smmu-v3.c:2681-2700 at 7497f4211f4f, arm_smmu_remove_master_domain at 2699, its list_del at
// 2573), after arm_smmu_install_ste_for_dev has installed and synced the new STE (2770, 2776, and
// 2829 for the abort STE of arm_smmu_attach_dev_ste, used by arm_smmu_attach_dev_blocked at
// 2861-2868): "At this point the SMMU is translating for the new domain and both the old&new domain
// will issue invalidations" (2691-2693). v5.13's arm_smmu_detach_dev does the list_del (2214-2216 at
// 9936a12fcb18) before the abort STE (2218-2220), so a CD write of the old domain in between (the
// seize's rewrite of CD 0, arm_smmu_share_asid) syncs the masters still listed and misses this one,
// whose STE the SMMU may still have cached with the old CD 0.
// The variant moves that one list_del after the abort STE's CMD_SYNC and leaves the rest of v5.13's
// attach as it is (disable_ats first, the abort STE, then the new domain's STE and list_add): the
// model keeps v5.13's per-domain CD tables, where 7497f4211f4f's per-master table goes straight from
// the old STE to the new one. Not modelled here: arm_smmu_asid_lock across the whole attach, which
// 9f7c68911579 ("Hold arm_smmu_asid_lock during all of attach_dev", v6.9) added first and which
// alone keeps the seize out of the window (variant attach-holds-asid-lock); this variant checks the
// order without that lock.
import { defineVariant } from '../../../explorer/variant.ts';
import { arm_smmu_attach_dev_check } from '../../../model/arm-smmu-v3/attach.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { attachCheckStep, detachListDelStep, detachSteStep } from '../../../model/sva/attach.ts';

const COMMIT = '7497f4211f4f "iommu/arm-smmu-v3: Make changing domains be hitless for ATS" (v6.11)';

export default defineVariant<State, IopfParams>({
  id: 'remove-master-domain-last',
  title: "arm_smmu_detach_dev leaves the old domain's devices list only after the abort STE's CMD_SYNC (7497f4211f4f's order)",
  source: `${COMMIT}: drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2681-2700 (arm_smmu_attach_commit, arm_smmu_remove_master_domain at 2699) and 2810-2840 (arm_smmu_attach_dev_ste: prepare 2828, install_ste 2829, commit 2830) at 7497f4211f4f, against 2214-2220 at 9936a12fcb18 (v5.13-rc6)`,
  description:
    "The detaching master stays on the old domain's devices list until its abort STE is installed and synced. A seize of the old domain's private ASID in between (arm_smmu_share_asid's rewrite of CD 0) sends CFGI_CD to this master too, and once the STE's CFGI_STE completes the SMMU holds no STE or CD of the old domain for it: no cached CD 0 keeps the ASID the mm is then given (fixes cd-hitless and asid-unique at sva-attach-pair; F4 stays).",
  model: 'sva',
  expect: { violates: [], fixes: ['cd-hitless', 'asid-unique'], config: 'sva-attach-pair' },
  steps: {
    replace: {
      // After arm_smmu_disable_ats, the abort STE comes first.
      'attach/arm_smmu_attach_dev/arm_smmu_master_sva_enabled': (c: IopfParams) => attachCheckStep(c, arm_smmu_attach_dev_check, 'detach_ste'),
      'attach/arm_smmu_detach_dev/install_ste': (c: IopfParams) => ({
        ...detachSteStep(c, 'detach_list_del'),
        doc: "arm_smmu_disable_ats's CMD_SYNC completed; the detach, in 7497f4211f4f's order: master->domain = NULL, master->ats_enabled = false, arm_smmu_install_ste_for_dev: the STE aborts; CFGI_STE, CMD_SYNC. The master is still on the old domain's list, so that domain's CD syncs still reach it",
        source: `drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2218-2220 (9936a12fcb18, v5.13-rc6), moved before 2214-2216 as ${COMMIT} orders it (arm_smmu_attach_dev_ste: install_ste at 2829, before arm_smmu_attach_commit at 2830)`,
      }),
      'attach/arm_smmu_detach_dev/list_del': (c: IopfParams) => ({
        ...detachListDelStep(c, 'init_mutex'),
        doc: "the abort STE's CMD_SYNC completed; arm_smmu_remove_master_domain as 7497f4211f4f's arm_smmu_attach_commit calls it last: spin_lock(devices_lock), list_del: the old domain's CD syncs and ATC invalidations no longer reach the master, whose STE no longer points at that domain",
        source: `drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2214-2216 (9936a12fcb18, v5.13-rc6), moved after 2218-2220 as ${COMMIT} orders it (arm_smmu_remove_master_domain 2560-2579, called at 2699)`,
      }),
    },
  },
});
