// Peterson whose Pass guard keeps only the victim clause: a process passes a level only once another
// has made itself the victim there. Mutex still holds (the processes alternate), but a process that
// competes while the other stays in its non-critical section waits for ever: what the level clause
// (`flag[other] = false` for N = 2) exists for.
import { defineVariant } from '../../../explorer/variant.ts';
import { step } from '../../../explorer/model.ts';
import type { Peterson, PetersonConfig } from '../peterson.ts';

export default defineVariant<Peterson, PetersonConfig>({
  id: 'peterson-level-only',
  title: "Peterson without the level clause: Pass waits until another process is the level's victim",
  source: 'shared/peers/REFERENCE-MODELS.md (a); Lamport, Specifying Systems 8.9 (strict alternation)',
  description:
    'With N = 2: process 0 enters and makes itself the victim of level 1 while process 1 stays in its non-critical section (Enter is not fair); Pass stays disabled and process 0 stutters for ever.',
  model: 'peterson',
  expect: { violates: ['StarvationFreedom'] },
  steps: {
    replace: {
      'proc/Pass': step<Peterson>({
        name: 'Pass',
        at: 'wait',
        doc: 'BROKEN: only victim[level[i]] != i lets the process through',
        enabled: (s, i) => s.victim[s.level[i]!] !== i,
        apply: (d, i) => {
          d.pc[i] = d.level[i] === d.level.length - 1 ? 3 : 4;
        },
      }),
    },
  },
});
