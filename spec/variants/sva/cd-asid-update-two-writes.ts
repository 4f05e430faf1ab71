// Labelled one-step mutation of arm_smmu_write_ctx_desc case (3), the ASID update of a live CD
// (arm-smmu-v3.c v5.13-rc6), as the seize in arm_smmu_share_asid calls it: the read-modify-write of
// the ASID field (1006-1007) done on cdptr[0] itself, two plain stores, instead of on a local that
// the one WRITE_ONCE at 1048 stores. No kernel version has it; a compiler may emit it for a
// read-modify-write that is not WRITE_ONCE. Between the two stores the live CD at SSID 0 is valid
// with ASID 0, neither the old nor the new one, and the SMMU can fetch it.
// The word-level form (the ASID's bytes stored in two halves) is spec/cd-write-mutations.ts's.
import { step, type AnyStep } from '../../../explorer/model.ts';
import { defineVariant } from '../../../explorer/variant.ts';
import { arm_smmu_share_asid_write_cd, seizingDomain } from '../../../model/arm-smmu-v3/asid.ts';
import type { SmmuState } from '../../../model/arm-smmu-v3/state.ts';
import type { DomainId } from '../../../model/ids.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { DriverPc, State } from '../../../model/state.ts';
import { driverOwner } from '../../../model/sva/config.ts';

/** The driver's label between the two stores. */
const BIND_SEIZE_CD_SET = 'bind_seize_cd_set' as DriverPc;

/** The first store: `cdptr[0] &= ~CTXDESC_CD_0_ASID` (arm-smmu-v3.c:1006 on the CD itself). */
function clearCdAsid(d: SmmuState, domain: DomainId): void {
  const cdptr = d.domains[domain]?.cdtab[0];
  if (cdptr) cdptr.asid = 0;
}

function clearAsidStep(): AnyStep<State> {
  return step<State>({
    name: 'arm_smmu_share_asid/write_ctx_desc/clear_asid',
    at: 'bind_seize_cd',
    doc: 'arm_smmu_share_asid, the ASID seized: the mutated case (3) of arm_smmu_write_ctx_desc(smmu_domain, 0, cd) clears the live CD\'s ASID field in memory (cdptr[0] &= ~CTXDESC_CD_0_ASID)',
    source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:77-82 (v5.13-rc6); drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1006 and 1048 (v5.13-rc6), one store made two (labelled mutation)',
    locks: 'sva_lock, arm_smmu_asid_lock (held)',
    apply: (d, self) => {
      clearCdAsid(d.arm_smmu, seizingDomain(d.arm_smmu));
      d.drivers[self] = BIND_SEIZE_CD_SET;
    },
  });
}

function setAsidStep(): AnyStep<State> {
  return step<State>({
    name: 'arm_smmu_share_asid/write_ctx_desc/set_asid',
    at: BIND_SEIZE_CD_SET,
    doc: 'the mutated case (3), second store: cdptr[0] |= FIELD_PREP(CTXDESC_CD_0_ASID, cd->asid) (the new ASID), then arm_smmu_sync_cd: CFGI_CD per master, CMD_SYNC',
    source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1007 and 1048-1049 (v5.13-rc6), one store made two (labelled mutation)',
    locks: 'sva_lock, arm_smmu_asid_lock (held); devices_lock for the CD sync',
    apply: (d, self) => {
      // With the field cleared, OR-ing the new ASID in stores what the baseline's one store does.
      arm_smmu_share_asid_write_cd(d.arm_smmu, driverOwner(self));
      d.drivers[self] = 'bind_seize_tlbi';
    },
  });
}

export default defineVariant<State, IopfParams>({
  id: 'cd-asid-update-two-writes',
  title: 'mutation: the seize rewrites the live CD\'s ASID with two stores, cleared then set',
  source:
    'one-step mutation of arm_smmu_write_ctx_desc case (3), drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1005-1007 and 1048 (v5.13-rc6): the ASID field cleared and set in cdptr[0] instead of one WRITE_ONCE (labelled mutation; no kernel version has it)',
  description:
    'The bind seizes the DMA domain\'s private ASID: arm_smmu_share_asid rewrites the live CD at SSID 0 with its ASID field first cleared, then set. Between the two stores the SMMU can fetch a valid CD tagged with ASID 0, which no address space owns in asid_xa (cd-hitless).',
  model: 'sva',
  expect: { violates: ['cd-hitless'], config: 'sva-seize' },
  labels: { driver_pc: [BIND_SEIZE_CD_SET] },
  steps: {
    replace: { 'driver/arm_smmu_share_asid/write_ctx_desc': clearAsidStep() },
    add: { driver: [setAsidStep()] },
  },
});
