// Peterson without the victim: SetVictim moves to the wait but never writes `victim[level[i]]`, so
// the Pass guard's victim check reads the initial 0 and lets every process other than 0 through
// at once. Dropping either clause of the Pass guard instead keeps Mutex (checked with this
// explorer): without the victim clause the lock deadlocks, without the level clause it is strict
// alternation. It is the victim write that the level check relies on, so this is the edit to show.
import { defineVariant } from '../../../explorer/variant.ts';
import { step } from '../../../explorer/model.ts';
import type { Peterson, PetersonConfig } from '../peterson.ts';

export default defineVariant<Peterson, PetersonConfig>({
  id: 'peterson-no-victim',
  title: 'Peterson without the victim: SetVictim does not write victim[level[i]]',
  source: 'shared/peers/REFERENCE-MODELS.md (a), "Peterson without the victim check"',
  description:
    'With N = 2: process 0 enters while process 1 is idle (level check), then process 1 passes because victim[1] = 0 != 1: both are in the critical section after 6 steps. Process 0 also starves (StarvationFreedom): with victim[1] stuck at 0 it can pass only while process 1 is idle, and process 1 may keep re-entering.',
  model: 'peterson',
  expect: { violates: ['Mutex', 'StarvationFreedom'] },
  steps: {
    replace: {
      'proc/SetVictim': step<Peterson>({
        name: 'SetVictim',
        at: 'setVictim',
        doc: 'BROKEN: the victim of the level is not written',
        apply: (d, i) => {
          d.pc[i] = 2;
        },
      }),
    },
  },
});
