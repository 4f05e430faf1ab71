// The ES-module side of user-modules.ts: `sva-check` and `zod` imported by a user's module resolve
// to this package's own.
let entry;
let root;

export function initialize(data) {
  entry = data.entry;
  root = data.root;
}

export async function resolve(specifier, context, next) {
  if (specifier === 'sva-check') return { url: entry, shortCircuit: true };
  if (specifier === 'zod' || specifier.startsWith('zod/')) return next(specifier, { ...context, parentURL: root });
  return next(specifier, context);
}
