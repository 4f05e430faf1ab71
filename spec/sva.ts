// The model `sva`: the same kernel system as `iopf` (model/system.ts) with the SMMU's SVA side
// switched on by its configs (`smmu: true`), checked against the fault path's invariants, the SVA
// side's (spec/invariants/sva.ts) and nothing-leaks, with the witnesses of spec/witnesses-sva.ts.
import type { Invariant, Model } from '../explorer/model.ts';
import kernel from '../model/system.ts';
import { z } from 'zod';
import { iopfParams, type IopfParams } from '../model/params.ts';
import type { State } from '../model/state.ts';
import { iopfInvariants } from './invariants/iopf.ts';
import { nothingLeaks } from './invariants/lifetime.ts';
import { svaInvariants } from './invariants/sva.ts';
import { noLostDirty } from './invariants/httu.ts';
import { cdHitless } from './invariants/cd.ts';
import { asidUnique, pinnedAsidStable, seizedAsidInvalidated } from './invariants/asid.ts';
import { noKernelWarning } from './invariants/warn.ts';
import { invalidationReachesEverySmmu } from './invariants/smmus.ts';
import { mmUsersNotRevived, svaFindServesBoundDevice } from './invariants/actions.ts';
import { attachedToGroupDomain } from './invariants/attach.ts';
import { svaWitnesses } from './witnesses-sva.ts';
import { svaLiveness } from './invariants/liveness.ts';
import { svaTrace } from '../model/sva/trace.ts';
import { msiGeometryNeverTorn } from './msi.ts';

/** The MSI geometry's invariant on the composed state: every domain geometry the config includes. */
const msiComposed: Invariant<State> = { ...msiGeometryNeverTorn, holds: (s) => s.msi.every((m) => msiGeometryNeverTorn.holds(m)) };

/**
 * The sva invariants read the SMMU side, which `smmu: false` (the fault path's stand-in, model `iopf`)
 * leaves out: here it is always on, and every driver binds one of `mms` processes.
 */
const svaParams = iopfParams.extend({
  smmu: z.literal(true, { error: 'model sva is the arm-smmu-v3 SVA side and needs smmu: true (model iopf checks the stand-in)' }).default(true),
  mms: z.number().int().min(1).max(2).default(1),
});

const sva: Model<State, IopfParams> = {
  ...kernel,
  params: svaParams,
  name: 'sva',
  // The fault path's steps and names are the iopf model's, the MSI geometry's the msi model's: their variants apply here too.
  includes: ['iopf', 'msi'],
  description:
    'SVA bind/unbind on arm-smmu-v3 with the I/O page fault path: IOASID and PASID refcounts, mm lifetime, MMU-notifier release and invalidate_range, TLB and ATC, the device driver life cycle',
  follows: 'seed 001 v6: its arm-smmu-v3-sva.c bind/unbind order and notifiers, PRI patch 25, io-pgfault.c as merged from it (fc36479db74e); iommu-sva-lib.c and ioasid.c with references as in v5.11-v5.13',
  invariants: [...iopfInvariants, ...svaInvariants, cdHitless, pinnedAsidStable, asidUnique, seizedAsidInvalidated, invalidationReachesEverySmmu, attachedToGroupDomain, msiComposed, noLostDirty, nothingLeaks, noKernelWarning],
  // The MSI geometry's two users touch only s.msi, which only msi-geometry-never-torn reads.
  independent: (c) => (c.msi ? [['msi_setter', 'msi_reader']] : []),
  witnesses: svaWitnesses,
  actionProperties: [mmUsersNotRevived, svaFindServesBoundDevice],
  liveness: svaLiveness,
  // seed 001's event log, for validate-trace: its parser and the steps that print it.
  trace: svaTrace,
};

export default sva;
