// Every state a step leaves is one its layout can hold: encoded and decoded again, it is the same
// object (simulate's round trip, explorer/simulate/walk.ts, here breadth first). A step that adds a
// field the layout does not declare (an Object.assign with one field too many) passes the type
// checker; the search would then encode the state without it, while replay, simulation and the
// redundancy analysis, which keep the objects, would see it.
import { describe, expect, it } from 'vitest';
import { applyWithImmer, enabledMoves, type Compiled } from '../../explorer/compile.ts';
import { resolveTarget } from '../../explorer/cli/target.ts';
import { roundTrip } from '../../explorer/simulate/walk.ts';
import { workspace } from '../helpers/cli.ts';

const ws = workspace();

/** Breadth first over the objects steps build (not decoded ones), up to `limit` states, each round-tripped; the states visited. */
function visitObjects<S, C>(compiled: Compiled<S, C>, limit: number): number {
  const seen = new Set<string>();
  const queue: S[] = [];
  compiled.initStates.forEach((s, i) => {
    seen.add(roundTrip(compiled, s, `initial state ${i}`).join(','));
    queue.push(s);
  });
  for (let head = 0; head < queue.length && seen.size < limit; head++) {
    for (const { action, choice } of enabledMoves(compiled, queue[head]!)) {
      const next = applyWithImmer(action, queue[head]!, choice);
      const key = roundTrip(compiled, next, `the state after ${action.stepKey}`).join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      queue.push(next);
    }
  }
  return seen.size;
}

describe('the kernel models leave only states their layout holds', () => {
  it.each(['iopf-evtq', 'iopf-stall', 'iopf-small', 'sva-small', 'sva-httu-munmap', 'sva-attach', 'sva-seize', 'sva-asid'])('%s', async (config) => {
    const target = await resolveTarget(ws, { config });
    expect(visitObjects(target.compiled, 6000)).toBeGreaterThan(2000);
  }, 60_000);
});
