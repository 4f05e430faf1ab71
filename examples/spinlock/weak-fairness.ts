// The same lock judged under weak fairness only: a waiter finds the lock free again and again, but
// never for ever, so nothing forces it to take it while another thread keeps re-acquiring it.
import { defineVariant } from 'sva-check';
import lock, { type Lock } from './model.ts';

const acquires = lock.liveness!.find((p) => p.name === 'waiter-acquires')!;

export default defineVariant<Lock, { N: number }>({
  id: 'spinlock-weak-fairness',
  title: 'waiter-acquires under weak fairness of test_and_set',
  source: 'the textbook: a test-and-set lock is not starvation-free',
  model: 'spinlock',
  expect: { violates: ['waiter-acquires'] },
  liveness: {
    replace: {
      'waiter-acquires': {
        ...acquires,
        description: `${acquires.description} (weak fairness)`,
        fairness: [{ process: 'thread', steps: ['unlock', 'test_and_set'] }],
      },
    },
  },
});
