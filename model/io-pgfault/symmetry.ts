// The iopf workqueue's workers are interchangeable: it is WQ_UNBOUND, any idle worker takes the next
// work item, and nothing in the state refers to a worker by its index (no lock owner, no wait on a
// particular worker: iopf_queue_flush_dev's flush_workqueue waits for all of them). A config that
// declares `symmetry: ["workers"]` has the search keep one state per arrangement of the workers: the
// one with the workers in the order of their encodings. Sorting gives the exact canonical form here,
// since the workers are the only permuted part and each is compared whole.
import { encodeToArray, type Codec } from '../../explorer/codec.ts';
import { compareKeys } from '../canonical.ts';
import type { IopfParams } from '../params.ts';
import type { State } from '../state.ts';
import { workerCodec, type Worker } from './state.ts';

const codecs = new WeakMap<IopfParams, Codec<Worker>>();

/** The state with its workers in the order of their encodings (a new state; `s` is not changed). */
export function sortWorkers(s: State, c: IopfParams): State {
  if (s.workers.length < 2) return s;
  const codec = codecs.get(c) ?? workerCodec(c);
  codecs.set(c, codec);
  const keyed = s.workers.map((w) => ({ w, key: encodeToArray(codec, w) }));
  keyed.sort((a, b) => compareKeys(a.key, b.key));
  return keyed.every((k, i) => k.w === s.workers[i]) ? s : { ...s, workers: keyed.map((k) => k.w) };
}

/** The symmetry the params declare, for the report, or undefined. */
export function workerSymmetry(c: IopfParams): string | undefined {
  if (!c.symmetry?.includes('workers') || c.workers < 2) return undefined;
  return `symmetry reduction: the ${c.workers} iopf workers are interchangeable (one state per arrangement, the workers sorted: the exact canonical form)`;
}
