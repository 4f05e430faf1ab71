// The bounds of the I/O page fault model, validated by zod. Defaults are the `iopf-small` config
// (1 device, 1 PASID, 2 groups of up to 2 requests, 1 worker, Q = 2). Each range is what the codec
// and the explorer can hold; a bound outside it is rejected with its path.
import { z } from 'zod';

export const iopfParams = z
  .object({
    /** Endpoints, each with its own device driver, fault data and partial list. */
    devices: z.number().int().min(1).max(3).default(1),
    /** PASID values the allocator hands out (1..pasids); also the number of processes (mms) bound. */
    pasids: z.number().int().min(1).max(3).default(1),
    /** Page request groups each device issues over the whole run (its PRI budget). */
    groups: z.number().int().min(1).max(4).default(2),
    /** Requests per page request group, at most (F); the last one carries LAST_PAGE. */
    requests: z.number().int().min(1).max(3).default(2),
    /** Capacity of the hardware page request queue (Q). */
    queue: z.number().int().min(1).max(4).default(2),
    /** iopf workqueue workers (W): the workqueue is WQ_UNBOUND and unordered. */
    workers: z.number().int().min(1).max(3).default(1),
    /** How many kinds of access (address, permission) a request may carry, from sva-standin's table. */
    accesses: z.number().int().min(1).max(3).default(2),
    /** Devices may also issue page requests without a PASID (on the RID), before and after IOPF is enabled. */
    ridRequests: z.boolean().default(true),
    /** kzalloc/kmemdup in the report path may fail (-ENOMEM), as a nondeterministic choice. */
    allocFailures: z.boolean().default(true),
    /**
     * How a device completes a PASID stop (seed 001, Stop Marker comment): 'wait' for every
     * outstanding page request group of the PASID to be answered, or post a Stop 'marker'.
     */
    pasidStop: z.enum(['wait', 'marker']).default('marker'),
    /** A next process may be given a freed PASID (the one a stale fault would hit). */
    nextProcess: z.boolean().default(true),
  })
  .strict();

export type IopfParams = z.output<typeof iopfParams>;

export const defaultParams: IopfParams = iopfParams.parse({});
