// The producer side of the runtime: sends tasks as BullMQ jobs, routes their outcomes back, cancels them.
//
// HOW
// 1. submit(): the cell joins a batch; at the end of the current tick the batch goes out as addBulk,
//    in MULTIs of at most BULK_LIMIT jobs. A cell cancelled before the flush is dropped and never
//    reaches Redis; the others move pending → running as they are sent.
// 2. One QueueEvents reader (one blocking XREAD on the queue's event stream) serves every task:
//    'completed', 'failed' and 'removed' settle the cell with that job id, 'active' marks it started.
//    It starts reading just after the stream's last entry as of create(), so no event is missed.
// 3. cancel (abortRunning): remove the job (works while it waits or sits in backoff: it then never
//    runs); when it is already running, publish its id on the cancel channel; the worker aborts
//    cx.signal and fails the job without retry; that 'failed' event settles the cell as cancelled.
//    While Redis is unreachable no answer can come: the cell settles cancelled at once, and the
//    removal (or the message) goes out when the connection is back (ioredis queues it). The same
//    happens to cells being cancelled when the connection drops.
// 4. A sweep looks up jobs that have been out for a while without an outcome (an event stream trimmed
//    under load, a job removed by hand, a Redis that lost its data) and retries removing cancelled
//    jobs whose worker died, so no handle is ever left hanging.
import { Queue, QueueEvents, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { cancelledError } from '@runtime-traits/kit';
import { closeWithin, within } from './close.js';
import { cancelChannel, encodeCancel } from './control.js';
import { closeQuickly } from './redis.js';
import type { RemoteTaskCell } from './remote-cell.js';
import { decodeError, decodeValue, type TaskJob } from './wire.js';

/** The longest each step of close() waits. */
const CLOSE_MS = 2_000;

export interface DispatcherOptions {
  connection: ConnectionOptions;
  queue: string;
  prefix: string;
  jobOptions: JobsOptions;
  /** How long a job may be out without an outcome before the sweep looks it up. */
  sweepMs: number;
}

type Cell = RemoteTaskCell<unknown>;

/** Most jobs per addBulk call (one MULTI each): small enough that workers start on the first jobs while later ones are still being added. */
const BULK_LIMIT = 100;

export class Dispatcher {
  /** Cells sent (or about to be) whose outcome has not arrived; keyed by job id. */
  private readonly out = new Map<string, Cell>();
  private batch: Array<{ cell: Cell; job: TaskJob; name: string }> = [];
  private flushScheduled = false;
  /** Running jobs told to stop, not yet settled: the sweep tries to remove them again (their worker may have died). */
  private readonly stopping = new Set<Cell>();
  /** Cancel and send operations still talking to Redis; shutdown waits for them. */
  private readonly busy = new Set<Promise<unknown>>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly channel: string;
  remoteActive = 0;

  private constructor(
    private readonly queue: Queue,
    /** The queue's ioredis client: its status says whether Redis can answer now. */
    private readonly client: { status: string },
    private readonly events: QueueEvents,
    private readonly opts: DispatcherOptions,
  ) {
    this.channel = cancelChannel(opts.prefix, opts.queue);
    events.on('completed', ({ jobId, returnvalue }) => this.onCompleted(jobId, returnvalue));
    events.on('failed', ({ jobId, failedReason }) => this.onFailed(jobId, failedReason));
    events.on('removed', ({ jobId }) => this.onRemoved(jobId));
    events.on('active', ({ jobId }) => this.onActive(jobId));
    events.on('error', () => undefined);
    queue.on('error', () => undefined);
    // Connection lost: the outcome of a cancel in progress cannot arrive until Redis is back.
    queue.on('ioredis:close', () => {
      // (fail() of a cell being cancelled settles it with CancelledError carrying the cancel's own reason.)
      for (const cell of this.out.values()) if (cell.cancelling) this.settle(cell.jobId, (c) => c.fail(new Error('connection to Redis lost')));
    });
    // At most 2^31-1 ms: Node turns a longer interval into 1 ms (a sweep every millisecond) with a warning.
    this.sweepTimer = setInterval(() => void this.track(this.sweep()), Math.min(2 ** 31 - 1, Math.max(50, opts.sweepMs / 2)));
    this.sweepTimer.unref();
  }

  static async open(opts: DispatcherOptions): Promise<Dispatcher> {
    const connection = closeQuickly(opts.connection);
    const queue = new Queue(opts.queue, { connection, prefix: opts.prefix });
    try {
      const client = await queue.backend.client as unknown as { status: string; xrevrange?(...args: unknown[]): Promise<unknown> };
      const last = await client.xrevrange?.(queue.keys.events, '+', '-', 'COUNT', 1) as Array<[string, unknown]> | undefined;
      const lastEventId = last && last.length > 0 ? last[0]![0] : '0-0';
      const events = new QueueEvents(opts.queue, { connection, prefix: opts.prefix, lastEventId });
      await events.waitUntilReady();
      return new Dispatcher(queue, client, events, opts);
    } catch (error) {
      await queue.close().catch(() => undefined);
      throw error;
    }
  }

  /** Tasks sent and not yet reported active by a worker, plus those not yet sent. */
  get queued(): number {
    return this.out.size - this.remoteActive + this.batch.length;
  }

  submit(cell: Cell, job: TaskJob, name: string): void {
    this.batch.push({ cell, job, name });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.batch;
    this.batch = [];
    for (let i = 0; i < batch.length; i += BULK_LIMIT) {
      const jobs = [];
      const cells: Cell[] = [];
      for (const { cell, job, name } of batch.slice(i, i + BULK_LIMIT)) {
        if (!cell.start()) continue; // cancelled before it was sent: it never runs
        cell.sentAt = performance.now();
        this.out.set(cell.jobId, cell);
        cells.push(cell);
        jobs.push({ name, data: job, opts: { ...this.opts.jobOptions, jobId: cell.jobId } });
      }
      if (jobs.length === 0) continue;
      // A lone job goes out as a plain add: one script call instead of MULTI/EXEC around it.
      const sent: Promise<unknown> = jobs.length === 1 ? this.queue.add(jobs[0]!.name, jobs[0]!.data, jobs[0]!.opts) : this.queue.addBulk(jobs);
      this.track(sent.catch((error: unknown) => {
        for (const cell of cells) this.settle(cell.jobId, (c) => c.fail(error));
      }));
    }
  }

  /**
   * Stops a sent job: removed if it has not started, else told to abort on whichever worker runs it.
   * With Redis unreachable the cell settles cancelled now; the removal or message goes out once it is back.
   */
  cancel(cell: Cell, reason: unknown): void {
    if (!this.out.has(cell.jobId)) return; // never sent (dropped at the flush) or already settled
    const reachable = this.client.status === 'ready';
    this.track((async () => {
      let removed = 0;
      try {
        removed = await this.queue.remove(cell.jobId);
      } catch {
        removed = 0; // locked by a worker: it is running
      }
      if (removed === 1) {
        this.settle(cell.jobId, (c) => c.fail(cancelledError(reason)));
        return;
      }
      // Not removed: running, or (Redis lost it, or it has just finished) absent. Every worker hears the message;
      // the one running it aborts it, the others remember it for a job they fetch later.
      if (this.out.has(cell.jobId)) this.stopping.add(cell);
      const client = await this.queue.backend.client as unknown as { publish?(channel: string, message: string): Promise<unknown> };
      await client.publish?.(this.channel, encodeCancel(cell.jobId, reason));
    })().catch(() => undefined));
    // In a microtask: TaskCell.cancel() registers its waiter after this returns, and only a later settle resolves it.
    if (!reachable) queueMicrotask(() => this.settle(cell.jobId, (c) => c.fail(cancelledError(reason))));
  }

  private settle(jobId: string, how: (cell: Cell) => void): void {
    const cell = this.out.get(jobId);
    if (!cell) return;
    this.out.delete(jobId);
    this.stopping.delete(cell);
    if (cell.remoteActive) this.remoteActive--;
    how(cell);
  }

  private onCompleted(jobId: string, returnvalue: unknown): void {
    this.settle(jobId, (cell) => {
      let value: unknown;
      try {
        value = decodeValue(String(returnvalue));
      } catch (error) {
        cell.fail(new TypeError(`The result of job ${jobId} could not be decoded: ${(error as Error).message}`));
        return;
      }
      cell.complete(value);
    });
  }

  private onFailed(jobId: string, failedReason: string): void {
    this.settle(jobId, (cell) => cell.fail(decodeError(failedReason, `job ${jobId} on queue ${this.opts.queue}`)));
  }

  private onRemoved(jobId: string): void {
    this.settle(jobId, (cell) => {
      const removed = new Error(`job ${jobId} was removed from queue ${this.opts.queue}`);
      // Our cancel removed it (its 'removed' event may come before remove() answers): fail() settles
      // it cancelled with the caller's reason. Removed by anyone else, or lost with Redis's data: cancelled, the removal as reason.
      if (cell.cancelling) cell.fail(removed);
      else cell.forceCancel(removed);
    });
  }

  private onActive(jobId: string): void {
    const cell = this.out.get(jobId);
    if (cell && !cell.remoteActive) {
      cell.remoteActive = true;
      this.remoteActive++;
    }
  }

  /**
   * Looks up jobs out for longer than sweepMs (oldest first, a bounded number per pass), and tries
   * again to remove jobs told to stop: one whose worker died goes back to waiting, and is removed then.
   */
  private async sweep(): Promise<void> {
    await Promise.all([...this.stopping].map(async (cell) => {
      const removed = await this.queue.remove(cell.jobId).catch(() => 0);
      // fail() of a cell being cancelled settles it with CancelledError carrying the cancel's own reason.
      if (removed === 1) this.settle(cell.jobId, (c) => c.fail(new Error(`job ${cell.jobId} removed after its cancel`)));
    }));
    const now = performance.now();
    const due: Cell[] = [];
    for (const cell of this.out.values()) {
      if (now - cell.sentAt < this.opts.sweepMs) break; // insertion order is send order
      due.push(cell);
      if (due.length >= 200) break;
    }
    for (const cell of due) {
      // Move it to the back, so the next pass looks at others first.
      this.out.delete(cell.jobId);
      this.out.set(cell.jobId, cell);
      cell.sentAt = now;
    }
    await Promise.all(due.map(async (cell) => {
      const job = await this.queue.getJob(cell.jobId);
      if (!this.out.has(cell.jobId)) return;
      if (!job) return this.onRemoved(cell.jobId);
      if (!job.finishedOn) return;
      if (job.failedReason !== undefined && job.failedReason !== null && job.failedReason !== '' && job.returnvalue == null) {
        this.onFailed(cell.jobId, job.failedReason);
      } else {
        this.onCompleted(cell.jobId, job.returnvalue);
      }
    })).catch(() => undefined);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.busy.add(work);
    void work.finally(() => this.busy.delete(work)).catch(() => undefined);
    return work;
  }

  /**
   * Waits for pending sends and cancels, then closes the event reader and the queue; each step at most
   * CLOSE_MS, so a shutdown while Redis is unreachable still ends (BullMQ's close waits for a
   * connection that does not come back). Whatever is still out then is forgotten.
   */
  async close(): Promise<void> {
    if (this.flushScheduled) this.flush();
    clearInterval(this.sweepTimer);
    await within(CLOSE_MS, (async () => { while (this.busy.size > 0) await Promise.allSettled([...this.busy]); })());
    // Both at once; a close that does not end in time ends the connections instead (see close.ts).
    await Promise.all([
      closeWithin(CLOSE_MS, this.events.close(), this.events),
      closeWithin(CLOSE_MS, this.queue.close(), this.queue),
    ]);
    this.out.clear();
    this.stopping.clear();
    this.remoteActive = 0;
  }
}
