// Checkpoints of the parallel search, in the one-thread search's format (checkpoint.ts), so that a
// search written on N threads resumes on any number, one included, and the other way round. A
// checkpoint is taken between two rounds: when a level is cut for one (Ctrl-C, or it is time for the
// periodic one), the chunks done are a prefix and the rest of the round goes back to the front of the
// frontier, as the one-thread search's queue holds the rest of its level.
import type { SearchSnapshot } from '../checkpoint.ts';
import type { Pieces } from '../pieces.ts';
import type { VarintQueue } from '../store.ts';

/** The rest of a cut round: its states from `done` on, as a round of their own. */
export interface Remainder {
  readonly bytes: Uint8Array;
  readonly ends: Float64Array;
}

export function remainderOf(round: { readonly bytes: Uint8Array; readonly ends: ArrayLike<number> }, done: number): Remainder {
  const from = done === 0 ? 0 : round.ends[done - 1]!;
  const to = round.ends[round.ends.length - 1]!;
  const bytes = new Uint8Array(new SharedArrayBuffer(to - from));
  bytes.set(round.bytes.subarray(from, to));
  const ends = new Float64Array(round.ends.length - done);
  for (let k = 0; k < ends.length; k++) ends[k] = round.ends[done + k]! - from;
  return { bytes, ends };
}

/** The frontier as the one-thread search's queue would hold it: a cut round's rest first. */
export function frontierSnapshot(frontier: VarintQueue, rest: Remainder | null): SearchSnapshot['queue'] {
  const q = frontier.snapshot();
  if (rest === null) return q;
  const queued = q.bytes;
  const bytes: Pieces = {
    type: 'u8',
    length: rest.bytes.length + queued.length,
    *pieces() {
      yield rest.bytes;
      yield* queued.pieces();
    },
  };
  const count = q.count + rest.ends.length;
  return { bytes, count, peakBytes: Math.max(q.peakBytes, bytes.length), peakCount: Math.max(q.peakCount, count) };
}
