// The model `sva` (issue 4): the same kernel system as `iopf` (model/system.ts) with the SMMU's SVA
// side switched on by its configs (`smmu: true`), checked against issue 3's invariants and issue
// 4's (spec/invariants/sva.ts), with the witnesses of spec/witnesses-sva.ts.
import type { Model } from '../explorer/model.ts';
import kernel from '../model/system.ts';
import { z } from 'zod';
import { iopfParams, type IopfParams } from '../model/params.ts';
import type { State } from '../model/state.ts';
import { iopfInvariants } from './invariants/iopf.ts';
import { nothingLeaks } from './invariants/lifetime.ts';
import { svaInvariants } from './invariants/sva.ts';
import { svaWitnesses } from './witnesses-sva.ts';

/**
 * The sva invariants read the SMMU side, which `smmu: false` (issue 3's stand-in, model `iopf`)
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
  description:
    'SVA bind/unbind on arm-smmu-v3 with the I/O page fault path: IOASID and PASID refcounts, mm lifetime, MMU-notifier release and invalidate_range, TLB and ATC, the device driver life cycle',
  follows: 'arm-smmu-v3-sva.c and iommu-sva-lib.c of v5.11 (seed 001 v6), ioasid.c with references, io-pgfault.c fc36479db74e (v5.13)',
  invariants: [...iopfInvariants, ...svaInvariants, nothingLeaks],
  witnesses: svaWitnesses,
};

export default sva;
