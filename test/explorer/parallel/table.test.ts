// The threads' shared fingerprint table as a checkpoint writes it: a block of slots at a time, in
// the one-thread search's layout, so that either search resumes from it.
import { describe, expect, it } from 'vitest';
import { FingerprintIndex, FingerprintSet } from '../../../explorer/fpset.ts';
import { INITIAL_OWNER, SharedTable } from '../../../explorer/parallel/table.ts';
import { piecesOf, wholeOf } from '../../../explorer/pieces.ts';

const fp = (i: number): [number, number] => [Math.imul(i, 0x9e3779b1) >>> 0, (Math.imul(i, 0x85ebca6b) | 1) >>> 0];

describe('the shared table in a checkpoint', () => {
  it('is written a block at a time, and read back by either search, ids and all', () => {
    const n = 150_000;
    const table = SharedTable.create(300_000);
    for (let i = 0; i < n; i++) {
      table.insert(...fp(i), INITIAL_OWNER);
      table.setId(table.slot, i);
    }
    for (const withIds of [false, true]) {
      const snap = table.snapshot(withIds, n);
      expect([...piecesOf(snap.slots)].length).toBeGreaterThan(2);
      const slots = wholeOf(snap.slots);
      expect(slots.length).toBe(table.capacity * (withIds ? 3 : 2));
      const set = withIds ? FingerprintIndex.from({ size: n, slots }) : FingerprintSet.from({ size: n, slots });
      const again = SharedTable.fromSnapshot(snap, withIds);
      for (let i = 0; i < n; i += 7) {
        expect(set.add(...fp(i))).toBe(false);
        if (set instanceof FingerprintIndex) expect(set.found).toBe(i);
        expect(again.insert(...fp(i), INITIAL_OWNER)).toBe(false);
        if (withIds) expect(again.idAt(again.slot)).toBe(i);
      }
      expect(again.has(...fp(n + 1))).toBe(false);
    }
  });
});
