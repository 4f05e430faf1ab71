// The model `iopf`: the kernel model of model/system.ts with the invariants
// of spec/invariants/iopf.ts (and evtq.ts, for the event queue's configs) and the witnesses of spec/witnesses.ts. (model/ does not import spec/,
// so the two meet here.) `no-stall` is the explorer's deadlock check with the model's isFinal.
import type { Model } from '../explorer/model.ts';
import iopfKernel from '../model/system.ts';
import type { IopfParams } from '../model/params.ts';
import type { State } from '../model/state.ts';
import { iopfInvariants } from './invariants/iopf.ts';
import { eventsToTheirMaster } from './invariants/evtq.ts';
import { noKernelWarning } from './invariants/warn.ts';
import { nothingLeaksFaultPath } from './invariants/lifetime.ts';
import { iopfWitnesses } from './witnesses.ts';
import { mmUsersNotRevived, svaFindServesBoundDevice } from './invariants/actions.ts';
import { iopfLiveness } from './invariants/liveness.ts';

const iopf: Model<State, IopfParams> = {
  ...iopfKernel,
  invariants: [...iopfInvariants, eventsToTheirMaster, nothingLeaksFaultPath, noKernelWarning],
  witnesses: iopfWitnesses,
  actionProperties: [mmUsersNotRevived, svaFindServesBoundDevice],
  liveness: iopfLiveness,
};

export default iopf;
