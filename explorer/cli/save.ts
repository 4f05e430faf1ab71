// Saving the violations of a run as counterexample files, and the context those files carry.
import { statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileTrouble, HarnessError } from '../errors.ts';
import type { Violation } from '../result.ts';
import { toItf, type TraceContext } from '../trace/itf.ts';
import { saveCounterexample } from '../trace/save.ts';
import { displayPath, type Workspace } from '../load.ts';
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

/**
 * Refuses an `--out` (or `--checkpoint`) that names a file or lies under one, before a run whose
 * results would go there: a search of minutes must not end in an error when it saves them.
 */
export function checkFolder(ws: Workspace, flag: string, dir: string): void {
  const folder = resolve(ws.cwd, dir);
  let isFolder: boolean;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // made when the run writes to it
    throw new HarnessError(`${flag}: ${displayPath(ws, folder)} cannot be a folder (${fileTrouble(e)})`);
  }
  if (!isFolder) throw new HarnessError(`${flag}: ${displayPath(ws, folder)} is a file, not a folder`);
}

/** Writes each violation that has a trace; returns the paths in the order of `violations`. */
export function saveViolations(ws: Workspace, target: Target, violations: readonly Violation[], outDir: string): (string | null)[] {
  return violations.map((v) => {
    if (v.trace.length === 0) return null;
    const first = v.trace[0]!.state;
    const initIndex = Math.max(0, target.compiled.initStates.indexOf(first));
    const doc = toItf(v.trace, traceContext(ws, target, v), initIndex, target.compiled.codec);
    let path: string;
    try {
      path = saveCounterexample(resolve(ws.cwd, outDir), doc, (p) => `npx sva-check replay ${relative(ws.cwd, p)}`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === undefined) throw e;
      throw new HarnessError(`--out: cannot write a counterexample under ${displayPath(ws, resolve(ws.cwd, outDir))} (${fileTrouble(e)})`);
    }
    return relative(ws.cwd, path);
  });
}
