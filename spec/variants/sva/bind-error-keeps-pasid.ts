// A labelled one-step mutation, not a kernel change: __arm_smmu_sva_bind's error path jumps to
// err_free_bond instead of err_free_pasid when arm_smmu_mmu_notifier_get fails, so the PASID
// reference the bind took is never put. No kernel version has it; it shows that the model reaches
// the bind's error paths (with `allocFailures`) and that a leak on one of them is caught.
import { arm_smmu_mmu_notifier_get_register } from '../../../model/arm-smmu-v3/sva-notifier.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { bindRegisterStep } from '../../../model/sva/driver-sva.ts';
import { defineVariant } from '../../../explorer/variant.ts';

export default defineVariant<State, IopfParams>({
  id: 'bind-error-keeps-pasid',
  title: 'mutation: a failed mmu_notifier_register unwinds the bind without iommu_sva_free_pasid',
  source: 'one-step mutation of 32784a9562fb __arm_smmu_sva_bind ("goto err_free_bond" for "goto err_free_pasid"); no kernel version has it',
  description:
    'When mm->notifier_subscriptions cannot be allocated, the bond goes but its PASID reference stays: refcounts-balanced fires as soon as sva_lock is dropped (8 steps at sva-alloc). The explorer does not go on from a violating state, so the final state\'s nothing-leaks is not reached behind it.',
  model: 'sva',
  expect: { violates: ['refcounts-balanced'], config: 'sva-alloc' },
  steps: {
    replace: {
      'driver/arm_smmu_mmu_notifier_get/mmu_notifier_register': (c: IopfParams) =>
        bindRegisterStep(c, (d, sid, mm, opts, nomem) => {
          const master = d.smmu.masters[sid]!;
          const ret = arm_smmu_mmu_notifier_get_register(d, master.bonds[mm]!.smmu_mn, opts, nomem);
          if (typeof ret === 'string') master.bonds[mm] = null;
          return ret;
        }),
    },
  },
});
