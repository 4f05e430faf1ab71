// The TLA+ DieHard puzzle (tlaplus/Examples specifications/DieHard/DieHard.tla): jugs of 3 and 5
// gallons, and the invariant big /= 4 whose first violation is the puzzle's 6-step answer.
import { z } from 'zod';
import { int, record } from '../../explorer/codec.ts';
import { defineModel, step } from '../../explorer/model.ts';

interface Jugs {
  small: number;
  big: number;
}

const pour = (d: Jugs, toBig: boolean): void => {
  const amount = toBig ? Math.min(d.small, 5 - d.big) : Math.min(d.big, 3 - d.small);
  d.small += toBig ? -amount : amount;
  d.big += toBig ? amount : -amount;
};

export default defineModel<Jugs, Record<string, never>>({
  name: 'diehard',
  description: 'DieHard water jugs (3 and 5 gallons), after DieHard.tla',
  follows: 'tlaplus/Examples specifications/DieHard/DieHard.tla',
  params: z.object({}).strict(),
  init: () => [{ small: 0, big: 0 }],
  codec: () => record<Jugs>({ small: int(0, 3), big: int(0, 5) }),
  processes: () => [
    {
      name: 'jugs',
      instances: 1,
      steps: [
        step<Jugs>({ name: 'FillSmallJug', apply: (d) => void (d.small = 3) }),
        step<Jugs>({ name: 'FillBigJug', apply: (d) => void (d.big = 5) }),
        step<Jugs>({ name: 'EmptySmallJug', apply: (d) => void (d.small = 0) }),
        step<Jugs>({ name: 'EmptyBigJug', apply: (d) => void (d.big = 0) }),
        step<Jugs>({ name: 'SmallToBig', apply: (d) => pour(d, true) }),
        step<Jugs>({ name: 'BigToSmall', apply: (d) => pour(d, false) }),
      ],
    },
  ],
  invariants: [
    {
      name: 'NotSolved',
      description: 'the big jug never holds exactly 4 gallons (violated: that is the solution)',
      source: 'DieHard.tla: NotSolved == big # 4',
      holds: (s) => s.big !== 4,
    },
    {
      name: 'TypeOK',
      description: 'both jugs hold a volume within their size',
      source: 'DieHard.tla: TypeOK',
      holds: (s) => s.small >= 0 && s.small <= 3 && s.big >= 0 && s.big <= 5,
    },
  ],
});
