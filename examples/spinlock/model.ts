// A model written outside the repository: README's example, run as a user would run it from a folder
// of their own (test/examples.test.ts copies this folder elsewhere and runs the CLI on it).
import { codec, defineModel, step, z } from 'sva-check';

export interface Lock {
  pc: ('idle' | 'waiting' | 'critical')[];
  holder: number | null;
}

export default defineModel<Lock, { N: number }>({
  name: 'spinlock',
  description: 'N threads contend for one test-and-set lock',
  follows: 'a textbook spinlock',
  params: z.object({ N: z.number().int().min(1).max(6).default(2) }).strict(),
  init: ({ N }) => [{ pc: Array<'idle'>(N).fill('idle'), holder: null }],
  codec: ({ N }) =>
    codec.record<Lock>({
      pc: codec.array(N, codec.literal(['idle', 'waiting', 'critical'] as const)),
      holder: codec.nullable(codec.int(0, N - 1)),
    }),
  processes: ({ N }) => [
    {
      name: 'thread',
      instances: N,
      pc: (s, self) => s.pc[self]!,
      steps: [
        step<Lock>({ name: 'want', at: 'idle', apply: (d, self) => void (d.pc[self] = 'waiting') }),
        step<Lock>({
          name: 'test_and_set',
          at: 'waiting',
          enabled: (s) => s.holder === null,
          apply: (d, self) => {
            d.holder = self;
            d.pc[self] = 'critical';
          },
        }),
        step<Lock>({
          name: 'unlock',
          at: 'critical',
          apply: (d, self) => {
            d.holder = null;
            d.pc[self] = 'idle';
          },
        }),
      ],
    },
  ],
  invariants: [
    {
      name: 'mutual-exclusion',
      description: 'at most one thread in its critical section',
      source: 'the lock',
      holds: (s) => s.pc.filter((p) => p === 'critical').length <= 1,
    },
  ],
  liveness: [
    {
      // \A i: waiting(i) ~> critical(i), if a thread that keeps finding the lock free takes it.
      name: 'waiter-acquires',
      description: 'a waiting thread enters its critical section',
      source: 'the lock',
      each: ({ N }) => N,
      from: (s, i) => s.pc[i] === 'waiting',
      to: (s, i) => s.pc[i] === 'critical',
      fairness: [
        { process: 'thread', steps: ['unlock'] },
        { process: 'thread', steps: ['test_and_set'], strong: true },
      ],
    },
  ],
  witnesses: [
    { name: 'someone-waits', description: 'a thread waits while another holds the lock', reached: (s) => s.holder !== null && s.pc.includes('waiting') },
  ],
});
