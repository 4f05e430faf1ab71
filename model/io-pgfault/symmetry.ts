// The iopf workqueue's workers are interchangeable: it is WQ_UNBOUND, any idle worker takes the next
// work item, and nothing in the state refers to a worker by its index (no lock owner, no wait on a
// particular worker: iopf_queue_flush_dev's flush_workqueue waits for all of them). A config that
// declares `symmetry: ["workers"]` has the search keep one state per arrangement of the workers: the
// one with the workers in the order of their encodings. Sorting gives the exact canonical form here,
// since the workers are the only permuted part and each is compared whole.
import type { Codec } from '../../explorer/codec.ts';
import { IntWriter } from '../../explorer/codec-io.ts';
import { compareKeys } from '../canonical.ts';
import type { IopfParams } from '../params.ts';
import type { State } from '../state.ts';
import { workerCodec, type Worker } from './state.ts';

const codecs = new WeakMap<IopfParams, Codec<Worker>>();
const keys = new IntWriter(256);

/** The state with its workers in the order of their encodings (a new state; `s` is not changed). */
export function sortWorkers(s: State, c: IopfParams): State {
  const workers = sortedWorkers(s.workers, c);
  return workers === s.workers ? s : { ...s, workers };
}

/** `workers` in the order of their encodings: the array itself when it is in that order already. */
export function sortedWorkers(workers: Worker[], c: IopfParams): Worker[] {
  if (workers.length < 2) return workers;
  const codec = codecs.get(c) ?? workerCodec(c);
  codecs.set(c, codec);
  // The workers' encodings side by side in one reused buffer: this runs on every successor.
  keys.reset();
  const bounds = [0];
  for (const w of workers) {
    codec.encode(w, keys);
    bounds.push(keys.len);
  }
  const order = workers.map((_, i) => i).sort((a, b) => compareKeys(keys.buf.subarray(bounds[a], bounds[a + 1]), keys.buf.subarray(bounds[b], bounds[b + 1])));
  return order.every((k, i) => k === i) ? workers : order.map((k) => workers[k]!);
}

/** The symmetry the params declare, for the report, or undefined. */
export function workerSymmetry(c: IopfParams): string | undefined {
  if (!c.symmetry?.includes('workers') || c.workers < 2) return undefined;
  return `symmetry reduction: the ${c.workers} iopf workers are interchangeable (one state per arrangement, the workers sorted: the exact canonical form)`;
}
