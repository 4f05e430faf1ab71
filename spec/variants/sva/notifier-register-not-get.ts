// Seed 001, Christoph Hellwig on patch 17: "Either you could just use plain old
// mmu_notifier_register to avoid the reuse"; Jean-Philippe Brucker: "Going back to
// mmu_notifier_register() seems better for now". The variant gives every bond its own notifier
// (SvaOpts.reuse_notifier = false) while the CD stays one per (domain, PASID).
import { defineVariant } from '../../../explorer/variant.ts';
import type { IopfParams } from '../../../model/params.ts';
import type { State } from '../../../model/state.ts';
import { bindStep } from '../../../model/sva/driver-sva.ts';

export default defineVariant<State, IopfParams>({
  id: 'notifier-register-not-get',
  title: 'one MMU notifier per bond (mmu_notifier_register) instead of one per (domain, mm) (mmu_notifier_get)',
  source: 'seed 001: Christoph Hellwig\'s review of patch 17 and the reply',
  description:
    'With one master per domain nothing changes. With two masters of one domain bound to one mm, the second bind registers a second notifier for the same CD; the first unbind puts its own notifier, whose last reference removes the CD (V = 0) that the other device still uses: C_BAD_CD. The notifier count per (domain, mm) is also no longer one.',
  model: 'sva',
  expect: { violates: ['no-c-bad-cd', 'one-bond-per-device-mm'], config: 'sva-pair' },
  steps: { replace: { 'driver/__arm_smmu_sva_bind': (c: IopfParams) => bindStep(c, { reuse_notifier: false }) } },
});
