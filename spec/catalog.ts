// The models, configs and variants that ship with sva-check, by name. Paths are relative to the
// repository root and loaded on demand, so naming one never loads the others.
import type { Catalog } from '../explorer/catalog.ts';

export const catalog: Catalog = {
  defaultConfig: 'iopf-small',
  models: {
    // The kernel: the I/O page fault path (v5.13 io-pgfault.c) with its invariants.
    iopf: 'spec/iopf.ts',
    // The same kernel with the SVA bind side (arm-smmu-v3 v5.11, seed 001 v6) and its invariants.
    sva: 'spec/sva.ts',
    // One domain's MSI doorbell geometry (seed 002).
    msi: 'spec/msi.ts',
    // Reference models (test/models): exact state counts against SPIN and TLC.
    diehard: 'test/models/diehard.ts',
    peterson: 'test/models/peterson.ts',
    prodcons: 'test/models/prodcons.ts',
    'iopf-pipeline': 'test/models/iopf-pipeline.ts',
  },
  configsDir: 'spec/configs',
  variants: {
    'attach-handle': 'spec/variants/iopf/attach-handle.ts',
    'bad-iopf-setup-fix': 'spec/variants/iopf/bad-iopf-setup-fix.ts',
    'complete-group-after-free': 'spec/variants/iopf/complete-group-after-free.ts',
    'sva-find-mmget': 'spec/variants/iopf/sva-find-mmget.ts',
    'discard-partial-no-list-del': 'spec/variants/iopf/discard-partial-no-list-del.ts',
    'fault-param-refcount': 'spec/variants/iopf/fault-param-refcount.ts',
    'flush-per-pasid': 'spec/variants/iopf/flush-per-pasid.ts',
    'flush-priq-waits-for-handler': 'spec/variants/iopf/flush-priq-waits-for-handler.ts',
    'handle-group-free-without-list-del': 'spec/variants/iopf/handle-group-free-without-list-del.ts',
    'iommufd-fault-object': 'spec/variants/iopf/iommufd-fault-object.ts',
    'iommufd-fault-object-no-code-check': 'spec/variants/iopf/iommufd-fault-object-no-code-check.ts',
    'per-domain-handler': 'spec/variants/iopf/per-domain-handler.ts',
    'remove-device-ack-invalid': 'spec/variants/iopf/remove-device-ack-invalid.ts',
    'report-fault-void': 'spec/variants/iopf/report-fault-void.ts',
    'report-fault-void-lost-return': 'spec/variants/iopf/report-fault-void-lost-return.ts',
    'track-group': 'spec/variants/iopf/track-group.ts',
    'priq-drained-no-wake-up': 'spec/variants/iopf/priq-drained-no-wake-up.ts',
    'release-without-invalidate': 'spec/variants/sva/release-without-invalidate.ts',
    'release-clears-valid': 'spec/variants/sva/release-clears-valid.ts',
    'release-clears-stall-bits': 'spec/variants/sva/release-clears-stall-bits.ts',
    'ioasid-inactive-state': 'spec/variants/sva/ioasid-inactive-state.ts',
    'notifier-register-not-get': 'spec/variants/sva/notifier-register-not-get.ts',
    'unbind-before-flush': 'spec/variants/sva/unbind-before-flush.ts',
    'unbind-notifier-put-first': 'spec/variants/sva/unbind-notifier-put-first.ts',
    'unbind-notifier-put-first-mmgrab': 'spec/variants/sva/unbind-notifier-put-first-mmgrab.ts',
    'shared-cd-mmgrab': 'spec/variants/sva/shared-cd-mmgrab.ts',
    'bind-error-keeps-pasid': 'spec/variants/sva/bind-error-keeps-pasid.ts',
    'pasid-freed-at-mmput': 'spec/variants/sva/pasid-freed-at-mmput.ts',
    'pasid-freed-at-mmdrop': 'spec/variants/sva/pasid-freed-at-mmdrop.ts',
    'unbind-keeps-pasid': 'spec/variants/sva/unbind-keeps-pasid.ts',
    'rollover-forgets-pinned': 'spec/variants/sva/rollover-forgets-pinned.ts',
    'new-context-ignores-pinned': 'spec/variants/sva/new-context-ignores-pinned.ts',
    'cd-asid-update-two-writes': 'spec/variants/sva/cd-asid-update-two-writes.ts',
    'cd-install-v-first': 'spec/variants/sva/cd-install-v-first.ts',
    'msi-unset-start-max': 'spec/variants/msi/unset-start-max.ts',
    'diehard-no-pouring': 'test/models/variants/diehard-no-pouring.ts',
    'peterson-no-victim': 'test/models/variants/peterson-no-victim.ts',
    'peterson-level-only': 'test/models/variants/peterson-level-only.ts',
    'prodcons-lifo': 'test/models/variants/prodcons-lifo.ts',
    'iopf-pipeline-free-before-flush': 'test/models/variants/iopf-pipeline-free-before-flush.ts',
  },
};
