// BlockingPool: a lazily started set of worker threads for blocking work, one job per thread at a time.
//
// HOW: spawnBlocking queues a job; a pump (one microtask after the spawn, so a task cancelled at
// once never starts) hands queued jobs to idle workers, starting new ones up to `maxThreads`.
// A busy worker is ref'd (its task's result is awaited; the process must not exit under it); an
// idle one is unref'd and ends after `idleMs`, so an idle pool never holds the process open.
// A worker that dies (uncaught error, process.exit, out of memory) fails its job with
// WorkerCrashedError and is dropped; the next job starts a fresh one. close() terminates them all.
import { Worker, type Transferable as WorkerTransferable } from 'node:worker_threads';
import { RuntimeShutdownError, WorkerCrashedError, type TaskDef } from '@runtime-traits/core';
import { decodeError, encodeError, type ErrorRecord } from '@runtime-traits/core/kit';
import { TaskCell, type TaskOwner } from '@runtime-traits/kit';
import { workerExecArgv } from './worker-exec-argv.js';

const WORKER_URL = new URL('./internal/blocking-worker.js', import.meta.url);
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Job {
  cell: BlockingCell<unknown>;
  def: TaskDef<unknown[], unknown>;
  args: unknown[];
  transfer: Transferable[] | undefined;
}

interface PoolWorker {
  readonly worker: Worker;
  /** The job it runs; undefined while idle. */
  job: Job | undefined;
  idleTimer: NodeJS.Timeout | undefined;
  lastError: unknown;
  /** Its module loaded and it said so: a death before that means it could not start. */
  started: boolean;
}

type FromWorker = { type: 'ready' } | { type: 'done'; id: number; ok: boolean; value?: unknown; error?: ErrorRecord };

/** A Task whose body runs on a pool thread; cancelling it tells that thread. */
export class BlockingCell<T> extends TaskCell<T> {
  declare private pool: BlockingPool;

  constructor(id: number, owner: TaskOwner, name: string | undefined, signal: AbortSignal | undefined, pool: BlockingPool) {
    super(id, owner, name, signal);
    this.pool = pool;
  }

  protected override abortRunning(reason: unknown): void {
    super.abortRunning(reason);
    this.pool?.cancel(this as BlockingCell<unknown>, reason);
  }
}

export class BlockingPool {
  // Invariants: a worker is in `idle` iff its job is undefined; `queue` holds jobs not yet handed out.
  private readonly workers = new Set<PoolWorker>();
  private idle: PoolWorker[] = [];
  private queue: Job[] = [];
  private pumpScheduled = false;
  private closing = false;

  constructor(readonly maxThreads: number, readonly idleMs: number) {}

  submit(cell: BlockingCell<unknown>, def: TaskDef<unknown[], unknown>, args: unknown[], transfer?: Transferable[]): void {
    if (this.closing) {
      cell.forceCancel(new RuntimeShutdownError());
      return;
    }
    this.queue.push({ cell, def, args, transfer });
    if (!this.pumpScheduled) {
      this.pumpScheduled = true;
      queueMicrotask(this.pump);
    }
  }

  cancel(cell: BlockingCell<unknown>, reason: unknown): void {
    for (const w of this.workers) {
      if (w.job?.cell === cell) {
        w.worker.postMessage({ type: 'cancel', id: cell.id, reason: reason === undefined ? undefined : encodeError(reason) });
        return;
      }
    }
  }

  metrics(): { blockingThreads: number; blockingBusy: number; blockingQueued: number } {
    return { blockingThreads: this.workers.size, blockingBusy: this.workers.size - this.idle.length, blockingQueued: this.queue.length };
  }

  /** Terminates every worker; running jobs fail with RuntimeShutdownError unless already settled. Idempotent. */
  async close(): Promise<void> {
    this.closing = true;
    const error = new RuntimeShutdownError();
    for (const job of this.queue) job.cell.forceCancel(error);
    this.queue = [];
    const all = [...this.workers];
    this.workers.clear();
    this.idle = [];
    await Promise.all(all.map((w) => {
      if (w.idleTimer) clearTimeout(w.idleTimer);
      w.job?.cell.forceCancel(error);
      w.job = undefined;
      return w.worker.terminate().catch(() => undefined);
    }));
  }

  private readonly pump = (): void => {
    this.pumpScheduled = false;
    while (this.queue.length > 0 && !this.closing) {
      const job = this.queue[0]!;
      if (job.cell.isSettled()) {
        this.queue.shift();
        continue;
      }
      let w: PoolWorker | undefined;
      try {
        w = this.idle.pop() ?? (this.workers.size < this.maxThreads ? this.startWorker() : undefined);
      } catch (error) {
        this.queue.shift();
        job.cell.fail(cannotStart(job.cell.id, error));
        continue;
      }
      if (!w) return;
      this.queue.shift();
      this.dispatch(w, job);
    }
  };

  private dispatch(w: PoolWorker, job: Job): void {
    if (!job.cell.start()) {
      this.makeIdle(w);
      return;
    }
    if (w.idleTimer) clearTimeout(w.idleTimer);
    w.idleTimer = undefined;
    w.job = job;
    w.worker.ref();
    const message = { type: 'run', id: job.cell.id, module: job.def.module, name: job.def.name, args: job.args };
    try {
      w.worker.postMessage(message, job.transfer as readonly WorkerTransferable[] | undefined);
    } catch (error) {
      w.job = undefined;
      job.cell.fail(new TypeError(`args cannot be sent to a blocking thread: ${(error as Error).message}`, { cause: error }));
      this.makeIdle(w);
    }
  }

  private makeIdle(w: PoolWorker): void {
    w.job = undefined;
    w.worker.unref();
    this.idle.push(w);
    // Node runs a timer past 2^31 - 1 ms after 1 ms (with a warning): longer is as good as for ever.
    w.idleTimer = setTimeout(() => this.retire(w), Math.min(this.idleMs, MAX_TIMER_MS)).unref();
  }

  private retire(w: PoolWorker): void {
    const at = this.idle.indexOf(w);
    if (at < 0) return;
    this.idle.splice(at, 1);
    this.workers.delete(w);
    void w.worker.terminate().catch(() => undefined);
  }

  private startWorker(): PoolWorker {
    const worker = new Worker(WORKER_URL, { execArgv: workerExecArgv() });
    const w: PoolWorker = { worker, job: undefined, idleTimer: undefined, lastError: undefined, started: false };
    this.workers.add(w);
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') w.started = true;
      else this.onDone(w, message);
    });
    worker.on('error', (error) => { w.lastError = error; });
    worker.on('messageerror', (error) => { w.lastError = error; });
    worker.on('exit', (code) => this.onExit(w, code));
    return w;
  }

  private onDone(w: PoolWorker, message: Extract<FromWorker, { type: 'done' }>): void {
    const job = w.job;
    if (!job || job.cell.id !== message.id) return;
    if (message.ok) job.cell.complete(message.value);
    else job.cell.fail(decodeError(message.error!));
    this.makeIdle(w);
    this.pump();
  }

  private onExit(w: PoolWorker, code: number): void {
    if (!this.workers.delete(w)) return; // retired or closed on purpose
    const at = this.idle.indexOf(w);
    if (at >= 0) this.idle.splice(at, 1);
    if (w.idleTimer) clearTimeout(w.idleTimer);
    const job = w.job;
    w.job = undefined;
    if (job && !w.started) {
      job.cell.fail(cannotStart(job.cell.id, w.lastError ?? new Error(`it exited with code ${code}`)));
    } else if (job) {
      const why = w.lastError instanceof Error ? `: ${w.lastError.message}` : ` with exit code ${code}`;
      job.cell.fail(new WorkerCrashedError(`The blocking thread running task ${job.cell.id} died${why}`, { cause: w.lastError }));
    }
    this.pump();
  }
}

/** The failure of a task whose blocking thread could not be started (or died before its module loaded). */
function cannotStart(id: number, cause: unknown): WorkerCrashedError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new WorkerCrashedError(`A blocking thread for task ${id} could not start: ${why}`, { cause });
}
