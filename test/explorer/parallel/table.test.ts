// The threads' shared fingerprint table as a checkpoint writes it: a block of slots at a time, in
// the one-thread search's layout, so that either search resumes from it.
import { describe, expect, it } from 'vitest';
import { FingerprintIndex, FingerprintSet } from '../../../explorer/fpset.ts';
import { INITIAL_OWNER, SharedTable } from '../../../explorer/parallel/table.ts';
import { RecentSlots } from '../../../explorer/parallel/recent.ts';
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

describe('the shared table grown between two levels', () => {
  it('grows in its own buffer, each entry keeping its owner or id, each emptied slot wholly empty', () => {
    let table = SharedTable.create(4096);
    const buffer = table.buffer;
    const n = 2_900;
    for (let i = 0; i < n; i++) {
      table.insert(...fp(i), i + 2);
      if (i % 3 === 0) table.setId(table.slot, i);
    }
    while (table.capacity < 3 * 4096) {
      table = table.grow(Math.ceil((table.capacity * 1.25) / 16) * 16);
      expect(table.buffer).toBe(buffer);
      for (let i = 0; i < n; i++) {
        expect(table.insert(...fp(i), 1)).toBe(false);
        if (i % 3 === 0) expect(table.idAt(table.slot)).toBe(i);
        else expect(table.owner(table.slot)).toBe(i + 2);
      }
      // A thread that meets a slot whose low lane it looks for reads its owner as published: an
      // emptied slot with its owner left would be read as another fingerprint's (a duplicate state).
      for (let j = 0; j < table.capacity * 3; j += 3) if (table.words[j + 1] === 0) expect([table.words[j], table.words[j + 2]]).toEqual([0, 0]);
    }
    // Past its room, a larger buffer.
    table = table.grow(table.room + 16);
    expect(table.buffer).not.toBe(buffer);
    for (let i = 0; i < n; i += 5) expect(table.has(...fp(i))).toBe(true);
  });
});

describe('RecentSlots', () => {
  it('answers a fingerprint met last only for an owner no lower than it met it with, and forgets all when the table changes', () => {
    const table = SharedTable.create(1000);
    const recent = new RecentSlots();
    expect(recent.find(table, 7, 0x10001, 12)).toBe(-1);
    recent.remember(7, 0x10001, 10, 5);
    expect(recent.find(table, 7, 0x10001, 10)).toBe(5);
    expect(recent.find(table, 7, 0x10001, 12)).toBe(5);
    // A lower owner may lower the slot's: it goes to the table.
    expect(recent.find(table, 7, 0x10001, 9)).toBe(-1);
    // Another fingerprint on the same entry is not it.
    expect(recent.find(table, 8, 0x10001, 12)).toBe(-1);
    expect(recent.find(table, 7, 0x20001 + 0x4000 * 4, 12)).toBe(-1);
    // A grown table has moved every slot.
    const grown = table.grow(2000);
    expect(recent.find(grown, 7, 0x10001, 12)).toBe(-1);
    expect(recent.find(table, 7, 0x10001, 12)).toBe(-1);
  });
});
