// Entry of the search thread. Node 20 runs no TypeScript by itself and a worker does not inherit
// the loader its parent registered, so register tsx here, then load the worker proper.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
