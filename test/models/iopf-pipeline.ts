// The I/O page-fault pipeline, reduced to counters: devices issue page requests into a shared
// hardware queue, the IRQ thread gathers them into groups (partial list, then a group on the last
// request) and queues the groups, workers handle each group's faults and send one page response,
// and unbind stops a device, flushes its faults and frees its PASID. After the Linux path
// iommu_report_device_fault -> iommu_queue_iopf (partial lists, iopf_group) -> the iopf work queue
// -> iopf_group_response, and iopf_queue_flush_dev before the PASID is freed (io-pgfault.c,
// fc36479db74e, v5.13). As specified in shared/peers/REFERENCE-MODELS.md (c): the same
// variables and atomic steps as the Promela (`iopf.pml`, one d_step per step) and TLA+ (`iopf.tla`,
// one action per step) versions, so SPIN -DNOREDUCE, TLC and this explorer report the same counts.
// Left out, as in the spec: fault contents (addresses, PASIDs, grpids), response codes, allocation
// failures, the pending-response list and hardware queue overflow. Every run ends with all PASIDs
// freed, so the state graph is acyclic.
import { z } from 'zod';
import { array, int, list, record } from '../../explorer/codec.ts';
import { defineModel, step } from '../../explorer/model.ts';

/** dstate values. */
export const ACTIVE = 0;
export const STOPPED = 1;
export const FLUSHED = 2;
/** The PASID is freed. */
export const FREED = 3;
/** gstate values (FREED = 3 as for devices). */
export const NONE = 0;
export const QUEUED = 1;
export const HANDLING = 2;
/** wpc values. */
export const IDLE = 0;
export const BUSY = 1;
export const RESPONDED = 2;

/** A page request in the hardware queue; `last` is 1 for LAST_PAGE. */
export interface PageRequest {
  dev: number;
  last: number;
}

/** A group on the work queue: group `k` of device `dev`, with `size` faults (1..F). */
export interface QueuedGroup {
  dev: number;
  k: number;
  size: number;
}

export interface Iopf {
  hwq: PageRequest[];
  wq: QueuedGroup[];
  dstate: number[];
  issued: number[];
  ngrp: number[];
  partial: number[];
  formed: number[];
  /** gstate[d][k], resp[d][k] (Promela flattens them to d*G+k). */
  gstate: number[][];
  resp: number[][];
  wpc: number[];
  wdev: number[];
  wgrp: number[];
  wleft: number[];
}

const bound = z.number().int().min(1).max(8);
export const IopfParams = z
  .object({
    D: bound.default(2),
    F: bound.default(2),
    Q: bound.default(2),
    W: bound.default(2),
    G: bound.default(1),
  })
  .strict();
export type IopfConfig = z.infer<typeof IopfParams>;

const DSTATE = ['active', 'stopped', 'flushed', 'freed'] as const;
const WPC = ['idle', 'busy', 'responded'] as const;

/** Device d has a request in the hardware queue. */
export const inHwq = (s: Iopf, d: number): boolean => s.hwq.some((r) => r.dev === d);
export const inWq = (s: Iopf, d: number): boolean => s.wq.some((g) => g.dev === d);

export const deviceSteps = ({ F, Q, G }: IopfConfig) => [
  step<Iopf>({
    name: 'Issue',
    doc: 'the device sends a page request that is not the last of its group',
    enabled: (s, d) => s.dstate[d] === ACTIVE && s.ngrp[d]! < G && s.issued[d]! < F - 1 && s.hwq.length < Q,
    apply: (x, d) => {
      x.hwq.push({ dev: d, last: 0 });
      x.issued[d]! += 1;
    },
  }),
  step<Iopf>({
    name: 'IssueLast',
    doc: 'the device sends the LAST_PAGE request that closes its group',
    enabled: (s, d) => s.dstate[d] === ACTIVE && s.ngrp[d]! < G && s.hwq.length < Q,
    apply: (x, d) => {
      x.hwq.push({ dev: d, last: 1 });
      x.issued[d] = 0;
      x.ngrp[d]! += 1;
    },
  }),
];

export const irqSteps = [
  step<Iopf>({
    name: 'Irq',
    doc: 'iommu_report_device_fault/iommu_queue_iopf: a partial fault, or a group formed and queued',
    enabled: (s) => s.hwq.length > 0,
    apply: (x) => {
      const { dev, last } = x.hwq.shift()!;
      if (last === 0) {
        x.partial[dev]! += 1;
        return;
      }
      const k = x.formed[dev]!;
      x.wq.push({ dev, k, size: x.partial[dev]! + 1 });
      x.gstate[dev]![k] = QUEUED;
      x.formed[dev] = k + 1;
      x.partial[dev] = 0;
    },
  }),
];

export const workerSteps = [
  step<Iopf>({
    name: 'Take',
    doc: 'a worker picks the next group off the work queue (iopf_handle_group starts)',
    enabled: (s, w) => s.wpc[w] === IDLE && s.wq.length > 0,
    apply: (x, w) => {
      const { dev, k, size } = x.wq.shift()!;
      x.wdev[w] = dev;
      x.wgrp[w] = k;
      x.wleft[w] = size;
      x.gstate[dev]![k] = HANDLING;
      x.wpc[w] = BUSY;
    },
  }),
  step<Iopf>({
    name: 'Handle',
    doc: 'iopf_handle_single: one fault of the group handled',
    enabled: (s, w) => s.wpc[w] === BUSY && s.wleft[w]! > 0,
    apply: (x, w) => {
      x.wleft[w]! -= 1;
    },
  }),
  step<Iopf>({
    name: 'Respond',
    doc: "iopf_complete_group: the group's page response",
    enabled: (s, w) => s.wpc[w] === BUSY && s.wleft[w] === 0,
    apply: (x, w) => {
      x.resp[x.wdev[w]!]![x.wgrp[w]!]! += 1;
      x.wpc[w] = RESPONDED;
    },
  }),
  step<Iopf>({
    name: 'FreeGroup',
    doc: 'kfree(group) at the end of iopf_handle_group',
    enabled: (s, w) => s.wpc[w] === RESPONDED,
    apply: (x, w) => {
      x.gstate[x.wdev[w]!]![x.wgrp[w]!] = FREED;
      x.wdev[w] = 0;
      x.wgrp[w] = 0;
      x.wpc[w] = IDLE;
    },
  }),
];

/** Flush's guard: nothing of device d left in the IRQ's partial list, the hwq, or queued/handled groups. */
export const flushable = (s: Iopf, d: number): boolean =>
  s.partial[d] === 0 && !inHwq(s, d) && s.gstate[d]!.every((g) => g !== QUEUED && g !== HANDLING);

export const unbindSteps = [
  step<Iopf>({
    name: 'Stop',
    doc: 'the driver stops the device at a group boundary: it issues no more faults',
    enabled: (s, d) => s.dstate[d] === ACTIVE && s.issued[d] === 0,
    apply: (x, d) => {
      x.dstate[d] = STOPPED;
    },
  }),
  step<Iopf>({
    name: 'Flush',
    doc: 'iopf_queue_flush_dev: wait until no fault or group of the device is in flight',
    enabled: (s, d) => s.dstate[d] === STOPPED && flushable(s, d),
    apply: (x, d) => {
      x.dstate[d] = FLUSHED;
    },
  }),
  step<Iopf>({
    name: 'FreePasid',
    doc: 'the PASID is released after the flush',
    enabled: (s, d) => s.dstate[d] === FLUSHED,
    apply: (x, d) => {
      x.dstate[d] = FREED;
    },
  }),
];

const perGroup = (s: Iopf, f: (gstate: number, resp: number) => boolean): boolean =>
  s.gstate.every((row, d) => row.every((g, k) => f(g, s.resp[d]![k]!)));

export default defineModel<Iopf, IopfConfig>({
  name: 'iopf-pipeline',
  description: 'I/O page-fault pipeline: hwq, IRQ partial lists, groups, work queue, responses, flush and PASID free',
  follows: 'shared/peers/REFERENCE-MODELS.md (c), after io-pgfault.c fc36479db74e (v5.13)',
  params: IopfParams,
  init: ({ D, G, W }) => [
    {
      hwq: [],
      wq: [],
      dstate: Array<number>(D).fill(ACTIVE),
      issued: Array<number>(D).fill(0),
      ngrp: Array<number>(D).fill(0),
      partial: Array<number>(D).fill(0),
      formed: Array<number>(D).fill(0),
      gstate: Array.from({ length: D }, () => Array<number>(G).fill(NONE)),
      resp: Array.from({ length: D }, () => Array<number>(G).fill(0)),
      wpc: Array<number>(W).fill(IDLE),
      wdev: Array<number>(W).fill(0),
      wgrp: Array<number>(W).fill(0),
      wleft: Array<number>(W).fill(0),
    },
  ],
  codec: ({ D, F, Q, W, G }) =>
    record<Iopf>({
      hwq: list(Q, record<PageRequest>({ dev: int(0, D - 1), last: int(0, 1) })),
      wq: list(D * G, record<QueuedGroup>({ dev: int(0, D - 1), k: int(0, G - 1), size: int(1, F) })),
      dstate: array(D, int(0, 3)),
      issued: array(D, int(0, F - 1)),
      ngrp: array(D, int(0, G)),
      // `partial` is at most F - 1 and `resp` at most 1 in the baseline; the wider ranges let a
      // broken variant reach its violation instead of failing to encode.
      partial: array(D, int(0, G * F)),
      formed: array(D, int(0, G)),
      gstate: array(D, array(G, int(0, 3))),
      resp: array(D, array(G, int(0, W + 1))),
      wpc: array(W, int(0, 2)),
      wdev: array(W, int(0, D - 1)),
      wgrp: array(W, int(0, G - 1)),
      wleft: array(W, int(0, F)),
    }),
  processes: (config) => [
    {
      name: 'device',
      instances: config.D,
      pc: (s, d) => DSTATE[s.dstate[d]!]!,
      steps: deviceSteps(config),
    },
    { name: 'irq', instances: 1, steps: irqSteps },
    { name: 'worker', instances: config.W, pc: (s, w) => WPC[s.wpc[w]!]!, steps: workerSteps },
    { name: 'unbind', instances: config.D, pc: (s, d) => DSTATE[s.dstate[d]!]!, steps: unbindSteps },
  ],
  invariants: [
    {
      name: 'RespOk',
      description: 'each group gets exactly one response, sent before it is freed: resp <= 1, 0 while NONE or QUEUED, 1 once FREED',
      source: 'REFERENCE-MODELS.md (c): RespOk',
      holds: (s) =>
        perGroup(s, (g, r) => r <= 1 && (g !== NONE && g !== QUEUED ? true : r === 0) && (g !== FREED || r === 1)),
    },
    {
      name: 'HeldGroupLive',
      description: 'a group held by a non-idle worker is HANDLING: it exists and has not been freed',
      source: 'REFERENCE-MODELS.md (c): HeldGroupLive',
      holds: (s) => s.wpc.every((p, w) => p === IDLE || s.gstate[s.wdev[w]!]![s.wgrp[w]!] === HANDLING),
    },
    {
      name: 'NoFreedPasidFault',
      description: "no BUSY worker holds a group of a device whose PASID is freed, and a freed device has nothing in partial, hwq or wq",
      source: 'REFERENCE-MODELS.md (c): NoFreedPasidFault',
      holds: (s) =>
        s.wpc.every((p, w) => p !== BUSY || s.dstate[s.wdev[w]!] !== FREED) &&
        s.dstate.every((ds, d) => ds !== FREED || (s.partial[d] === 0 && !inHwq(s, d) && !inWq(s, d))),
    },
  ],
  isFinal: (s) =>
    s.dstate.every((ds) => ds === FREED) &&
    s.hwq.length === 0 &&
    s.wq.length === 0 &&
    s.wpc.every((p) => p === IDLE),
  explainDeadlock: (s) =>
    s.dstate
      .map((ds, d) => `device ${d} ${DSTATE[ds]}: issued ${s.issued[d]}, partial ${s.partial[d]}, groups ${s.gstate[d]!.join('/')}`)
      .join('; '),
});
