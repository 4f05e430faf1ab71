// `render` and `--render`: each format from a saved counterexample and from a run, the HTML page
// self-contained, ITF strict (Quint's reader takes it, even from a file written before strict ITF),
// DOT refused above its size limit, and a bad format one line with exit 2.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT, tempDir } from '../helpers/cli.ts';

const DIEHARD = join(ROOT, 'counterexamples/diehard--defaults--baseline--NotSolved.json');
const LEGACY = join(ROOT, 'test/fixtures/legacy-itf/diehard--defaults--baseline--NotSolved.json');
const SVA = join(ROOT, 'counterexamples/sva--sva-small--baseline--sva-cd-ownership.json');
const { ofItf } = createRequire(import.meta.url)('@informalsystems/quint/dist/src/itf.js') as { ofItf: (trace: unknown) => unknown[] };

describe('render', () => {
  it('text: the steps with what each changed', async () => {
    const run = await cli(['render', DIEHARD]);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/1 {2}jugs\[0\] FillBigJug\n\s+big: 0 -> 5/);
  });

  it('mermaid: one lifeline per process instance, a note of changes per step, the violating step highlighted', async () => {
    const run = await cli(['render', SVA, '--format', 'mermaid']);
    const lines = run.out.split('\n');
    expect(lines[0]).toBe('sequenceDiagram');
    expect(lines).toContain('  participant driver_0 as driver[0]');
    expect(lines).toContain('  participant exit_mmap_0 as exit_mmap[0]');
    expect(run.out).toMatch(/rect rgb\(255, 210, 210\)\n {2}(\w+)->>\1: 38\. /);
    expect(run.out).toContain('Note over');
    expect(run.out).toContain('sva-cd-ownership violated');
  });

  it('mermaid: a lasso’s cycle in a loop box', async () => {
    const run = await cli(['explore', '--model', join(ROOT, 'examples/spinlock/model.ts'), '--variant', join(ROOT, 'examples/spinlock/weak-fairness.ts'), '--no-save', '--render', 'mermaid']);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/^sequenceDiagram/);
    expect(run.out).toMatch(/ {2}loop the cycle repeats for ever\n(.*\n)+ {2}end/);
    expect(run.err).toContain('Result: violation of waiter-acquires.');
  });

  it('itf: strict, read by Quint, also from a file written before strict ITF', async () => {
    for (const file of [DIEHARD, LEGACY]) {
      const run = await cli(['render', file, '--format', 'itf']);
      expect(run.out).not.toContain('null');
      const doc = JSON.parse(run.out) as { states: unknown[] };
      expect(ofItf(doc)).toHaveLength(7);
    }
  });

  it('html: one self-contained page with every step, the state, the diagram and the property', async () => {
    const run = await cli(['render', SVA, '--format', 'html']);
    expect(run.out).toMatch(/^<!doctype html>/);
    expect(run.out).not.toMatch(/<script[^>]+src=|<link|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(run.out).toContain('invariant sva-cd-ownership violated');
    expect(run.out).toContain('<svg');
    expect(run.out.match(/class="step/g)).toHaveLength(38);
    expect(run.out).toContain('ArrowRight');
  });

  it('dot: the whole state graph of a tiny config with the trace in red, refused for a large one', async () => {
    const run = await cli(['render', DIEHARD, '--format', 'dot']);
    expect(run.out).toMatch(/^digraph states \{/);
    expect(run.out.match(/^ {2}s\d+ \[/gm)).toHaveLength(16);
    expect(run.out.match(/color=red, penwidth=2/g)).toHaveLength(6);
    const big = await cli(['render', SVA, '--format', 'dot']);
    expect(big.code).toBe(2);
    expect(big.err).toMatch(/^sva-check: dot: the state graph of this config has more than 500 states/);
  });

  it('ftrace: the events a log would show, the rest as # lines; the output validates as a log of the model', async () => {
    const file = join(ROOT, 'counterexamples/sva--sva-small--baseline--no-fault-after-pasid-free.json');
    const run = await cli(['render', file, '--format', 'ftrace']);
    const events = run.out.split('\n').filter((l) => !l.startsWith('#'));
    expect(events).toEqual([
      'smmu_bind_alloc: dev=0000:00:03.0 pasid=1',
      'dev_fault: IOMMU:0000:00:03.0 type=2 reason=0 addr=0x0000ffffb9d10000 pasid=1 group=0 flags=3 prot=2',
      'smmu_unbind_free: dev=0000:00:03.0 pasid=1',
    ]);
    expect(run.out).toContain('#   30. driver[0] iopf_queue_flush_dev/flush_workqueue (at flush_wait)');
    const log = join(tempDir(), 'rendered.log');
    writeFileSync(log, `${run.out}\n`);
    const validated = await cli(['validate-trace', log, '--config', 'sva-small']);
    expect(validated.code).toBe(0);
  });

  it('a format it does not know is one line and exit 2', async () => {
    const run = await cli(['render', DIEHARD, '--format', 'pdf']);
    expect(run.code).toBe(2);
    expect(run.err).toBe("sva-check: --format: 'pdf' is not one of text, ftrace, mermaid, itf, html, dot");
    // The same check names the option the user gave.
    const replay = await cli(['replay', DIEHARD, '--render', 'pdf']);
    expect(replay.code).toBe(2);
    expect(replay.err).toBe("sva-check: --render: 'pdf' is not one of text, ftrace, mermaid, itf, html, dot");
  });

  it('--render on replay prints the file’s trace, the outcome on standard error', async () => {
    const run = await cli(['replay', DIEHARD, '--render', 'mermaid']);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/^sequenceDiagram/);
    expect(run.err).toMatch(/reproduced under the baseline after 6 steps/);
  });
});
