// npm run bench:parallel: the parallel search's speed-up. Each row runs bench/one.ts in a fresh
// process with 1 thread, then with each count of `--workers` (default: 2 and the number of cores),
// checks that every run reports the same distinct states and transitions (and SPIN's and TLC's),
// and prints a markdown table of seconds, speed-up and CPU seconds (the threads' sum, which shows
// what the parallel search costs beyond the work itself on a machine shared with other jobs).
// `--quick` skips the 6-7 million state rows; `--only NAME` runs the rows whose label contains NAME;
// `--repeat R` runs each R times and keeps the fastest. Each row shows the machine's load average
// (1 minute) before its run: other jobs on the machine take cores from the threads.
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

interface Row {
  readonly label: string;
  readonly file: string;
  readonly params: Record<string, number>;
  readonly expected: readonly [number, number];
  readonly large?: boolean;
}

const ROWS: readonly Row[] = [
  { label: 'prodcons N=3 K=7', file: 'test/models/prodcons.ts', params: { N: 3, K: 7 }, expected: [839_680, 2_518_849] },
  { label: 'iopf D=2 F=2 Q=2 W=2 G=3', file: 'test/models/iopf-pipeline.ts', params: { D: 2, F: 2, Q: 2, W: 2, G: 3 }, expected: [889_497, 3_509_365] },
  { label: 'prodcons N=4 K=6', file: 'test/models/prodcons.ts', params: { N: 4, K: 6 }, expected: [6_990_080, 24_464_385], large: true },
  { label: 'peterson N=6', file: 'test/models/peterson.ts', params: { N: 6 }, expected: [5_779_920, 22_245_397], large: true },
  { label: 'iopf D=3 F=2 Q=2 W=2 G=2', file: 'test/models/iopf-pipeline.ts', params: { D: 3, F: 2, Q: 2, W: 2, G: 2 }, expected: [7_602_392, 34_144_765], large: true },
];

const args = process.argv.slice(2);
const value = (flag: string): string | undefined => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const quick = args.includes('--quick');
const only = value('--only');
const counts = (value('--workers') ?? `2,${availableParallelism()}`)
  .split(',')
  .map(Number)
  .filter((n, i, all) => n > 1 && all.indexOf(n) === i);
const repeat = Number(value('--repeat') ?? 1);
const rows = ROWS.filter((r) => (!quick || !r.large) && (only === undefined || r.label.includes(only)));

interface Run {
  readonly distinctStates: number;
  readonly statesGenerated: number;
  readonly seconds: number;
  readonly workers: number;
  readonly cpuSeconds: number;
  readonly rssMB: number;
}

function once(row: Row, workers: number): Run & { load: number } {
  const load = loadavg()[0]!;
  const out = execFileSync(process.execPath, ['bin/run-ts.mjs', 'bench/one.ts', row.file, JSON.stringify(row.params), String(workers)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return { ...(JSON.parse(out.trim().split('\n').pop()!) as Run), load };
}

function run(row: Row, workers: number): Run & { load: number } {
  let best = once(row, workers);
  for (let i = 1; i < repeat; i++) {
    const r = once(row, workers);
    if (r.seconds < best.seconds) best = r;
  }
  return best;
}

const fmt = (x: number, digits = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
console.log(`sva-check bench:parallel: node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'}, ${availableParallelism()} cores, ${fmt(totalmem() / 2 ** 30, 1)} GiB`);
console.log('| model | distinct states | transitions | threads | same counts | seconds | speed-up | CPU seconds | RSS MB | load before |');
console.log('| --- | ---: | ---: | ---: | :---: | ---: | ---: | ---: | ---: | ---: |');
let mismatches = 0;
for (const row of rows) {
  const one = run(row, 1);
  for (const r of [one, ...counts.map((n) => run(row, n))]) {
    const same = r.distinctStates === row.expected[0] && r.statesGenerated === row.expected[1];
    if (!same) mismatches++;
    console.log(
      `| ${row.label} | ${fmt(r.distinctStates)} | ${fmt(r.statesGenerated)} | ${r.workers} | ${same ? 'yes' : 'NO'} | ${fmt(r.seconds, 2)} | ${fmt(one.seconds / r.seconds, 2)}x | ${fmt(r.cpuSeconds, 1)} | ${fmt(r.rssMB)} | ${fmt(r.load, 1)} |`,
    );
  }
}
if (mismatches > 0) {
  console.log(`${mismatches} run(s) differ from the SPIN/TLC counts`);
  process.exitCode = 1;
}
