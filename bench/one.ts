// One benchmark row in a process of its own (fresh heap and JIT): explore a model file with the
// given params and print the statistics as one JSON line. Safety only (no state graph for liveness),
// as SPIN -DSAFETY and the figures recorded before liveness existed.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compile } from '../explorer/compile.ts';
import { explore } from '../explorer/bfs.ts';
import type { AnyModel } from '../explorer/model.ts';

const [file, paramsJson] = process.argv.slice(2);
const model = ((await import(pathToFileURL(resolve(file!)).href)) as { default: AnyModel }).default;
const started = performance.now();
const result = explore(compile(model, model.params.parse(JSON.parse(paramsJson ?? '{}'))), {
  continueAfterViolation: true,
  liveness: false,
});
const s = result.stats;
process.stdout.write(
  `${JSON.stringify({
    result: result.kind,
    distinctStates: s.distinctStates,
    statesGenerated: s.statesGenerated,
    depth: s.depth,
    seconds: s.seconds,
    wallSeconds: (performance.now() - started) / 1000,
    statesPerSecond: s.statesPerSecond,
    bytesPerState: s.bytesPerState,
    rssMB: process.memoryUsage.rss() / 2 ** 20,
  })}\n`,
);
