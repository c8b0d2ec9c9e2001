// BullMQRuntime: a Runtime whose spawn sends portable tasks to worker machines through BullMQ and Redis.
import { randomBytes } from 'node:crypto';
import type { ConnectionOptions } from 'bullmq';
import type {
  Awaitable, Capability, Executor, Reactor, Runtime, RuntimeMetrics, RuntimeOptions, ShutdownOptions, SpawnOptions, Task,
  TaskContext, TaskDef,
} from '@runtime-traits/core';
import { checkCount, checkFunction, checkHost, checkMs, checkOptions, checkPort, checkShutdownOptions, checkSpawn, show } from '@runtime-traits/core/kit';
import { TaskSet, type TaskOwner } from '@runtime-traits/kit';
import { Dispatcher } from './internal/dispatcher.js';
import { checkQueueName } from './internal/queue-name.js';
import { probeRedis } from './internal/redis.js';
import { RemoteTaskCell } from './internal/remote-cell.js';
import { encodeValue, type TaskJob } from './internal/wire.js';

/** The wait between tries of a failed task: a fixed number of ms, or BullMQ's `{ type, delay }`. */
export type Backoff = number | {
  /** `fixed`: `delay` every time; `exponential`: `delay`, then twice that, and so on. */
  type: 'fixed' | 'exponential';
  /** Milliseconds (the first wait, for `exponential`). */
  delay: number;
};

/** Options of `BullMQRuntime.create()`; invalid values throw `TypeError`/`RangeError` naming the option. */
export interface BullMQRuntimeOptions extends RuntimeOptions {
  /** Redis: a `redis://host:port` URL or BullMQ connection options. Default `redis://127.0.0.1:6379`. */
  connection?: string | ConnectionOptions;
  /** The BullMQ queue the workers listen on. Default `'runtime-traits'`. */
  queue?: string;
  /** BullMQ key prefix. Default `'bull'`. */
  prefix?: string;
  /** This process's runtime: provides join, yieldNow and the reactor. Default: a new NodeRuntime. Shut down with this runtime. */
  local?: Runtime;
  /** Tries per task (a task that throws is retried until this many tries failed). Default 1. */
  attempts?: number;
  /** Wait between tries: ms (fixed) or BullMQ's `{ type, delay }`. Default exponential from 1000 ms. */
  backoff?: Backoff;
  /** A task out this long without an outcome is looked up in Redis (lost-event safety net). Default 10 000 ms. */
  sweepMs?: number;
}

const OWN_CAPABILITIES: readonly Capability[] = ['spawn.distributed', 'spawn.parallel', 'spawn.blocking'];

/**
 * A distributed runtime: `spawn` and `spawnBlocking` send portable tasks as BullMQ jobs to worker
 * processes (`runtime-traits-worker`, or {@link BullMQWorker}) on any machine sharing the Redis;
 * results, errors (rebuilt in their own class) and cancellations travel back. `spawnLocal`, `join`,
 * `yieldNow` and the reactor are the local runtime's. Arguments and results must be serialisable.
 * Capabilities: `spawn.distributed`, `spawn.parallel`, `spawn.blocking` and the local runtime's `net.*`.
 */
export class BullMQRuntime implements Runtime {
  readonly name = 'bullmq';
  readonly executor: Executor;
  readonly reactor: Reactor;
  readonly capabilities: ReadonlySet<Capability>;
  /** The queue's name, as the workers must be started with. */
  readonly queue: string;
  private readonly tasks: TaskSet;
  private readonly tag = `rt${randomBytes(6).toString('hex')}`;
  private stopping: Promise<void> | undefined;

  /** A started runtime: connected to Redis and listening for results. */
  static async create(opts?: BullMQRuntimeOptions): Promise<BullMQRuntime> {
    const options = checkOptions<BullMQRuntimeOptions>(opts) ?? {};
    if (options.onUnhandledError !== undefined) checkFunction(options.onUnhandledError, 'opts.onUnhandledError');
    const queue = options.queue === undefined ? 'runtime-traits' : checkQueueName(options.queue, 'opts.queue');
    const prefix = options.prefix === undefined ? 'bull' : checkHost(options.prefix, 'opts.prefix');
    const attempts = options.attempts === undefined ? 1 : checkCount(options.attempts, 'opts.attempts');
    const backoff = checkBackoff(options.backoff);
    const sweepMs = options.sweepMs === undefined ? 10_000 : checkMs(options.sweepMs, 'opts.sweepMs');
    const connection = toConnection(options.connection);
    if (options.local !== undefined) checkLocal(options.local);
    await probeRedis(connection);
    const local = options.local ?? await defaultLocal();
    let dispatcher: Dispatcher;
    try {
      dispatcher = await Dispatcher.open({
        connection, queue, prefix, sweepMs,
        jobOptions: {
          ...(attempts > 1 ? { attempts, backoff } : {}),
          // Kept a while after the outcome, so the sweep can still read an outcome whose event was lost.
          removeOnComplete: { age: 3600 },
          removeOnFail: { age: 24 * 3600 },
        },
      });
    } catch (error) {
      if (!options.local) await local.shutdown().catch(() => undefined);
      throw error;
    }
    return new BullMQRuntime(local, dispatcher, queue, options.onUnhandledError);
  }

  private constructor(
    private readonly local: Runtime,
    private readonly dispatcher: Dispatcher,
    queue: string,
    onUnhandledError: RuntimeOptions['onUnhandledError'],
  ) {
    this.queue = queue;
    this.reactor = local.reactor;
    const capabilities = new Set<Capability>([...local.capabilities].filter((c) => !c.startsWith('spawn.')));
    for (const capability of OWN_CAPABILITIES) capabilities.add(capability);
    this.capabilities = capabilities;
    this.tasks = new TaskSet(this, onUnhandledError);
    this.executor = {
      spawn: (def, args, opts) => this.spawnRemote(def, args, opts, false),
      spawnBlocking: (def, args, opts) => this.spawnRemote(def, args, opts, true),
      spawnLocal: (fn, opts) => this.spawnHere(fn, opts),
      join: (a, aArgs, b, bArgs) => local.executor.join(a, aArgs, b, bArgs),
      yieldNow: () => local.executor.yieldNow(),
    };
  }

  private spawnRemote<A extends unknown[], R>(def: TaskDef<A, R>, args: A, options: SpawnOptions | undefined, blocking: boolean): Task<R> {
    // The checked copy from here on: the caller's object may have getters that answer differently (or throw) when read again.
    const opts = checkSpawn(def, args, options);
    this.tasks.admit();
    const job: TaskJob = { m: def.module, n: def.name, a: encodeValue(args) };
    if (blocking) job.b = 1;
    const cell = this.tasks.create<R>(opts, (id, owner: TaskOwner, name, signal) =>
      new RemoteTaskCell<R>(id, owner, name, signal, this.tag, (c, reason) => this.dispatcher.cancel(c as RemoteTaskCell<unknown>, reason)));
    if (!cell.isSettled()) this.dispatcher.submit(cell as RemoteTaskCell<unknown>, job, def.name);
    return cell.handle;
  }

  private spawnHere<R>(fn: (cx: TaskContext) => Awaitable<R>, opts?: SpawnOptions): Task<R> {
    return this.tasks.spawnLocal(fn, opts);
  }

  run<T>(main: (cx: TaskContext) => Awaitable<T>): Promise<T> {
    return this.tasks.run(main);
  }

  /** Cancels what is left (after `graceMs`), waits for those cancels to reach Redis, closes the queue and the local runtime. */
  shutdown(opts?: ShutdownOptions): Promise<void> {
    const graceMs = checkShutdownOptions(opts);
    this.stopping ??= this.stop(graceMs);
    return this.stopping;
  }

  private async stop(graceMs: number): Promise<void> {
    const clock = this.local.reactor.clock;
    await this.tasks.shutdown(graceMs, (ms, signal) => clock.sleep(ms, { signal }));
    await this.dispatcher.close();
    await this.local.shutdown();
  }

  metrics(): RuntimeMetrics {
    return { ...this.tasks.counters(this.dispatcher.queued), remoteActive: this.dispatcher.remoteActive };
  }

  /** `await using`: the same as `shutdown()` with no grace period. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}

/**
 * `opts.local`: all of a Runtime that this one uses (its executor, reactor, capabilities, shutdown),
 * checked before Redis is touched — a lookalike refused later, from the constructor, would leave the
 * queue's Redis connections open and the process would not exit.
 */
function checkLocal(value: unknown): asserts value is Runtime {
  let ok: boolean;
  try {
    const rt = value as Partial<Runtime> | null;
    ok = typeof rt === 'object' && rt !== null && typeof rt.executor === 'object' && rt.executor !== null
      && typeof rt.reactor === 'object' && rt.reactor !== null && typeof rt.shutdown === 'function'
      && typeof (rt.capabilities as Partial<Iterable<Capability>> | undefined)?.[Symbol.iterator] === 'function';
  } catch (error) {
    throw new TypeError(`opts.local could not be read: ${error instanceof Error ? error.message : show(error)}`, { cause: error });
  }
  if (!ok) throw new TypeError(`opts.local must be a Runtime (executor, reactor, capabilities, shutdown()), got ${show(value)}`);
}

function toConnection(value: unknown): ConnectionOptions {
  if (value === undefined) return { url: 'redis://127.0.0.1:6379' };
  if (typeof value === 'string') {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new TypeError(`opts.connection must be a redis:// URL or connection options, got ${JSON.stringify(value)}`);
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
      throw new TypeError(`opts.connection must be a redis:// URL, got ${JSON.stringify(value)}`);
    }
    return { url: value };
  }
  const options = checkOptions<ConnectionOptions & { host?: unknown; port?: unknown }>(value, 'opts.connection')!;
  // Checked here, named: else ioredis refuses them later with Node's own error about "hostname" or "options.port".
  if (options.host !== undefined) checkHost(options.host, 'opts.connection.host');
  if (options.port !== undefined) checkPort(options.port, 'opts.connection.port');
  return options;
}

function checkBackoff(value: unknown): { type: 'fixed' | 'exponential'; delay: number } {
  if (value === undefined) return { type: 'exponential', delay: 1000 };
  if (typeof value === 'number') return { type: 'fixed', delay: checkMs(value, 'opts.backoff') };
  const backoff = checkOptions<{ type: unknown; delay: unknown }>(value, 'opts.backoff')!;
  if (backoff.type !== 'fixed' && backoff.type !== 'exponential') {
    throw new TypeError(`opts.backoff.type must be 'fixed' or 'exponential', got ${JSON.stringify(backoff.type)}`);
  }
  return { type: backoff.type, delay: checkMs(backoff.delay, 'opts.backoff.delay') };
}

async function defaultLocal(): Promise<Runtime> {
  const { NodeRuntime } = await import('@runtime-traits/node');
  return NodeRuntime.create();
}
