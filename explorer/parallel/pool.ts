// The worker threads of a parallel search. They start in the background: the coordinator expands the
// first, small levels itself and hands levels out once the threads are ready, so a small search
// never waits for them. A finished search's threads are kept, idle, for the next search of the same
// size in the process, which has them build its own model.
import { Worker } from 'node:worker_threads';
import type { ExpandSettings } from './expand.ts';
import type { LevelReport, LevelSpec } from './level.ts';
import type { WorkerSource } from './source.ts';

type Reply = { type: 'ready'; steps: string[]; layout: string } | { type: 'report'; report: LevelReport } | { type: 'grown'; capacity: number } | { type: 'failed'; message: string };

/** What a thread builds its model from; the first is its workerData, a later one a message. */
export interface PoolLoad {
  readonly source: WorkerSource;
  readonly settings: Omit<ExpandSettings, 'stopping'> & { readonly stopping: readonly string[] };
}

interface Expect {
  readonly steps: readonly string[];
  readonly layout: string;
}

/** Pools a search has finished with, their threads idle, for the next search in this process. */
const idle: WorkerPool[] = [];

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<Worker, (r: Reply) => void>();
  /** Replies that came before they were awaited (a thread's second reply to a level). */
  private readonly inbox = new Map<Worker, Reply[]>();
  /** Set once every thread has built the model: null, or why the threads cannot be used. */
  failure: string | null = null;
  ready = false;
  /** A thread died or failed: the pool is never used again. */
  private broken = false;
  private started: Promise<void> = Promise.resolve();
  /** Threads this process has started, for a test that they are reused. */
  static threadsStarted = 0;

  /**
   * The threads for a search: an idle pool of that size, which builds the search's model (starting
   * threads is most of a small parallel search's time: they load the TypeScript loader and the
   * explorer), or new threads.
   */
  static acquire(n: number, source: WorkerSource, settings: ExpandSettings, expect: Expect): WorkerPool {
    const load = toLoad(source, settings);
    // An idle thread that died (an exit, an uncaught error) takes its pool out of use.
    for (let k = idle.length - 1; k >= 0; k--) if (idle[k]!.broken) idle.splice(k, 1);
    const i = idle.findIndex((p) => p.size === n);
    if (i < 0) return new WorkerPool(n, load, expect);
    const pool = idle.splice(i, 1)[0]!;
    pool.load(load, expect);
    return pool;
  }

  private constructor(n: number, load: PoolLoad, expect: Expect) {
    for (let i = 0; i < n; i++) {
      let worker: Worker;
      try {
        worker = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: load });
      } catch (e) {
        this.failure = `the worker threads could not start (${e instanceof Error ? e.message : String(e)})`;
        this.broken = true;
        break;
      }
      this.workers.push(worker);
      WorkerPool.threadsStarted++;
      worker.on('message', (r: Reply) => this.deliver(worker, r));
      worker.on('error', (e) => {
        this.broken = true;
        this.deliver(worker, { type: 'failed', message: e.message });
      });
      worker.on('exit', (code) => {
        this.broken = true;
        this.deliver(worker, { type: 'failed', message: `worker thread exited (code ${code})` });
      });
    }
    void this.whenLoaded(expect);
  }

  /** Makes every thread build the model of `load` (a pool taken from the idle ones). */
  private load(load: PoolLoad, expect: Expect): void {
    this.ready = false;
    this.failure = null;
    // The answers are awaited before the messages go, so that none is missed.
    void this.whenLoaded(expect);
    for (const w of this.workers) w.postMessage({ load });
  }

  /** Waits for every thread's answer to its load: ready (with the same model) or failed. */
  private whenLoaded(expect: Expect): Promise<void> {
    const starts = this.workers.map((worker) =>
      this.next(worker).then((r) => {
        if (r.type === 'failed') throw new Error(r.message);
        if (r.type === 'ready' && (r.steps.join() !== expect.steps.join() || r.layout !== expect.layout)) {
          throw new Error('a worker thread built another model (steps or state layout differ)');
        }
      }),
    );
    this.started = Promise.all(starts).then(
      () => {
        if (this.failure === null) this.ready = true;
      },
      (e: unknown) => {
        this.broken = true;
        this.failure = `the worker threads could not load the model (${e instanceof Error ? e.message : String(e)})`;
      },
    );
    // Unused while starting: an unreferenced thread does not keep the process alive.
    for (const w of this.workers) w.unref();
    return this.started;
  }

  get size(): number {
    return this.workers.length;
  }

  /** Waits for the threads (for a search that needs them now). */
  async whenStarted(): Promise<void> {
    this.hold(true);
    await this.started;
    this.hold(false);
  }

  /** While the coordinator awaits the threads, they must keep the process alive. */
  private hold(on: boolean): void {
    for (const w of this.workers) {
      if (on) w.ref();
      else w.unref();
    }
  }

  private deliver(worker: Worker, r: Reply): void {
    const take = this.pending.get(worker);
    if (take) take(r);
    else this.inbox.set(worker, [...(this.inbox.get(worker) ?? []), r]);
  }

  private next(worker: Worker): Promise<Reply> {
    const waiting = this.inbox.get(worker);
    if (waiting?.length) return Promise.resolve(waiting.shift()!);
    return new Promise((resolve) => this.pending.set(worker, (r) => {
      this.pending.delete(worker);
      resolve(r);
    }));
  }

  /**
   * Sends the level to every thread; resolves with their reports once all are done. The first
   * thread grows the table after the level where `level.growAfter` (`grown`).
   */
  async run(level: LevelSpec): Promise<LevelReport[]> {
    const replies = this.workers.map((w) => this.next(w));
    this.workers.forEach((w, i) => w.postMessage({ ...level, grower: i === 0 }));
    this.hold(true);
    try {
      // At the first failure: the other threads wait at the level's end for the one that failed.
      return await Promise.all(replies.map((p) => p.then(reportOf)));
    } finally {
      this.hold(false);
    }
  }

  /** The table's capacity once the first thread has grown it after the level (`run`). */
  async grown(): Promise<number> {
    this.hold(true);
    const r = await this.next(this.workers[0]!);
    this.hold(false);
    if (r.type !== 'grown') throw new Error(`a worker thread failed: ${r.type === 'failed' ? r.message : 'unexpected reply'}`);
    return r.capacity;
  }

  /**
   * The search is over: a pool whose threads all built its model and answered every level waits,
   * idle and unreferenced, for the next search in this process (one per size); any other ends.
   */
  async release(): Promise<void> {
    if (!this.ready || this.broken || idle.some((p) => p.size === this.size)) return this.close();
    idle.push(this);
  }

  async close(): Promise<void> {
    this.broken = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function reportOf(r: Reply): LevelReport {
  if (r.type !== 'report') throw new Error(`a worker thread failed: ${r.type === 'failed' ? r.message : 'unexpected reply'}`);
  return r.report;
}

function toLoad(source: WorkerSource, settings: ExpandSettings): PoolLoad {
  return { source, settings: { ...settings, stopping: [...settings.stopping] } };
}
