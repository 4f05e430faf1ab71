// One benchmark row in a process of its own (fresh heap and JIT): explore a model file with the
// given params and print the statistics as one JSON line. Safety only (no state graph for liveness),
// as SPIN -DSAFETY and the figures recorded before liveness existed. A third argument, a number of
// threads above 1, runs the parallel search (explorer/parallel/); a fourth, JSON search options.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compile } from '../explorer/compile.ts';
import { explore } from '../explorer/bfs.ts';
import { exploreParallel } from '../explorer/parallel/coordinator.ts';
import type { AnyModel } from '../explorer/model.ts';

const [file, paramsJson, workersArg, optionsJson] = process.argv.slice(2);
const modelFile = resolve(file!);
const model = ((await import(pathToFileURL(modelFile).href)) as { default: AnyModel }).default;
const params: unknown = model.params.parse(JSON.parse(paramsJson ?? '{}'));
const workers = Number(workersArg ?? 1);
const started = performance.now();
const compiled = compile(model, params);
// A fourth argument: search options (a kernel config's depth bound).
const options = { continueAfterViolation: true, liveness: false, ...(JSON.parse(optionsJson ?? '{}') as { maxDepth?: number }) };
const result = workers > 1 ? await exploreParallel(compiled, options, { workers, source: { modelFile, variantFile: null, params } }) : explore(compiled, options);
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
    workers: s.workers ?? 1,
    // Every thread's, the start of the process included.
    cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  })}\n`,
);
