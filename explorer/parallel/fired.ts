// Step fire counts of a level, as the one-thread search counts them: whole chunks from the threads'
// counts, and, in a level that the search stopped in, the chunk of the stop counted again on this
// thread up to the successor the search stopped at (enabled moves only: no step is applied).
import { IntReader, type Codec } from '../codec.ts';
import type { Compiled } from '../compile.ts';
import { expandedMoves } from '../expansion.ts';
import { ByteReader } from './bytes.ts';
import { AFTER_ALL, type LevelReport } from './level.ts';

export interface LevelStates {
  readonly firstId: number;
  readonly chunkSize: number;
  readonly bytes: Uint8Array;
  /** Where each of the level's states ends in `bytes`. */
  readonly ends: ArrayLike<number>;
}

export function addFired<S>(
  compiled: Compiled<S, unknown>,
  passes: readonly (readonly number[])[],
  fired: Float64Array,
  reports: readonly LevelReport[],
  level: LevelStates,
  cut: { parent: number; ord: number } | null,
  chunksDone: number,
): void {
  const cutChunk = cut === null ? chunksDone : Math.floor((cut.parent - level.firstId) / level.chunkSize);
  for (const r of reports) {
    r.chunks.forEach((c, i) => {
      if (c >= cutChunk) return;
      const f = r.fired[i]!;
      for (let a = 0; a < fired.length; a++) fired[a]! += f[a]!;
    });
  }
  if (cut === null) return;
  const codec = compiled.codec as Codec<S>;
  const current = { buf: new Int32Array(256), len: 0 };
  for (let p = level.firstId + cutChunk * level.chunkSize; p <= cut.parent; p++) {
    const k = p - level.firstId;
    const reader = new ByteReader(level.bytes, k === 0 ? 0 : level.ends[k - 1]!);
    reader.ints(current);
    const s = codec.decode(new IntReader(current.buf.subarray(0, current.len)));
    let ord = 0;
    for (const { action } of expandedMoves(compiled, s, passes)) {
      if (p === cut.parent && cut.ord !== AFTER_ALL && ord > cut.ord) return;
      ord++;
      fired[action.index]!++;
    }
  }
}
