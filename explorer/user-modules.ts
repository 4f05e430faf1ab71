// Model and variant files from any folder: a `.ts` file outside this package (no package.json, or
// one without "type": "module") is loaded through tsx's tsImport, which compiles it either way, and
// its imports of `sva-check` and `zod` resolve to this package's own, whether it is compiled as
// CommonJS (Module._resolveFilename) or as an ES module (a resolve hook).
import Module, { register } from 'node:module';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

interface Resolver {
  _resolveFilename(request: string, parent: unknown, ...rest: unknown[]): string;
}

let installedFor: string | null = null;

/** Makes `sva-check` and `zod` resolve to this package's, from files anywhere. */
function installResolution(root: string): void {
  if (installedFor === root) return;
  installedFor = root;
  const entry = join(root, 'explorer/index.ts');
  const fromRoot = { id: join(root, 'package.json'), filename: join(root, 'package.json'), paths: [join(root, 'node_modules')] };
  const M = Module as unknown as Resolver;
  const original = M._resolveFilename;
  M._resolveFilename = function (request, parent, ...rest) {
    if (request === 'sva-check') return entry;
    if (request === 'zod' || request.startsWith('zod/')) return original.call(this, request, fromRoot, ...rest);
    return original.call(this, request, parent, ...rest);
  };
  register(new URL('./user-modules-hook.mjs', import.meta.url), { data: { entry: pathToFileURL(entry).href, root: pathToFileURL(join(root, 'package.json')).href } });
}

/** The module at `file`: imported as usual inside this package, through tsImport outside it. */
export async function importUserModule(root: string, file: string): Promise<Record<string, unknown>> {
  if (file.startsWith(root + sep)) return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  installResolution(root);
  const mod = (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
  // Compiled as CommonJS, the module's exports are its namespace's default.
  const inner = mod['default'];
  return isCommonJsNamespace(inner) ? inner : mod;
}

function isCommonJsNamespace(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && ('__esModule' in v || Object.keys(v).includes('default')) && !('name' in v) && !('id' in v);
}
