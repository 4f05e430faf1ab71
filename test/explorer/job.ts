// A small model for the redundancy analysis's tests: a worker takes a job (1 or 2), starts it,
// finishes it and goes back to idle, twice. Its `job` is read only when the job finishes, two steps
// after it was taken (live in between); it stays set while the worker idles, where nothing reads it
// before the next take writes it (dead data); and `log` records each job and is never read.
import { z } from 'zod';
import { int, record } from '../../explorer/codec.ts';
import { defineModel, step } from '../../explorer/model.ts';

export interface Job {
  busy: number;
  job: number;
  log: number;
  done: number;
}

export default defineModel<Job, Record<string, never>>({
  name: 'job',
  description: 'a worker that takes two jobs one after the other',
  follows: 'test fixture',
  params: z.object({}).strict(),
  init: () => [{ busy: 0, job: 0, log: 0, done: 0 }],
  codec: () => record<Job>({ busy: int(0, 2), job: int(0, 2), log: int(0, 2), done: int(0, 2) }),
  processes: () => [
    {
      name: 'worker',
      instances: 1,
      steps: [
        step<Job, number>({
          name: 'take',
          choices: () => [1, 2],
          enabled: (s) => s.busy === 0 && s.done < 2,
          apply: (d, _i, job) => {
            d.busy = 1;
            d.job = job;
            d.log = job;
          },
        }),
        step({
          name: 'start',
          enabled: (s) => s.busy === 1,
          apply: (d) => {
            d.busy = 2;
          },
        }),
        step({
          name: 'finish',
          enabled: (s) => s.busy === 2 && s.job > 0,
          apply: (d) => {
            d.busy = 0;
            d.done++;
          },
        }),
      ],
    },
  ],
  invariants: [{ name: 'AtMostTwo', description: 'at most two jobs done', source: 'fixture', holds: (s) => s.done <= 2 }],
  checkDeadlock: false,
});
