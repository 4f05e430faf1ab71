// npm run bench:peers: SPIN and sva-check on the same reference models and sizes, in one run, in turn:
// SPIN 6.5 with -DNOREDUCE -DSAFETY on the Promela versions in bench/peers/ (one d_step per step,
// every variable global, so it stores exactly the model's states) on one core, and sva-check on
// test/models/ with one thread and with two (the target is the 2-thread time against SPIN's).
// Checks that all report the same distinct states and transitions, and prints the time ratios as a
// markdown table (bench/RESULTS.md keeps it). Installs Debian's `spin` where it is
// missing. `-- --large` adds the 6-7 million state rows; `--only NAME` runs the rows whose label
// contains NAME. SPIN's time is its search (`pan`), not the generation and compilation of pan.c.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

interface Row {
  readonly label: string;
  readonly pml: string;
  readonly model: string;
  readonly params: Record<string, number>;
  readonly large?: boolean;
}

const ROWS: readonly Row[] = [
  { label: 'peterson N=5', pml: 'peterson.pml', model: 'test/models/peterson.ts', params: { N: 5 } },
  { label: 'peterson N=6', pml: 'peterson.pml', model: 'test/models/peterson.ts', params: { N: 6 }, large: true },
  { label: 'prodcons N=3 K=7', pml: 'prodcons.pml', model: 'test/models/prodcons.ts', params: { N: 3, K: 7 } },
  { label: 'prodcons N=4 K=6', pml: 'prodcons.pml', model: 'test/models/prodcons.ts', params: { N: 4, K: 6 }, large: true },
  { label: 'iopf D=2 F=2 Q=2 W=2 G=3', pml: 'iopf.pml', model: 'test/models/iopf-pipeline.ts', params: { D: 2, F: 2, Q: 2, W: 2, G: 3 } },
  { label: 'iopf D=3 F=2 Q=2 W=2 G=2', pml: 'iopf.pml', model: 'test/models/iopf-pipeline.ts', params: { D: 3, F: 2, Q: 2, W: 2, G: 2 }, large: true },
];

const args = process.argv.slice(2);
const large = args.includes('--large');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const rows = ROWS.filter((r) => (large || !r.large) && (only === undefined || r.label.includes(only)));

const run = (cmd: string, argv: readonly string[], cwd?: string): string =>
  execFileSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}) });

function ensureSpin(): string {
  try {
    return run('spin', ['-V']).trim();
  } catch {
    console.error('spin is missing: installing the Debian package');
    execFileSync('sh', ['-c', 'apt-get install -y spin || (apt-get update && apt-get install -y spin)'], { stdio: 'inherit' });
    return run('spin', ['-V']).trim();
  }
}

interface Count {
  readonly states: number;
  readonly transitions: number;
  readonly seconds: number;
}

function spin(row: Row): Count {
  const dir = mkdtempSync(join(tmpdir(), 'sva-check-spin-'));
  try {
    const defines = Object.entries(row.params).map(([k, v]) => `-D${k}=${v}`);
    run('spin', ['-a', ...defines, resolve('bench/peers', row.pml)], dir);
    run('gcc', ['-O2', '-DNOREDUCE', '-DSAFETY', '-DMEMLIM=16000', '-o', 'pan', 'pan.c'], dir);
    const started = performance.now();
    // A hash table of 2^w slots: big enough for the row (a table far too big costs its clearing).
    const out = run('./pan', ['-m10000000', row.large ? '-w26' : '-w22'], dir);
    const seconds = (performance.now() - started) / 1000;
    const states = /(\d+) states, stored/.exec(out)?.[1];
    const transitions = /(\d+) transitions/.exec(out)?.[1];
    if (!states || !transitions || !/errors: 0/.test(out)) throw new Error(`${row.label}: unexpected SPIN output:\n${out}`);
    return { states: Number(states), transitions: Number(transitions), seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** sva-check on `threads` threads (bench/one.ts: one process, its own heap and JIT). */
function svaCheck(row: Row, threads: number): Count {
  const out = run(process.execPath, ['bin/run-ts.mjs', 'bench/one.ts', row.model, JSON.stringify(row.params), String(threads)]);
  const r = JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
  return { states: r['distinctStates']!, transitions: r['statesGenerated']!, seconds: r['seconds']! };
}

const fmt = (x: number, digits = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const version = ensureSpin();
console.log(`sva-check bench:peers: ${version}, node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores`);
console.log('| model | distinct states | transitions | same counts | SPIN (s) | sva-check 1 thread (s) | / SPIN | sva-check 2 threads (s) | / SPIN |');
console.log('| --- | ---: | ---: | :---: | ---: | ---: | ---: | ---: | ---: |');
let mismatches = 0;
for (const row of rows) {
  const s = spin(row);
  const v = svaCheck(row, 1);
  const v2 = svaCheck(row, 2);
  const same = [v, v2].every((x) => s.states === x.states && s.transitions === x.transitions);
  if (!same) mismatches++;
  const counts = same ? `${fmt(v.states)} | ${fmt(v.transitions)} | yes` : `SPIN ${fmt(s.states)}, sva-check ${fmt(v.states)}/${fmt(v2.states)} | SPIN ${fmt(s.transitions)}, sva-check ${fmt(v.transitions)}/${fmt(v2.transitions)} | NO`;
  const ratio = (x: Count): string => `${fmt(x.seconds / s.seconds, 2)}x`;
  console.log(`| ${row.label} | ${counts} | ${fmt(s.seconds, 2)} | ${fmt(v.seconds, 2)} | ${ratio(v)} | ${fmt(v2.seconds, 2)} | ${ratio(v2)} |`);
}
if (mismatches > 0) {
  console.error(`${mismatches} row(s) where SPIN and sva-check disagree`);
  process.exit(1);
}
