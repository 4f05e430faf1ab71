// A checkpoint's arrays move a piece at a time (explorer/pieces.ts): written from the stores' chunks
// and read back into them without a copy of the whole, and its frontier checked state by state as the
// pieces come in.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frontierMisfit } from '../../explorer/checkpoint.ts';
import { HarnessError } from '../../explorer/errors.ts';
import { encodeToArray, type Codec } from '../../explorer/codec.ts';
import { applyWithImmer, compile, enabledMoves, type Compiled } from '../../explorer/compile.ts';
import { forEachWord, piecesOf, wholeOf, type FileArray } from '../../explorer/pieces.ts';
import { U32Vec, VarintQueue } from '../../explorer/store.ts';
import peterson from '../models/peterson.ts';
import { tempDir } from '../helpers/cli.ts';

/** Peterson N=3's states within 4 steps, encoded, in a queue's snapshot. */
function frontier(): { codec: Codec<unknown>; queue: ReturnType<VarintQueue['snapshot']>; states: number } {
  const compiled = compile(peterson, { N: 3 }) as Compiled<unknown, unknown>;
  const codec = compiled.codec;
  let level = [...compiled.initStates];
  const all = [...level];
  for (let d = 0; d < 4; d++) {
    level = level.flatMap((s) => enabledMoves(compiled, s).map((m) => applyWithImmer(m.action, s, m.choice)));
    all.push(...level);
  }
  const q = new VarintQueue();
  for (const s of all) {
    const ints = Int32Array.from(encodeToArray(codec, s));
    q.push(ints, ints.length);
  }
  return { codec, queue: q.snapshot(), states: all.length };
}

describe('checkpoint arrays in pieces', () => {
  it('reads a file array a few bytes a call, words whole, and gives back what was written', () => {
    const words = Uint32Array.from({ length: 1000 }, (_, i) => Math.imul(i, 0x9e3779b1) >>> 0);
    const file = join(tempDir(), 'a.bin');
    writeFileSync(file, Buffer.concat([Buffer.alloc(12), Buffer.from(words.buffer)]));
    const a: FileArray = { file, offset: 12, type: 'u32', length: words.length, piece: 7 };
    for (const p of piecesOf(a)) expect(p.length % 4).toBe(0);
    expect(Array.from(wholeOf(a))).toEqual(Array.from(words));
    const seen: number[] = [];
    forEachWord(a, (x) => seen.push(x));
    expect(seen).toEqual(Array.from(words));
    // Bad input (a checkpoint cut short), reported in one line, not an internal error.
    expect(() => wholeOf({ ...a, length: words.length + 1 })).toThrow(HarnessError);
    expect(() => wholeOf({ ...a, length: words.length + 1 })).toThrow(/a\.bin: ends before byte 4012/);
  });

  it('hands a vector on disk back a chunk at a time, and one built from those pieces is the same', () => {
    const v = new U32Vec(true);
    for (let i = 0; i < 600_000; i++) v.push((i * 7) >>> 0);
    const again = U32Vec.from(v.snapshot());
    expect(again.length).toBe(v.length);
    for (const i of [0, 262_143, 262_144, 524_288, 599_999]) expect(again.get(i)).toBe(v.get(i));
    v.close();
  });
});

describe('the frontier check', () => {
  it('decodes every state as the pieces come in, whatever their size', () => {
    const { codec, queue, states } = frontier();
    expect(states).toBeGreaterThan(50);
    for (const [piece, hold] of [[1, 32], [5, 32], [1 << 20, 1 << 20]] as const) expect(frontierMisfit(codec, queue, piece, hold)).toBeNull();
  });

  it('says where a frontier ends early or runs on past its last state', () => {
    const { codec, queue, states } = frontier();
    const bytes = wholeOf(queue.bytes);
    expect(frontierMisfit(codec, { ...queue, count: states + 1 }, 3, 32)).toBe(`the frontier ends after ${states} of its ${states + 1} states`);
    expect(frontierMisfit(codec, { ...queue, bytes: Uint8Array.from([...bytes, ...bytes]) }, 3, 32)).toBe('the frontier has bytes past its last state');
  });
});
