#!/usr/bin/env node
// Node 20 cannot run TypeScript itself: register tsx, then run the TypeScript entry point, so users
// (and their models, loaded by path) need no build step.
import { register } from 'tsx/esm/api';

register();
await import('./sva-check.ts');
