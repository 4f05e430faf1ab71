// A small model for the redundancy analysis's tests: a value is put in a slot, the slot's object is
// handed to a holder whole (its contents move without a step reading them), and the holder reads
// the value. The value is live in the slot, though nothing reads it there: it is read where it went.
import { z } from 'zod';
import { int, nullable, record } from '../../explorer/codec.ts';
import { defineModel, step } from '../../explorer/model.ts';

interface Box {
  v: number;
}

export interface Handoff {
  slot: Box | null;
  held: Box | null;
  seen: number;
}

const box = record<Box>({ v: int(1, 2) });

export default defineModel<Handoff, Record<string, never>>({
  name: 'handoff',
  description: 'a value put in a slot, handed on whole, then read',
  follows: 'test fixture',
  params: z.object({}).strict(),
  init: () => [{ slot: null, held: null, seen: 0 }],
  codec: () => record<Handoff>({ slot: nullable(box), held: nullable(box), seen: int(0, 2) }),
  processes: () => [
    {
      name: 'p',
      instances: 1,
      steps: [
        step<Handoff, number>({
          name: 'put',
          choices: () => [1, 2],
          enabled: (s) => s.slot === null && s.held === null && s.seen === 0,
          apply: (d, _i, v) => {
            d.slot = { v };
          },
        }),
        step({
          name: 'grab',
          enabled: (s) => s.slot !== null,
          apply: (d) => {
            d.held = d.slot;
            d.slot = null;
          },
        }),
        step({
          name: 'use',
          enabled: (s) => s.held !== null,
          apply: (d) => {
            d.seen = d.held!.v;
            d.held = null;
          },
        }),
      ],
    },
  ],
  invariants: [{ name: 'Seen', description: 'seen is 0, 1 or 2', source: 'fixture', holds: (s) => s.seen <= 2 }],
  checkDeadlock: false,
});
