// The consumer takes from the tail of the queue instead of its head (a stack, not a FIFO): two items
// of one producer in the queue reach the consumer out of order.
import { defineVariant } from '../../../explorer/variant.ts';
import { takeStep, type ProdCons, type ProdConsConfig } from '../prodcons.ts';

export default defineVariant<ProdCons, ProdConsConfig>({
  id: 'prodcons-lifo',
  title: 'Consumer takes the newest item (tail) instead of the oldest (head)',
  source: 'shared/peers/REFERENCE-MODELS.md (b), InOrder',
  description:
    'Producer 0 produces and puts twice (4 steps), then Take pops <<0, 1>> while cexp[0] = 0: InOrder fails after 5 steps.',
  model: 'prodcons',
  expect: { violates: ['InOrder'] },
  steps: {
    replace: {
      'consumer/Take': takeStep('tail'),
    },
  },
});
