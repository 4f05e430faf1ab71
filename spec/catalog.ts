// The models, configs and variants that ship with sva-check, by name. Paths are relative to the
// repository root and loaded on demand, so naming one never loads the others.
import type { Catalog } from '../explorer/catalog.ts';

export const catalog: Catalog = {
  defaultConfig: 'diehard',
  models: {
    diehard: 'test/models/diehard.ts',
  },
  configsDir: 'spec/configs',
  variants: {},
};
