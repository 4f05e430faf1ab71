// The level barrier: each thread keeps, in its own chunks, the claims whose parent owns the slot
// once the level is over, and the coordinator joins the chunks in order.
import { describe, expect, it } from 'vitest';
import type { LevelReport } from '../../../explorer/parallel/level.ts';
import { ChunkClaims, collectWinners, resolveChunk } from '../../../explorer/parallel/resolve.ts';
import { SharedTable } from '../../../explorer/parallel/table.ts';

const FIRST = 10;

/** A chunk's claims: [parent's place, ordinal, move, slot, encoding] each. */
function chunk(parents: number, claims: readonly (readonly [number, number, number, number, readonly number[]])[], graph = false): { claims: Uint32Array; states: Uint8Array } {
  const c = new ChunkClaims(graph);
  c.begin(parents);
  const bytes: number[] = [];
  for (const [at, ord, move, slot, encoding] of claims) {
    c.add(at, ord, move, slot, encoding.length, graph ? 7 : 0);
    bytes.push(...encoding);
  }
  for (let at = 0; at < parents; at++) c.generatedBy(at, 3 + at);
  return { claims: c.take(parents), states: Uint8Array.from(bytes) };
}

describe('the threads resolve their chunks', () => {
  it('drops a claim whose slot a lower parent took over, and joins the chunks in order', () => {
    const table = SharedTable.create(64);
    // Parent 13 (chunk 1) inserts X first; parent 10 (chunk 0) reaches it later and lowers it.
    table.insert(1 << 30, 5, 13 + 2);
    const x = table.slot;
    expect(table.lower(x, 10 + 2)).toBe(true);
    table.insert(2 << 30, 9, 11 + 2);
    const y = table.slot;
    table.insert(3 << 30, 11, 12 + 2);
    const z = table.slot;
    expect(table.contested(x)).toBe(true);
    expect(table.contested(y)).toBe(false);
    const c0 = chunk(2, [
      [0, 1, 4, x, [1, 1]],
      [1, 0, 2, y, [2]],
    ]);
    const c1 = chunk(2, [
      [0, 0, 3, z, [3, 3, 3]],
      [1, 2, 6, x, [4]],
    ]);
    const s0 = resolveChunk(c0.claims, c0.states, table, FIRST, false);
    const s1 = resolveChunk(c1.claims, c1.states, table, FIRST + 2, false);
    expect([...s0]).toEqual([1, 1, 2]);
    expect([...s1]).toEqual([3, 3, 3]);
    // The second thread did chunk 1; the coordinator gets its report first.
    const report = (chunks: number[], parts: { claims: Uint32Array }[], states: Uint8Array[]): LevelReport => ({ chunks, claims: parts.map((p) => p.claims), states, edges: [], events: [], fired: [] });
    const w = collectWinners([report([1], [c1], [s1]), report([0], [c0], [s0])], { firstId: FIRST, count: 4, chunkSize: 2, chunks: 2, graph: false }, new Set([z]));
    expect(w.count).toBe(3);
    expect([...w.parent]).toEqual([10, 11, 12]);
    expect([...w.ord]).toEqual([1, 0, 0]);
    expect([...w.move]).toEqual([4, 2, 3]);
    expect([...w.slot]).toEqual([x, y, z]);
    expect([...w.ends]).toEqual([2, 3, 6]);
    expect([...w.bytes.buf.subarray(0, w.bytes.len)]).toEqual([1, 1, 2, 3, 3, 3]);
    expect([...w.generated]).toEqual([3, 4, 3, 4]);
    expect(w.chunksDone).toBe(2);
    expect(w.ofSlot.get(z)).toBe(2);
    // Forgotten before the next round.
    table.clearContested();
    expect(table.contested(x)).toBe(false);
  });

  it('takes only the prefix of chunks done, and carries the liveness marks', () => {
    const table = SharedTable.create(64);
    table.insert(1 << 30, 5, FIRST + 2);
    const c0 = chunk(1, [[0, 0, 1, table.slot, [9]]], true);
    const s0 = resolveChunk(c0.claims, c0.states, table, FIRST, true);
    const c2 = chunk(1, [[0, 0, 1, table.slot, [8]]], true);
    const w = collectWinners([{ chunks: [0, 2], claims: [c0.claims, c2.claims], states: [s0, c2.states], edges: [], events: [], fired: [] }], { firstId: FIRST, count: 3, chunkSize: 1, chunks: 3, graph: true }, new Set());
    expect(w.chunksDone).toBe(1);
    expect(w.count).toBe(1);
    expect([...w.marks]).toEqual([7]);
  });
});
