// The kernel's own assertions: every WARN_ON, BUG_ON and refcount_t warning of the code a step
// mirrors is recorded by the slice that mirrors it (`warnings` of ioasid, each mm, the SMMU and each
// PCI function, each kind named after its kernel line), and any of them fails the run.
import type { Invariant } from '../../explorer/model.ts';
import type { State } from '../../model/state.ts';

export const noKernelWarning: Invariant<State> = {
  name: 'no-kernel-warning',
  description:
    'no WARN_ON, BUG_ON or refcount_t warning of the mirrored kernel code fires, and no reference count the kernel leaves unchecked (mm_users, mm_count) goes below zero',
  source:
    'the assertions of the functions model/STEPS.md lists: ioasid.c (ioasid_get, ioasid_put), mm/mmu_notifier.c (__mmu_notifier_register, mmu_notifier_put, mmu_notifier_subscriptions_destroy), arch/arm64/mm/context.c (arm64_mm_context_put), drivers/pci/ats.c (pci_enable_pri, pci_disable_pri), arm-smmu-v3.c (arm_smmu_write_ctx_desc, arm_smmu_free_asid), arm-smmu-v3-sva.c (arm_smmu_share_asid, refcount_t of bonds, notifiers and CDs)',
  // `use-after-free` is the model's own check (no-mm-use-after-free reads it), not a kernel warning.
  holds: (s) =>
    s.ioasid.warnings.length === 0 &&
    s.arm_smmu.warnings.length === 0 &&
    s.mms.every((m) => m.warnings.every((w) => w === 'use-after-free')) &&
    s.devices.every((d) => d.warnings.length === 0),
};
