// The models, configs and variants that ship with sva-check, by name. Paths are relative to the
// repository root and loaded on demand, so naming one never loads the others.
import type { Catalog } from '../explorer/catalog.ts';

export const catalog: Catalog = {
  defaultConfig: 'iopf-pipeline-small',
  models: {
    // Reference models (test/models): exact state counts against SPIN and TLC.
    diehard: 'test/models/diehard.ts',
    peterson: 'test/models/peterson.ts',
    prodcons: 'test/models/prodcons.ts',
    'iopf-pipeline': 'test/models/iopf-pipeline.ts',
  },
  configsDir: 'spec/configs',
  variants: {
    'diehard-no-pouring': 'test/models/variants/diehard-no-pouring.ts',
    'peterson-no-victim': 'test/models/variants/peterson-no-victim.ts',
    'prodcons-lifo': 'test/models/variants/prodcons-lifo.ts',
    'iopf-pipeline-free-before-flush': 'test/models/variants/iopf-pipeline-free-before-flush.ts',
  },
};
