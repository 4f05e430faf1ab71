// npm run bench: the reference models at about 1e5, 1e6, 7e6 and 9e6 distinct states (the largest rows of
// REFERENCE-MODELS.md), each in its own process on one core; prints distinct states and transitions
// per second, bytes per stored state and the peak resident bytes per state, and checks the counts against SPIN and TLC. Then the kernel configs, each
// against the counts its file records, with transitions per second (the target is 300,000 a core).
// `npm run bench -- --quick` skips the 7e6 and 9e6 rows and the kernel configs over half a minute; `--only
// NAME` runs the rows whose label contains NAME.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

interface Row {
  readonly label: string;
  readonly file: string;
  readonly params: Record<string, number>;
  /** Distinct states and transitions reported by SPIN and TLC for the same model. */
  readonly expected: readonly [number, number | null];
  readonly large?: boolean;
}

const ROWS: readonly Row[] = [
  { label: 'prodcons N=3 K=5', file: 'test/models/prodcons.ts', params: { N: 3, K: 5 }, expected: [93_184, 279_361] },
  { label: 'prodcons N=3 K=7', file: 'test/models/prodcons.ts', params: { N: 3, K: 7 }, expected: [839_680, 2_518_849] },
  { label: 'prodcons N=4 K=6', file: 'test/models/prodcons.ts', params: { N: 4, K: 6 }, expected: [6_990_080, 24_464_385], large: true },
  { label: 'peterson N=5', file: 'test/models/peterson.ts', params: { N: 5 }, expected: [223_105, 741_066] },
  { label: 'peterson N=6', file: 'test/models/peterson.ts', params: { N: 6 }, expected: [5_779_920, 22_245_397], large: true },
  { label: 'iopf D=2 F=2 Q=2 W=3 G=2', file: 'test/models/iopf-pipeline.ts', params: { D: 2, F: 2, Q: 2, W: 3, G: 2 }, expected: [122_836, 533_693] },
  { label: 'iopf D=2 F=2 Q=2 W=2 G=3', file: 'test/models/iopf-pipeline.ts', params: { D: 2, F: 2, Q: 2, W: 2, G: 3 }, expected: [889_497, 3_509_365] },
  { label: 'iopf D=3 F=2 Q=2 W=2 G=2', file: 'test/models/iopf-pipeline.ts', params: { D: 3, F: 2, Q: 2, W: 2, G: 2 }, expected: [7_602_392, 34_144_765], large: true },
  // About ten million states, where the memory targets are set (SPIN's count; TLC's was not measured).
  { label: 'iopf D=2 F=3 Q=3 W=2 G=3', file: 'test/models/iopf-pipeline.ts', params: { D: 2, F: 3, Q: 3, W: 2, G: 3 }, expected: [9_391_764, null], large: true },
];

/** Kernel configs: spec/configs/NAME.json, explored to its bound if it has one. */
const KERNEL: readonly { readonly config: string; readonly large?: boolean }[] = [
  { config: 'iopf-small' },
  { config: 'iopf', large: true },
  { config: 'sva-small' },
  { config: 'default' },
  { config: 'sva' },
  { config: 'sva-two-smmus-exit', large: true },
  { config: 'sva-attach-two-smmus', large: true },
];

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const rows = ROWS.filter((r) => (!quick || !r.large) && (only === undefined || r.label.includes(only)));

const fmt = (x: number, digits = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
console.log(`sva-check bench: node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores, ${fmt(totalmem() / 2 ** 30, 1)} GiB`);
console.log('| model | distinct states | transitions | = SPIN/TLC | depth | seconds | distinct states/s | transitions/s | bytes/state | RSS MB | RSS bytes/state |');
console.log('| --- | ---: | ---: | :---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
let mismatches = 0;
for (const row of rows) {
  const out = execFileSync(process.execPath, ['bin/run-ts.mjs', 'bench/one.ts', row.file, JSON.stringify(row.params)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const r = JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
  const same = r['distinctStates'] === row.expected[0] && (row.expected[1] === null || r['statesGenerated'] === row.expected[1]);
  if (!same) mismatches++;
  console.log(
    `| ${row.label} | ${fmt(r['distinctStates']!)} | ${fmt(r['statesGenerated']!)} | ${same ? 'yes' : 'NO'} | ${r['depth']} | ${fmt(r['seconds']!, 2)} | ${fmt(r['statesPerSecond']!)} | ${fmt(r['statesGenerated']! / r['seconds']!)} | ${fmt(r['bytesPerState']!, 1)} | ${fmt(r['rssMB']!)} | ${fmt((r['rssMB']! * 2 ** 20) / r['distinctStates']!, 1)} |`,
  );
}
interface ConfigFile {
  readonly model: string;
  readonly params: Record<string, unknown>;
  readonly bounds?: { readonly maxDepth?: number };
  readonly expect: { readonly distinctStates?: number; readonly statesGenerated?: number };
}
const kernel = KERNEL.filter((k) => (!quick || !k.large) && (only === undefined || k.config.includes(only)));
if (kernel.length > 0) {
  console.log('');
  console.log('| kernel config | distinct states | transitions | = recorded | depth | seconds | transitions/s | bytes/state | RSS MB |');
  console.log('| --- | ---: | ---: | :---: | ---: | ---: | ---: | ---: | ---: |');
}
for (const k of kernel) {
  const config = JSON.parse(readFileSync(`spec/configs/${k.config}.json`, 'utf8')) as ConfigFile;
  const bound = config.bounds?.maxDepth === undefined ? {} : { maxDepth: config.bounds.maxDepth };
  const out = execFileSync(process.execPath, ['bin/run-ts.mjs', 'bench/one.ts', `spec/${config.model}.ts`, JSON.stringify(config.params), '1', JSON.stringify(bound)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const r = JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
  const same = r['distinctStates'] === config.expect.distinctStates && (config.expect.statesGenerated === undefined || r['statesGenerated'] === config.expect.statesGenerated);
  if (!same) mismatches++;
  const transitions = r['statesGenerated']! / r['seconds']!;
  console.log(
    `| ${k.config}${bound.maxDepth === undefined ? '' : ` (depth ${bound.maxDepth})`} | ${fmt(r['distinctStates']!)} | ${fmt(r['statesGenerated']!)} | ${same ? 'yes' : 'NO'} | ${r['depth']} | ${fmt(r['seconds']!, 2)} | ${fmt(transitions)} | ${fmt(r['bytesPerState']!, 1)} | ${fmt(r['rssMB']!)} |`,
  );
}
if (mismatches > 0) {
  console.log(`${mismatches} row(s) differ from the SPIN/TLC counts or a config's recorded counts`);
  process.exitCode = 1;
}
