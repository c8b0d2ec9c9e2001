// NodeRuntime: the contract's Runtime on Node's own event loop — executor, reactor, blocking pool, one lifetime.
import { availableParallelism } from 'node:os';
import type { Awaitable, Capability, Runtime, RuntimeMetrics, RuntimeOptions, ShutdownOptions, TaskContext } from '@runtime-traits/core';
import { checkCount, checkFunction, checkMs, checkOptions, checkShutdownOptions } from '@runtime-traits/core/kit';
import { TaskSet } from '@runtime-traits/kit';
import { BlockingPool } from './blocking-pool.js';
import { detectReusePort, runtimeCapabilities } from './capabilities.js';
import { NodeExecutor } from './executor.js';
import { NodeReactor } from './reactor.js';

/** Options of `NodeRuntime.create()`; invalid values throw `TypeError`/`RangeError` naming the option. */
export interface NodeRuntimeOptions extends RuntimeOptions {
  /** Most threads the blocking pool starts (lazily), 1–256. Default: cores - 1, at least 1. */
  blockingThreads?: number;
  /** How long an idle blocking thread lives. Default 10 000 ms. */
  blockingIdleMs?: number;
}

/** A signal that never aborts: what join's bodies see (they run to completion inside the call). */
const NEVER = new AbortController().signal;

/**
 * The runtime on Node's own event loop: tasks run on this thread (`spawn` and `spawnLocal` alike),
 * `spawnBlocking` runs on a pool of worker threads started on first use, and the reactor is
 * node:net/tls/dgram/dns with Node's timers. Capabilities: `spawn.blocking`, `net.tcp`, `net.udp`,
 * `net.unix`, `net.dns`, `net.tls`, and `net.reusePort` where the platform has it.
 *
 * ```ts
 * const rt = await NodeRuntime.create();
 * const n = await rt.executor.spawnBlocking(hash, [data]);
 * await rt.shutdown();
 * ```
 */
export class NodeRuntime implements Runtime {
  readonly executor: NodeExecutor;
  readonly reactor: NodeReactor;
  readonly capabilities: ReadonlySet<Capability> = runtimeCapabilities();
  private readonly tasks: TaskSet;
  private pool: BlockingPool | undefined;
  private readonly blockingThreads: number;
  private readonly blockingIdleMs: number;
  private stopping: Promise<void> | undefined;

  /** A started runtime (of the class it is called on: a subclass's `create()` makes the subclass). Detects `net.reusePort` first. */
  static async create<T extends NodeRuntime>(this: new (opts?: NodeRuntimeOptions) => T, opts?: NodeRuntimeOptions): Promise<T> {
    await detectReusePort();
    return new this(opts);
  }

  /** 'node' (a getter on the prototype, so a subclass may give its own). */
  get name(): string {
    return 'node';
  }

  /** Prefer `NodeRuntime.create()`; the constructor is synchronous for callers that cannot await. */
  constructor(opts?: NodeRuntimeOptions) {
    const options = checkOptions<NodeRuntimeOptions>(opts) ?? {};
    if (options.onUnhandledError !== undefined) checkFunction(options.onUnhandledError, 'opts.onUnhandledError');
    this.blockingThreads = options.blockingThreads === undefined
      ? Math.max(1, availableParallelism() - 1)
      : checkCount(options.blockingThreads, 'opts.blockingThreads', 1, 256); // (as worksteal: each is a worker_thread with its own heap)
    this.blockingIdleMs = options.blockingIdleMs === undefined ? 10_000 : checkMs(options.blockingIdleMs, 'opts.blockingIdleMs');
    this.tasks = new TaskSet(this, options.onUnhandledError);
    this.reactor = new NodeReactor();
    this.executor = new NodeExecutor(this.tasks, () => (this.pool ??= new BlockingPool(this.blockingThreads, this.blockingIdleMs)), {
      signal: NEVER,
      runtime: this,
    });
  }

  run<T>(main: (cx: TaskContext) => Awaitable<T>): Promise<T> {
    return this.tasks.run(main);
  }

  /** Cancels tasks (after `graceMs`), closes listeners, connections and sockets, stops the pool, clears timers. Idempotent. */
  shutdown(opts?: ShutdownOptions): Promise<void> {
    const graceMs = checkShutdownOptions(opts);
    this.stopping ??= this.stop(graceMs);
    return this.stopping;
  }

  metrics(): RuntimeMetrics {
    const pool = this.pool?.metrics() ?? { blockingThreads: 0, blockingBusy: 0, blockingQueued: 0 };
    return { ...this.tasks.counters(this.executor.queueDepth + pool.blockingQueued), ...pool };
  }

  /** `await using`: the same as `shutdown()` with no grace period. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  private async stop(graceMs: number): Promise<void> {
    await this.tasks.shutdown(graceMs, (ms, signal) => this.reactor.clock.sleep(ms, { signal }));
    await this.reactor.close();
    await this.pool?.close();
  }
}
