// Labelled one-step mutation of arm_smmu_write_ctx_desc's install, cases (1) and (2) (arm-smmu-v3.c
// v5.13-rc6): dword 0 (V = 1, the ASID) is stored and synced before dwords 1-3 (TTB0, MAIR) instead
// of after them. No kernel version has it. Between the two halves the SMMU can fetch a valid CD
// whose TTB0 is not the new mm's: none for a fresh SSID, the previous mm's table for a reused one.
// The word-level form of the same mutation is spec/cd-write-mutations.ts's installVFirst.
import type { Draft } from 'immer';
import { step, type AnyStep } from '../../../explorer/model.ts';
import { defineVariant } from '../../../explorer/variant.ts';
import { arm_smmu_sync_cd, arm_smmu_write_ctx_desc, arm_smmu_write_ctx_desc_dword0, type CtxDescArg, type WriteCdOpts, type WriteCdRet } from '../../../model/arm-smmu-v3/cd.ts';
import { cmdq_sync_done } from '../../../model/arm-smmu-v3/cmdq.ts';
import type { SmmuState, Ttb } from '../../../model/arm-smmu-v3/state.ts';
import type { DomainId } from '../../../model/ids.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { DriverPc, State } from '../../../model/state.ts';
import { driverOwner } from '../../../model/sva/config.ts';
import { bindRegisterStep } from '../../../model/sva/driver-sva.ts';
import { redirect } from './edit.ts';

/** The driver's label between the mutated install's two halves. */
const BIND_TTB0 = 'bind_cd_ttb0' as DriverPc;

/**
 * arm_smmu_write_ctx_desc with the install's halves swapped: WRITE_ONCE(cdptr[0], V | ASID | ...)
 * and its arm_smmu_sync_cd (arm-smmu-v3.c:1048-1049) come first, and dwords 1-3 (1013-1015) are owed.
 */
function writeCtxDescVFirst(d: SmmuState, domain: DomainId, ssid: number, cd: CtxDescArg, opts: WriteCdOpts): WriteCdRet {
  const cdptr = d.domains[domain]?.cdtab[ssid];
  if (!cdptr || cdptr.v || cd === null || cd === 'quiet_cd') return arm_smmu_write_ctx_desc(d, domain, ssid, cd, opts);
  arm_smmu_write_ctx_desc_dword0(d, domain, ssid, cd, opts);
  return 'install-pending';
}

/** The swapped install's second half: cdptr[1..3] = TTB0, 0, MAIR, then arm_smmu_sync_cd. */
function writeCtxDescDwords13(d: SmmuState, domain: DomainId, ssid: number, ttb: Ttb, owner: number): void {
  const cdptr = d.domains[domain]?.cdtab[ssid];
  if (!cdptr) return;
  cdptr.ttb = ttb;
  arm_smmu_sync_cd(d, domain, ssid, owner);
}

function dwords13Step(): AnyStep<State> {
  return step<State>({
    name: 'arm_smmu_write_ctx_desc/dwords1-3',
    at: BIND_TTB0,
    doc: 'mutated install, after the sync of dword 0 (V = 1): cdptr[1] = TTB0, cdptr[2] = 0, cdptr[3] = MAIR, arm_smmu_sync_cd',
    source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1013-1022 (v5.13-rc6), moved after 1048-1049 (labelled mutation)',
    locks: 'sva_lock (held); devices_lock for the CD sync',
    enabled: (s, self) => cmdq_sync_done(s.arm_smmu, driverOwner(self)),
    apply: (d: Draft<State>, self) => {
      const mm = d.sva[self]!.mm!;
      const mn = d.arm_smmu.mmu_notifiers[d.arm_smmu.masters[self]!.bonds[mm]!.smmu_mn]!;
      writeCtxDescDwords13(d.arm_smmu, mn.domain, d.mms[mm]!.pasid, { type: 'mm', mm }, driverOwner(self));
      d.drivers[self] = 'bind_unlock';
    },
  });
}

/** The registration, then the mutated install's first half: dword 0 and its sync. */
function registerVFirstStep(c: IopfParams): AnyStep<State> {
  return {
    ...redirect(bindRegisterStep(c, undefined, { write_ctx_desc: writeCtxDescVFirst }), { bind_dword0: BIND_TTB0 }),
    doc: 'arm_smmu_mmu_notifier_get: mmu_notifier_register, then the mutated install: WRITE_ONCE(cdptr[0], V | ASID | ...), CFGI_CD + CMD_SYNC; a failure unwinds and unlocks',
    source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c:255-279 (v5.13-rc6); drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1024-1049 (v5.13-rc6), moved before 1013-1022 (labelled mutation)',
  };
}

export default defineVariant<State, IopfParams>({
  id: 'cd-install-v-first',
  title: 'mutation: arm_smmu_write_ctx_desc installs a CD with V = 1 before its TTB0',
  source:
    'one-step mutation of arm_smmu_write_ctx_desc cases (1)/(2), drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1013-1022 and 1048-1049 (v5.13-rc6): WRITE_ONCE(cdptr[0]) and its sync before cdptr[1..3] (labelled mutation; no kernel version has it)',
  description:
    'The bind stores dword 0 (V = 1, the shared CD\'s ASID) and syncs before it writes TTB0: between the two halves the SMMU can fetch a valid CD of the new ASID with no table (a fresh SSID) or the previous mm\'s (a reused one), which cd-hitless rejects.',
  model: 'sva',
  expect: { violates: ['cd-hitless'], config: 'sva-small' },
  labels: { driver_pc: [BIND_TTB0] },
  steps: {
    replace: {
      'driver/arm_smmu_mmu_notifier_get/mmu_notifier_register': registerVFirstStep,
      'driver/arm_smmu_write_ctx_desc/dword0': dwords13Step(),
    },
  },
});
