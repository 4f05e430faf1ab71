// Bounded producer/consumer: N producers put sequence-bit-tagged items into one FIFO of capacity K,
// one consumer takes them and checks each producer's items arrive in order. As specified in
// shared/peers/REFERENCE-MODELS.md (b): the same variables and atomic steps as the Promela
// (`prodcons.pml`, one d_step per step) and TLA+ (`prodcons.tla`, one action per step) versions, so
// that SPIN -DNOREDUCE, TLC and this explorer report the same distinct-state and transition counts.
// Producers are numbered 0..N-1; `cp` and `cs` are 0 while the consumer holds nothing. The state
// space is cyclic: the model never terminates and never deadlocks.
import { z } from 'zod';
import { array, int, list, record } from '../../explorer/codec.ts';
import { defineModel, step } from '../../explorer/model.ts';

export interface Item {
  producer: number;
  seqbit: number;
}

export interface ProdCons {
  /** FIFO of <<producer, seqbit>>, Len(q) <= K. */
  q: Item[];
  /** Per producer: 0 produce, 1 put. */
  ppc: number[];
  /** Per producer: sequence bit of its next item. */
  pseq: number[];
  /** Consumer: 0 take, 1 consume. */
  cpc: number;
  /** The held item's producer and sequence bit (0 when none). */
  cp: number;
  cs: number;
  /** Per producer: the bit the consumer expects next from it. */
  cexp: number[];
}

export const ProdConsParams = z
  .object({
    N: z.number().int().min(1).max(8).default(2),
    K: z.number().int().min(1).max(16).default(2),
  })
  .strict();
export type ProdConsConfig = z.infer<typeof ProdConsParams>;

const PPC = ['produce', 'put'] as const;
const CPC = ['take', 'consume'] as const;

export const producerSteps = (K: number) => [
  step<ProdCons>({
    name: 'Produce',
    at: 'produce',
    doc: 'make the next item',
    apply: (d, p) => {
      d.ppc[p] = 1;
    },
  }),
  step<ProdCons>({
    name: 'Put',
    at: 'put',
    doc: 'append <<p, pseq[p]>> when the queue has room; flip pseq[p]',
    enabled: (s) => s.q.length < K,
    apply: (d, p) => {
      d.q.push({ producer: p, seqbit: d.pseq[p]! });
      d.pseq[p] = 1 - d.pseq[p]!;
      d.ppc[p] = 0;
    },
  }),
];

/** Take from the head of q (the spec), or from its tail (the broken `prodcons-lifo` variant). */
export const takeStep = (end: 'head' | 'tail') =>
  step<ProdCons>({
    name: 'Take',
    at: 'take',
    doc: end === 'head' ? '<<cp, cs>> := Head(q); q := Tail(q)' : 'BROKEN: <<cp, cs>> := the last item of q',
    enabled: (s) => s.q.length > 0,
    apply: (d) => {
      const item = end === 'head' ? d.q.shift()! : d.q.pop()!;
      d.cp = item.producer;
      d.cs = item.seqbit;
      d.cpc = 1;
    },
  });

export const consumerSteps = [
  takeStep('head'),
  step<ProdCons>({
    name: 'Consume',
    at: 'consume',
    doc: 'flip cexp[cp]; drop the held item',
    apply: (d) => {
      d.cexp[d.cp] = 1 - d.cexp[d.cp]!;
      d.cp = 0;
      d.cs = 0;
      d.cpc = 0;
    },
  }),
];

export default defineModel<ProdCons, ProdConsConfig>({
  name: 'prodcons',
  description: 'Bounded FIFO with N producers and one consumer checking per-producer order (reference model)',
  follows: 'shared/peers/REFERENCE-MODELS.md (b) bounded producer/consumer',
  params: ProdConsParams,
  init: ({ N }) => [
    {
      q: [],
      ppc: Array<number>(N).fill(0),
      pseq: Array<number>(N).fill(0),
      cpc: 0,
      cp: 0,
      cs: 0,
      cexp: Array<number>(N).fill(0),
    },
  ],
  codec: ({ N, K }) =>
    record<ProdCons>({
      q: list(K, record<Item>({ producer: int(0, N - 1), seqbit: int(0, 1) })),
      ppc: array(N, int(0, 1)),
      pseq: array(N, int(0, 1)),
      cpc: int(0, 1),
      cp: int(0, N - 1),
      cs: int(0, 1),
      cexp: array(N, int(0, 1)),
    }),
  processes: ({ N, K }) => [
    { name: 'producer', instances: N, pc: (s, p) => PPC[s.ppc[p]!]!, steps: producerSteps(K) },
    { name: 'consumer', instances: 1, pc: (s) => CPC[s.cpc]!, steps: consumerSteps },
  ],
  invariants: [
    {
      name: 'InOrder',
      description: "cpc = 1 => cs = cexp[cp]: each producer's items reach the consumer in order, none lost or duplicated",
      source: 'REFERENCE-MODELS.md (b): InOrder',
      holds: (s) => s.cpc !== 1 || s.cs === s.cexp[s.cp],
    },
  ],
});
