// One search per model, params and options in a test worker. Vitest runs a worker's files in one
// module cache (isolate: false), so a config's baseline or a variant that several files explore
// (configs.test.ts and the spec tests, each with the same options) is searched once per worker, not
// once per file: the searches are most of the suite's time.
import { explore, type ExploreOptions } from '../../explorer/bfs.ts';
import { compile } from '../../explorer/compile.ts';
import type { Model } from '../../explorer/model.ts';
import type { ExploreResult } from '../../explorer/result.ts';
import { applyVariant, type Variant } from '../../explorer/variant.ts';

/** What `make` gives for (`owner`, `key`), made once per worker and kept in `cache`. */
export function onceFor<V>(cache: WeakMap<object, Map<string, V>>, owner: object, key: string, make: () => V): V {
  const byKey = cache.get(owner) ?? new Map<string, V>();
  cache.set(owner, byKey);
  const made = byKey.get(key) ?? make();
  byKey.set(key, made);
  return made;
}

const searched = new WeakMap<object, Map<string, ExploreResult<unknown>>>();

/** `explore(compile(model, params), options)`, once per worker for equal params and plain options. */
export function exploreOnce<S, C>(model: Model<S, C>, params: C, options: ExploreOptions = {}): ExploreResult<S> {
  return onceFor(searched, model, JSON.stringify([params, options]), () => explore(compile(model, params), options)) as ExploreResult<S>;
}

const applied = new WeakMap<object, WeakMap<object, unknown>>();

/** `applyVariant(model, v)`, one model value per model and variant, so that its searches are shared too. */
export function applyOnce<S, C>(model: Model<S, C>, v: Variant<S, C>): Model<S, C> {
  const byVariant = applied.get(model) ?? new WeakMap<object, unknown>();
  applied.set(model, byVariant);
  const m = (byVariant.get(v) as Model<S, C> | undefined) ?? applyVariant(model, v);
  byVariant.set(v, m);
  return m;
}
