// BullMQWorker: takes task jobs from a queue and runs them on a local runtime (what runtime-traits-worker runs).
//
// HOW, per job:
// 1. A cancel already heard for this job id (cancel channel) fails it at once, without retry.
// 2. The module URL is checked against the allow-list, then imported and its export verified (kit's
//    resolveTask). A refusal or a missing export fails the job without retry: retrying cannot help.
// 3. The arguments are decoded and the task spawned on the local runtime (spawnBlocking when the caller
//    used spawnBlocking); a cancel heard on the channel cancels that local task (its cx.signal aborts).
// 4. The result goes back encoded (JSON or v8, see wire.ts); an error as an encoded failedReason. A task's own
//    error may be retried (the job's attempts); a cancelled task's never is (UnrecoverableError).
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Runtime, Task, TaskDef } from '@runtime-traits/core';
import { checkCount, checkHost, checkOptions } from '@runtime-traits/core/kit';
import { cancelledError, resolveTask } from '@runtime-traits/kit';
import { cancelChannel, decodeCancel } from '../internal/control.js';
import type { Redis } from 'ioredis';
import { closeWithin, endConnection, within } from '../internal/close.js';
import { checkQueueName } from '../internal/queue-name.js';
import { closeQuickly, probeRedis, subscriber } from '../internal/redis.js';
import { decodeValue, encodeError, encodeValue, type TaskJob } from '../internal/wire.js';
import { AllowList } from './allow-list.js';

/** Errors of a job this worker refuses to run (its def is not exported, or its module not allowed): they are not retried. */
const refusals = new WeakSet<object>();

/** Options of `BullMQWorker.start()`. */
export interface BullMQWorkerOptions {
  /** Redis: `redis://host:port`. */
  redis: string;
  /** The queue to take jobs from: the `queue` the BullMQRuntime was made with. */
  queue: string;
  /** BullMQ key prefix. Default 'bull'. */
  prefix?: string;
  /** Jobs run at once. */
  concurrency: number;
  /** Runs the tasks; shut down by close(). */
  local: Runtime;
  /** Directories whose modules jobs may name. */
  allow: readonly string[];
  /** A progress line every this many finished jobs (0: none). */
  progressEvery?: number;
  /** BullMQ lock: a worker silent this long is presumed dead and its job given to another. Default 30 000. */
  lockDuration?: number;
  /** How often BullMQ looks for jobs of dead workers. Default 30 000. */
  stalledInterval?: number;
  /** Where progress lines go. Default console.log. */
  log?: (line: string) => void;
}

/** How long a cancel for a job this worker is not (yet) running is remembered. */
const RECENT_CANCEL_MS = 60_000;

/** The longest close() waits for Redis at each step (running jobs themselves are waited for without a limit). */
const CLOSE_MS = 2_000;

class Refusal extends Error {}

/** A job running on this worker. `task` is set once spawned; a cancel before that is applied right after. */
interface Running {
  task: Task<unknown> | undefined;
  cancelled: boolean;
  reason: unknown;
}

/**
 * Takes task jobs from a BullMQ queue and runs them on a local runtime: what the `runtime-traits-worker`
 * CLI runs. Only modules under `allow` may be imported; a job naming another fails without retry.
 */
export class BullMQWorker {
  /** Jobs that finished with a result. */
  done = 0;
  /** Jobs that finished with an error (each try counts). */
  failed = 0;
  private readonly worker: Worker;
  private readonly subscriber: Redis;
  private readonly allow: AllowList;
  /** Jobs running here: job id → its local task (once spawned) and whether a cancel arrived. */
  private readonly running = new Map<string, Running>();
  /** The processor calls not yet returned: a graceful close waits for them. */
  private readonly processing = new Set<Promise<string>>();
  /** Task defs already imported and verified, by "module#name". */
  private readonly resolved = new Map<string, TaskDef<unknown[], unknown>>();
  /** Cancels heard for jobs not running here: job id → [reason, when]. */
  private readonly recentCancels = new Map<string, { reason: unknown; at: number }>();
  private closing: Promise<void> | undefined;

  /** A worker taking jobs. Rejects (and releases its connections) when Redis cannot be reached. */
  static async start(opts: BullMQWorkerOptions): Promise<BullMQWorker> {
    const options = checkOptions<BullMQWorkerOptions>(opts);
    if (!options) throw new TypeError('opts must be an options object');
    checkHost(options.redis, 'opts.redis');
    checkQueueName(options.queue, 'opts.queue');
    checkCount(options.concurrency, 'opts.concurrency');
    if (typeof options.local !== 'object' || options.local === null || !('executor' in options.local)) {
      throw new TypeError('opts.local must be a Runtime');
    }
    await probeRedis({ url: options.redis });
    const worker = new BullMQWorker(options);
    try {
      await worker.ready();
    } catch (error) {
      await worker.worker.close(true).catch(() => undefined);
      worker.subscriber.disconnect();
      throw error;
    }
    return worker;
  }

  private constructor(private readonly opts: BullMQWorkerOptions) {
    this.allow = new AllowList(opts.allow);
    const connection: ConnectionOptions = closeQuickly({ url: opts.redis });
    const prefix = opts.prefix ?? 'bull';
    this.subscriber = subscriber(opts.redis);
    this.subscriber.on('message', (_channel: string, text: string) => this.onCancel(text));
    this.worker = new Worker(opts.queue, (job) => this.track(this.process(job)), {
      connection,
      prefix,
      concurrency: opts.concurrency,
      autorun: false,
      lockDuration: opts.lockDuration ?? 30_000,
      stalledInterval: opts.stalledInterval ?? 30_000,
    });
    this.worker.on('error', () => undefined);
    this.worker.on('completed', () => this.count(true));
    this.worker.on('failed', () => this.count(false));
  }

  private async ready(): Promise<void> {
    await this.subscriber.subscribe(cancelChannel(this.opts.prefix ?? 'bull', this.opts.queue));
    await this.worker.waitUntilReady();
    void this.worker.run().catch(() => undefined);
  }

  private count(ok: boolean): void {
    if (ok) this.done++;
    else this.failed++;
    const every = this.opts.progressEvery ?? 0;
    const total = this.done + this.failed;
    if (every > 0 && total % every === 0) {
      (this.opts.log ?? console.log)(`runtime-traits-worker ${process.pid}: ${total} jobs finished on queue ${this.opts.queue} (${this.done} ok, ${this.failed} failed)`);
    }
  }

  private onCancel(text: string): void {
    const message = decodeCancel(text);
    if (!message) return;
    const run = this.running.get(message.jobId);
    if (run) {
      if (!run.cancelled) {
        run.cancelled = true;
        run.reason = message.reason;
        void run.task?.cancel(message.reason);
      }
      return;
    }
    const now = Date.now();
    this.recentCancels.set(message.jobId, { reason: message.reason, at: now });
    for (const [id, entry] of this.recentCancels) {
      if (now - entry.at < RECENT_CANCEL_MS) break;
      this.recentCancels.delete(id);
    }
  }

  private track(work: Promise<string>): Promise<string> {
    this.processing.add(work);
    void work.finally(() => this.processing.delete(work)).catch(() => undefined);
    return work;
  }

  private async process(job: Job): Promise<string> {
    const id = job.id!;
    const heard = this.recentCancels.get(id);
    if (heard) {
      this.recentCancels.delete(id);
      throw new UnrecoverableError(encodeError(cancelledError(heard.reason)));
    }
    const run: Running = { task: undefined, cancelled: false, reason: undefined };
    this.running.set(id, run);
    try {
      const data = job.data as TaskJob;
      const def = this.resolved.get(`${data?.m}#${data?.n}`) ?? await this.resolve(data);
      let args: unknown[];
      try {
        args = decodeValue(data.a) as unknown[];
      } catch (error) {
        throw new Refusal(`args of job ${id} could not be decoded: ${(error as Error).message}`);
      }
      if (run.cancelled) throw cancelledError(run.reason);
      const executor = this.opts.local.executor;
      const task = data.b === 1 ? executor.spawnBlocking(def, args) : executor.spawn(def, args);
      run.task = task;
      const result = await task;
      try {
        return encodeValue(result);
      } catch (error) {
        throw new Refusal(`the result of ${data.n} cannot be sent back: ${(error as Error).message}`);
      }
    } catch (error) {
      throw this.failure(error, run);
    } finally {
      this.running.delete(id);
    }
  }

  private async resolve(data: TaskJob): Promise<TaskDef<unknown[], unknown>> {
    if (typeof data?.m !== 'string' || typeof data.n !== 'string' || typeof data.a !== 'string') {
      throw new Refusal('the job is not a runtime-traits task (expected { m, n, a })');
    }
    try {
      this.allow.check(data.m);
      const def = await resolveTask({ module: data.m, name: data.n, fn: () => undefined });
      this.resolved.set(`${data.m}#${data.n}`, def);
      return def;
    } catch (error) {
      if (typeof error === 'object' && error !== null) refusals.add(error); // (a mark of our own: a field on it would travel to the caller)
      throw error;
    }
  }

  /** What the processor throws: retried only when the task itself failed and was not cancelled. */
  private failure(error: unknown, run: Running): Error {
    if (run.cancelled) return new UnrecoverableError(encodeError(cancelledError(run.reason)));
    const refused = error instanceof Refusal ? new TypeError(error.message)
      : typeof error === 'object' && error !== null && refusals.has(error) ? error : undefined;
    if (refused) return new UnrecoverableError(encodeError(refused));
    const wrapped = new Error(encodeError(error));
    if (error instanceof Error && error.stack) wrapped.stack = error.stack;
    return wrapped;
  }

  /**
   * Stops taking jobs. Graceful: running jobs finish first. `force`: running jobs are abandoned
   * in Redis, where BullMQ's stalled-job check gives them to another worker. Past the running jobs,
   * each wait for Redis lasts CLOSE_MS at most (then the connection is dropped), so that close()
   * ends, and the process can exit, while Redis is unreachable.
   */
  close(force = false): Promise<void> {
    this.closing ??= (async () => {
      const closed = this.worker.close(force).catch(() => undefined);
      if (!force) while (this.processing.size > 0) await Promise.allSettled([...this.processing]);
      await closeWithin(CLOSE_MS, closed, this.worker);
      if (!(await within(CLOSE_MS, this.subscriber.quit()))) endConnection(this.subscriber);
      await this.opts.local.shutdown();
    })();
    return this.closing;
  }
}
