// Every state a step leaves is one its layout can hold: encoded and decoded again, it is the same
// object. A step that adds a field the layout does not declare (an Object.assign with one field too
// many) passes the type checker; the search would then encode the state without it, while replay,
// simulation and the redundancy analysis, which keep the objects, would see it.
import { describe, expect, it } from 'vitest';
import { applyWithImmer, enabledMoves, type Compiled } from '../../explorer/compile.ts';
import { decodeFromArray, encodeToArray } from '../../explorer/codec.ts';
import { resolveTarget } from '../../explorer/cli/target.ts';
import { firstDifference, show } from '../../explorer/simulate/equal.ts';
import { workspace } from '../helpers/cli.ts';

const ws = workspace();

/** Breadth first over the objects steps build (not decoded ones), up to `limit` states: the first state whose round trip differs. */
function firstOpenState<S, C>(compiled: Compiled<S, C>, limit: number): { found: string | null; states: number } {
  const seen = new Set<string>();
  const queue: S[] = [];
  for (const s of compiled.initStates) {
    seen.add(encodeToArray(compiled.codec, s).join(','));
    queue.push(s);
  }
  for (let head = 0; head < queue.length && seen.size < limit; head++) {
    for (const { action, choice } of enabledMoves(compiled, queue[head]!)) {
      const next = applyWithImmer(action, queue[head]!, choice);
      const ints = encodeToArray(compiled.codec, next);
      const back = decodeFromArray(compiled.codec, ints);
      const d = firstDifference(back, next, 'state');
      if (d !== null) return { found: `${action.stepKey} leaves ${d.path} = ${show(d.right)} (decoded: ${show(d.left)})`, states: seen.size };
      const key = ints.join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      queue.push(next);
    }
  }
  return { found: null, states: seen.size };
}

describe('the kernel models leave only states their layout holds', () => {
  it.each(['iopf-evtq', 'iopf-stall', 'iopf-small', 'sva-small', 'sva-httu-munmap', 'sva-attach', 'sva-seize', 'sva-asid'])('%s', async (config) => {
    const target = await resolveTarget(ws, { config });
    const { found, states } = firstOpenState(target.compiled, 6000);
    expect(found).toBeNull();
    expect(states).toBeGreaterThan(2000);
  }, 60_000);
});
