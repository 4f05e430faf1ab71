// The views the SVA modules take (model/arm-smmu-v3 SvaView, model/iommu-sva SvaLibView), built on
// a draft of the system state: the SMMU slice is `arm_smmu` there (`smmu` is the driver's probe
// state). The fields are the draft's own, so the modules mutate the draft.
import type { Draft } from 'immer';
import type { SvaView } from '../arm-smmu-v3/sva-notifier.ts';
import type { State } from '../state.ts';

export function svaView(d: Draft<State> | State): SvaView {
  return { smmu: d.arm_smmu as SvaView['smmu'], mms: d.mms as SvaView['mms'], ioasid: d.ioasid as SvaView['ioasid'], cpu_asid: d.cpu_asid as SvaView['cpu_asid'] };
}
