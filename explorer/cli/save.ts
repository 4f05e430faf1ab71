// Saving the violations of a run as counterexample files, and the context those files carry.
import { relative, resolve } from 'node:path';
import type { Violation } from '../result.ts';
import { toItf, type TraceContext } from '../trace/itf.ts';
import { saveCounterexample } from '../trace/save.ts';
import type { Workspace } from '../load.ts';
import type { Target } from './target.ts';

export function traceContext(ws: Workspace, target: Target, v: Violation): TraceContext {
  const inCatalog = (file: string | null, table: Readonly<Record<string, string>>): boolean =>
    file !== null && file.split('+').every((f) => Object.values(table).some((p) => resolve(ws.root, p) === f));
  const modelFile = relative(ws.root, target.modelFile);
  return {
    model: {
      name: target.model.name,
      follows: target.model.follows,
      ...(inCatalog(target.modelFile, ws.catalog.models) ? {} : { file: modelFile }),
    },
    config: { name: target.configName, params: target.params },
    variant: target.variant
      ? {
          id: target.variant.id,
          title: target.variant.title,
          source: target.variant.source,
          ...(inCatalog(target.variantFile, ws.catalog.variants) || target.variantFile === null
            ? {}
            : { file: target.variantFile.split('+').map((f) => relative(ws.root, f)).join('+') }),
        }
      : null,
    property: { name: v.property, kind: v.kind, description: v.description },
    ...(v.detail === undefined ? {} : { detail: v.detail }),
    ...(v.loop === undefined ? {} : { loop: v.loop }),
  };
}

/** Writes each violation that has a trace; returns the paths in the order of `violations`. */
export function saveViolations(ws: Workspace, target: Target, violations: readonly Violation[], outDir: string): (string | null)[] {
  return violations.map((v) => {
    if (v.trace.length === 0) return null;
    const first = v.trace[0]!.state;
    const initIndex = Math.max(0, target.compiled.initStates.indexOf(first));
    const doc = toItf(v.trace, traceContext(ws, target, v), initIndex, target.compiled.codec);
    const path = saveCounterexample(resolve(ws.cwd, outDir), doc, (p) => `npx sva-check replay ${relative(ws.cwd, p)}`);
    return relative(ws.cwd, path);
  });
}
