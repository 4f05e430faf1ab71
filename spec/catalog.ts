// The models, configs and variants that ship with sva-check, by name. Paths are relative to the
// repository root and loaded on demand, so naming one never loads the others.
import type { Catalog } from '../explorer/catalog.ts';

export const catalog: Catalog = {
  defaultConfig: 'iopf-small',
  models: {
    // The kernel: the I/O page fault path (v5.13 io-pgfault.c) with its invariants.
    iopf: 'spec/iopf.ts',
    // Reference models (test/models): exact state counts against SPIN and TLC.
    diehard: 'test/models/diehard.ts',
    peterson: 'test/models/peterson.ts',
    prodcons: 'test/models/prodcons.ts',
    'iopf-pipeline': 'test/models/iopf-pipeline.ts',
  },
  configsDir: 'spec/configs',
  variants: {
    'bad-iopf-setup-fix': 'spec/variants/iopf/bad-iopf-setup-fix.ts',
    'discard-partial-no-list-del': 'spec/variants/iopf/discard-partial-no-list-del.ts',
    'fault-param-refcount': 'spec/variants/iopf/fault-param-refcount.ts',
    'flush-per-pasid': 'spec/variants/iopf/flush-per-pasid.ts',
    'handle-group-free-without-list-del': 'spec/variants/iopf/handle-group-free-without-list-del.ts',
    'remove-device-ack-invalid': 'spec/variants/iopf/remove-device-ack-invalid.ts',
    'report-fault-void': 'spec/variants/iopf/report-fault-void.ts',
    'report-fault-void-lost-return': 'spec/variants/iopf/report-fault-void-lost-return.ts',
    'track-group': 'spec/variants/iopf/track-group.ts',
    'diehard-no-pouring': 'test/models/variants/diehard-no-pouring.ts',
    'peterson-no-victim': 'test/models/variants/peterson-no-victim.ts',
    'prodcons-lifo': 'test/models/variants/prodcons-lifo.ts',
    'iopf-pipeline-free-before-flush': 'test/models/variants/iopf-pipeline-free-before-flush.ts',
  },
};
