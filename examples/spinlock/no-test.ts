// A broken patch to the spinlock: the exchange no longer tests the lock first.
import { defineVariant, step } from 'sva-check';
import type { Lock } from './model.ts';

export default defineVariant<Lock, { N: number }>({
  id: 'spinlock-no-test',
  title: 'test_and_set takes the lock without testing it',
  source: 'a deliberately broken patch',
  model: 'spinlock',
  expect: { violates: ['mutual-exclusion'] },
  steps: {
    replace: {
      'thread/test_and_set': step<Lock>({
        name: 'test_and_set',
        at: 'waiting',
        apply: (d, self) => {
          d.holder = self;
          d.pc[self] = 'critical';
        },
      }),
    },
  },
});
