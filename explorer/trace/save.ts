// Writes a counterexample under its folder with a descriptive name. Nothing is ever overwritten: an
// identical file already there is reused, any other clash gets the next free suffix.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CounterexampleFile } from './itf.ts';

export function counterexampleName(doc: CounterexampleFile): string {
  const meta = doc['#meta'];
  const parts = [meta.model.name, meta.config.name ?? 'defaults', meta.variant?.id ?? 'baseline', meta.property.name];
  return parts.map((p) => p.replace(/[^A-Za-z0-9_-]+/g, '_')).join('--');
}

/** Saves `doc` in `dir`; `reproduce(path)` is the command recorded in the file. Returns the path. */
export function saveCounterexample(dir: string, doc: CounterexampleFile, reproduce: (path: string) => string): string {
  mkdirSync(dir, { recursive: true });
  const base = counterexampleName(doc);
  for (let n = 1; ; n++) {
    const path = join(dir, n === 1 ? `${base}.json` : `${base}-${n}.json`);
    const text = formatCounterexample({ ...doc, '#meta': { ...doc['#meta'], reproduce: reproduce(path) } });
    if (existsSync(path)) {
      if (readFileSync(path, 'utf8') === text) return path;
      continue;
    }
    try {
      writeFileSync(path, text, { flag: 'wx' });
      return path;
    } catch (e) {
      // Another run took the name between the check and the write: try the next one.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/** The file's text: its metadata indented, each state on one line (a trace diffs state by state). */
export function formatCounterexample(doc: CounterexampleFile): string {
  const { states, ...rest } = doc;
  const head = JSON.stringify(rest, null, 2).replace(/\n}$/, '');
  return `${head},\n  "states": [\n${states.map((st) => `    ${JSON.stringify(st)}`).join(',\n')}\n  ]\n}\n`;
}
