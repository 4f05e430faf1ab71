// The worker threads of a parallel search. They start in the background: the coordinator expands the
// first, small levels itself and hands levels out once the threads are ready, so a small search
// never waits for them.
import { Worker } from 'node:worker_threads';
import type { ExpandSettings } from './expand.ts';
import type { LevelReport, LevelSpec } from './level.ts';
import type { WorkerSource } from './source.ts';

type Reply = { type: 'ready'; steps: string[]; layout: string } | { type: 'report'; report: LevelReport } | { type: 'failed'; message: string };

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<Worker, (r: Reply) => void>();
  /** Set once every thread has built the model: null, or why the threads cannot be used. */
  failure: string | null = null;
  ready = false;
  private readonly started: Promise<void>;

  constructor(n: number, source: WorkerSource, settings: ExpandSettings, expect: { steps: readonly string[]; layout: string }) {
    const data = { source, settings: { ...settings, stopping: [...settings.stopping] } };
    const starts: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      let worker: Worker;
      try {
        worker = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: data });
      } catch (e) {
        this.failure = `the worker threads could not start (${e instanceof Error ? e.message : String(e)})`;
        break;
      }
      this.workers.push(worker);
      worker.on('message', (r: Reply) => this.pending.get(worker)?.(r));
      worker.on('error', (e) => this.pending.get(worker)?.({ type: 'failed', message: e.message }));
      worker.on('exit', (code) => this.pending.get(worker)?.({ type: 'failed', message: `worker thread exited (code ${code})` }));
      starts.push(
        this.next(worker).then((r) => {
          if (r.type === 'failed') throw new Error(r.message);
          if (r.type === 'ready' && (r.steps.join() !== expect.steps.join() || r.layout !== expect.layout)) {
            throw new Error('a worker thread built another model (steps or state layout differ)');
          }
        }),
      );
    }
    this.started = Promise.all(starts).then(
      () => {
        if (this.failure === null) this.ready = true;
      },
      (e: unknown) => {
        this.failure = `the worker threads could not load the model (${e instanceof Error ? e.message : String(e)})`;
      },
    );
    // Unused while starting: an unreferenced thread does not keep the process alive.
    for (const w of this.workers) w.unref();
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

  private next(worker: Worker): Promise<Reply> {
    return new Promise((resolve) => this.pending.set(worker, (r) => {
      this.pending.delete(worker);
      resolve(r);
    }));
  }

  /** Sends the level to every thread; resolves with their reports once all are done. */
  async run(level: LevelSpec): Promise<LevelReport[]> {
    const replies = this.workers.map((w) => this.next(w));
    for (const w of this.workers) w.postMessage(level);
    this.hold(true);
    const all = await Promise.all(replies);
    this.hold(false);
    const reports: LevelReport[] = [];
    for (const r of all) {
      if (r.type !== 'report') throw new Error(`a worker thread failed: ${r.type === 'failed' ? r.message : 'unexpected reply'}`);
      reports.push(r.report);
    }
    return reports;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
