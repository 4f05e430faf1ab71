// Runs the sva-check command line in-process, capturing what it prints.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../explorer/cli/main.ts';
import type { Workspace } from '../../explorer/load.ts';
import { catalog } from '../../spec/catalog.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const workspace = (cwd = ROOT): Workspace => ({ root: ROOT, cwd, catalog });

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function cli(argv: readonly string[], cwd = ROOT): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    argv,
    { out: (t) => out.push(t), err: (t) => err.push(t), progress: () => undefined, isTTY: false },
    workspace(cwd),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

export const tempDir = (prefix = 'sva-check-'): string => mkdtempSync(join(tmpdir(), prefix));
