// A DieHard variant for the CLI tests: without pouring between the jugs the big jug only ever
// holds 0 or 5 gallons, so the NotSolved invariant newly holds.
import { defineVariant } from '../../../explorer/variant.ts';

export default defineVariant({
  id: 'diehard-no-pouring',
  title: 'DieHard without the two pouring steps',
  source: 'test fixture',
  model: 'diehard',
  expect: { violates: [] },
  steps: { remove: ['jugs/SmallToBig', 'jugs/BigToSmall'] },
});
