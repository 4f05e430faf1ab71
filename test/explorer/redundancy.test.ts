// The redundancy analysis on a worker whose job is read two steps after it is taken (live between:
// masking it there would merge the two states after a take), stays set while the worker idles
// (dead there), and whose log is never read: 13 states, 11 once the dead places are masked (the two
// idle states after one job merge, and so do the two after two), 7 classes of bisimulation (one per
// number of steps taken); masking either place alone merges nothing, since the other still tells
// them apart.
import { describe, expect, it } from 'vitest';
import { compile, type Compiled } from '../../explorer/compile.ts';
import { HarnessError } from '../../explorer/errors.ts';
import { measureRedundancy } from '../../explorer/redundancy.ts';
import handoff from './handoff.ts';
import job from './job.ts';
import { cli } from '../helpers/cli.ts';

const measure = (maxStates = 100) => measureRedundancy(compile(job, {}) as unknown as Compiled<unknown, unknown>, { maxStates, places: 10 });

describe('measureRedundancy', () => {
  it('masks what no path reads before writing it, and counts the bisimulation classes', () => {
    const r = measure();
    expect(r).toMatchObject({ states: 13, transitions: 14, deadMasked: 11, bisimilar: 7, propertyBisimilar: 7 });
  });

  it('measures each place whose dead values vary alone, says which nothing reads and after which step each dies', () => {
    const { places } = measure();
    expect(places).toEqual([
      // job: 0 in the initial state, then 1 or 2 in each of the four idle states after a job.
      // The job's last read is the finish; the log is dead as soon as a take writes it.
      { place: 'job', deadIn: 5, statesLeft: 13, neverRead: false, diesAfter: [{ step: 'worker/finish', share: 1 }] },
      { place: 'log', deadIn: 13, statesLeft: 13, neverRead: true, diesAfter: [{ step: 'worker/take', share: 1 }] },
    ]);
  });

  it('keeps live what a step moves whole to where it is read', () => {
    // Put 1 or 2, hand the box on, read it: seven states, none merged. Without the move, the slot's
    // value (never read in the slot) would be dead there, and the two states after a put would merge.
    const r = measureRedundancy(compile(handoff, {}) as unknown as Compiled<unknown, unknown>, { maxStates: 100, places: 10 });
    expect(r).toMatchObject({ states: 7, deadMasked: 7 });
  });

  it('stops in one line before the graph outgrows the heap', () => {
    const tight = (): unknown => measureRedundancy(compile(job, {}) as unknown as Compiled<unknown, unknown>, { maxStates: 100, places: 10, heapShare: 1e-6 });
    expect(tight).toThrow(HarnessError);
    expect(tight).toThrow(/^redundancy: the graph filled [\d.]+ of this process's [\d.]+ GB heap at 0 states; give node a larger heap \(NODE_OPTIONS=--max-old-space-size=MB/);
  });

  it('refuses a config larger than its bound, in one line', () => {
    expect(() => measure(12)).toThrow(HarnessError);
    expect(() => measure(12)).toThrow(/more than 12 reachable states/);
  });

  it('is a command', async () => {
    const run = await cli(['redundancy', '--model', 'test/explorer/job.ts']);
    expect(run.code).toBe(0);
    expect(run.out).toContain('13 states, 14 transitions');
    expect(run.out).toContain('dead data masked: 11 distinct states (1.18x fewer)');
    expect(run.out).toContain('log: dead in 13 states; 13 states left (1.00x); never read by any step or property; dies after worker/take (100%)');
    const big = await cli(['redundancy', '--model', 'test/explorer/job.ts', '--max-states', '3']);
    expect(big.code).toBe(2);
    expect(big.err.trim().split('\n')).toEqual([expect.stringMatching(/more than 3 reachable states/)]);
  });
});
