// WorkStealingRuntime: the façade — the Executor and Runtime a program uses on the main thread, over the pool's parts.
//
// Where the work is done (each file's header says how):
//   threads/main-thread.ts  the main thread's slots: submitting, waiting for completions, join's waits
//   threads/pool.ts         the pool threads' handles: start, mail, death, replacement, stop
//   threads/worker.ts       a pool thread's run loop (threads/pool-thread.ts: all it holds)
//   join.ts                 rayon's join, for the main thread and pool threads alike
//   task/                   slots and their state word, handles, running a task
//   memory/, queues/        the shared-memory layout, codec and def table; the deque and MPMC ring
// This file verifies each def once (resolveTask: the def must be exported where it says), routes the
// threads' messages and orders shutdown; executor.ts checks the arguments.
import {
  WorkerCrashedError, type Awaitable, type Capability, type Executor, type Runtime, type RuntimeMetrics, type ShutdownOptions, type SpawnOptions,
  type Task, type TaskContext, type TaskDef,
} from '@runtime-traits/core';
import { checkFunction, checkShutdownOptions, checkSpawn, decodeError, show, type ErrorRecord } from '@runtime-traits/core/kit';
import { resolveTask, TaskSet } from '@runtime-traits/kit';
import { NodeReactor } from '@runtime-traits/node/reactor';
import { broadcastOver, checkWorkerIndex, executorOver, requirePinned, type Placement } from './executor.js';
import { runtimeCapabilities } from './capabilities.js';
import { join } from './join.js';
import { SlotMode } from './memory/layout.js';
import { Shared } from './memory/shared.js';
import { writeResult } from './memory/slot-payload.js';
import { deliver } from './task/runner.js';
import { ownerOf } from './task/slot-state.js';
import { settingsOf, type WorkStealingRuntimeOptions } from './options.js';
import type { RemoteTask } from './task/remote-task.js';
import { MainThread, MAIN } from './threads/main-thread.js';
import type { ToMain } from './threads/messages.js';
import { poolMetrics } from './threads/metrics.js';
import { ThreadPool } from './threads/pool.js';
import { recover } from './threads/recovery.js';

type AnyDef = TaskDef<unknown[], unknown>;

/**
 * A multi-threaded runtime on a pool of worker threads. By default it steals work: `spawn`ed portable
 * tasks run on any worker, which take from each other's deques. With `stealing: false` it is
 * thread-per-core: each task stays on the worker it was placed on (`spawnOn`, `broadcast`, or round
 * robin). `spawnLocal` and `run` stay on the calling thread; `join` forks onto the pool;
 * `spawnBlocking` uses separate threads. A worker that dies fails the tasks it was running with
 * `WorkerCrashedError` and is replaced. The reactor is Node's (`NodeReactor`).
 * Capabilities: `spawn.parallel`, `spawn.blocking`, `join.parallel` and the reactor's `net.*`.
 */
export class WorkStealingRuntime implements Runtime, Placement {
  readonly name = 'worksteal';
  readonly executor: Executor;
  /** Worker threads: the shards of thread-per-core (`spawnOn`'s indexes are 0..workers-1). */
  readonly workers: number;
  /** False in thread-per-core (`stealing: false`). */
  readonly stealing: boolean;
  readonly capabilities: ReadonlySet<Capability>;
  private readonly tasks: TaskSet;
  private readonly pool: ThreadPool;
  private readonly main: MainThread;
  /** Def numbers of the defs resolveTask verified. */
  private readonly verified = new Map<AnyDef, number>();
  private crashes = 0;
  /** Thread-per-core: the next worker a spawn from outside goes to. */
  private nextWorker = 0;
  /** Spawns waiting for their def to be checked (or carrying a transfer list), in order; while any waits, later spawns queue behind it. */
  private deferred = 0;
  private readonly restartListeners = new Set<{ listener: (worker: number, error: WorkerCrashedError) => void }>();
  private submitted: Promise<void> = Promise.resolve();
  private closing: Promise<void> | undefined;

  /**
   * Starts the worker threads and resolves once every one is ready.
   *
   * @param opts Thread counts, queue sizes and the unhandled-error handler (see {@link WorkStealingRuntimeOptions}).
   * @throws TypeError or RangeError, naming the option, for an invalid option.
   * @throws WorkerCrashedError (rejection) when a worker thread could not start; the threads already started are stopped.
   */
  static async create(opts?: WorkStealingRuntimeOptions): Promise<WorkStealingRuntime> {
    const { layout, spinCount, options } = settingsOf(opts);
    const runtime = new WorkStealingRuntime(Shared.create(layout), await NodeReactor.create(), spinCount, options);
    try {
      await runtime.start();
    } catch (error) { // a thread died before it said 'ready' (it was not replaced: threads/pool.ts)
      await runtime.shutdown();
      const why = error instanceof Error ? error.message : show(error);
      throw new WorkerCrashedError(`WorkStealingRuntime could not start its worker threads: ${why}`, { cause: error });
    }
    return runtime;
  }

  private constructor(
    private readonly shared: Shared,
    /** Node's clock and network (a `NodeReactor`) on the thread that created the runtime; closed by `shutdown()`. */
    readonly reactor: NodeReactor,
    spinCount: number,
    options: WorkStealingRuntimeOptions,
  ) {
    this.capabilities = runtimeCapabilities(reactor.capabilities);
    this.workers = shared.config.workers;
    this.stealing = !shared.config.pinned;
    this.tasks = new TaskSet(this, options.onUnhandledError);
    this.pool = new ThreadPool(shared, spinCount, options.resourceLimits, {
      onMessage: (from, message) => this.onThreadMessage(from, message),
      onDeath: (from, error) => this.onDeath(from, error),
    });
    this.main = new MainThread(shared, this.pool, { signal: new AbortController().signal, runtime: this });
    this.executor = executorOver(this.tasks, {
      spawn: (def, args, o, blocking) => this.spawnTask(def, args, o, blocking),
      join: (a, aArgs, b, bArgs) => join(this.main, a, aArgs, b, bArgs, shared.defs.number(b.module, b.name)),
    });
    shared.sabs.announce = (id, sab) => this.pool.postAll({ t: 'sab', id, sab });
    shared.sabs.pump = () => this.pool.pumpAll();
  }

  private async start(): Promise<void> {
    this.main.hold(); // the threads are unref'd: keep the process up until they answer
    try {
      await this.pool.startWorkers();
    } finally {
      this.main.armWait(); // (lets go of the process again when nothing is in flight)
    }
  }

  /** Thread-per-core: runs the task on worker `worker` (0..workers-1) only; see Placement. */
  spawnOn<A extends unknown[], R>(worker: number, def: TaskDef<A, R>, args: A, opts?: SpawnOptions): Task<R> {
    requirePinned(!this.stealing, 'spawnOn');
    const w = checkWorkerIndex(worker, this.workers);
    const o = checkSpawn(def, args, opts);
    this.tasks.admit();
    return this.spawnTask(def as unknown as AnyDef, args, o, false, w) as Task<R>;
  }

  /** Thread-per-core: the task once on every worker (a server per core, say); results in worker order. */
  broadcast<A extends unknown[], R>(def: TaskDef<A, R>, args: A): Promise<R[]> {
    return broadcastOver(this, !this.stealing, def, args);
  }

  /**
   * A portable task from the main thread (options checked): into a slot once its def is verified.
   * `worker`: placed on that worker; -1: thread-per-core's round robin, or anyone when stealing.
   */
  private spawnTask(def: AnyDef, args: unknown[], o: SpawnOptions | undefined, blocking: boolean, placed = -1): Task<unknown> {
    const worker = placed >= 0 || blocking || this.stealing ? placed : this.nextWorker++ % this.workers;
    const cell = this.tasks.create<unknown>(o, this.main.owner.makeCell);
    if (cell.isSettled()) return cell.handle;
    const remote = cell as RemoteTask<unknown>;
    const n = this.verified.get(def);
    const transfer = o?.transfer;
    if (n !== undefined && !(transfer && transfer.length > 0) && this.deferred === 0) {
      this.main.submit(remote, n, args, blocking, worker);
      return cell.handle;
    }
    // Its def is checked first (an import), or it carries a transfer list: it is submitted once that
    // is done, and every spawn after it waits behind it, so spawns keep their order (spawnOn's FIFO).
    this.deferred++;
    this.main.hold();
    const checked: Promise<unknown> = n !== undefined ? Promise.resolve() : resolveTask(def);
    this.submitted = this.submitted.then(() => checked).then(() => {
      try { // (a throw here is this spawn's failure: the chain must go on resolved, or the next spawn would fail with it)
        const number = this.verified.get(def) ?? this.shared.defs.number(def.module, def.name);
        this.verified.set(def, number);
        if (remote.isSettled()) return;
        if (transfer && transfer.length > 0) this.main.sendSide({ cell: remote, n: number, args, blocking, worker }, -1, transfer);
        else this.main.submit(remote, number, args, blocking, worker);
      } catch (error) {
        remote.fail(error);
      }
    }, (error) => remote.fail(error)).finally(() => {
      this.deferred--;
      this.main.armWait();
    });
    return cell.handle;
  }

  private onThreadMessage(from: number, message: ToMain): void {
    switch (message.t) {
      case 'result':
        if (message.owner !== MAIN) {
          this.pool.post(message.owner, { t: 'result', slot: message.slot, use: message.use, ok: message.ok, value: message.value });
        } else {
          this.main.resultMessageCame(message.slot, message.use, message.ok, message.value);
        }
        return;
      case 'blocking':
        this.pool.blocking.ensureStarted();
        return;
      case 'sab':
        this.shared.sabs.learn(message.id, message.sab);
        this.pool.postAll({ t: 'sab', id: message.id, sab: message.sab }, from);
        return;
      case 'drained':
        this.pool.onDrained(from);
        return;
      case 'shutdown':
        void this.shutdown();
        return;
      case 'place':
        this.forwardPlaced(message.slot, message.target, message.args, message.transfer);
        return;
      case 'unhandled': {
        // The handle lives on the worker; the handler gets a settled stand-in with the same id.
        const error = decodeError(message.error as ErrorRecord);
        const stand = { id: message.id, state: 'failed', cancel: () => Promise.resolve(), detach() { return this; },
          then: (_ok: unknown, onRejected?: (e: unknown) => unknown) => Promise.reject(error).then(undefined, onRejected) } as unknown as Task<unknown>;
        this.tasks.unhandled(error, stand);
        return;
      }
    }
  }

  /** A worker's spawnOn with big arguments: on to its target, which runs it (the slot is the worker's, already RUNNING there). */
  private forwardPlaced(slot: number, target: number, args: unknown[], transfer: unknown[] | undefined): void {
    try {
      this.pool.post(target, { t: 'run', slot, args }, transfer as Transferable[] | undefined);
    } catch (error) {
      const why = error instanceof Error ? error.message : show(error);
      writeResult(this.shared.slots, this.shared.payload, slot, false, new TypeError(`args cannot be sent to worker ${target - 1}: ${why}`, { cause: error }));
      deliver(this.shared, slot, ownerOf(this.shared.slots, slot), SlotMode.TASK);
    }
  }

  /** A pool thread died: fail what it ran, requeue what it held, replace it (not once closing, nor before every worker started). */
  private onDeath(dead: number, cause: unknown): void {
    this.crashes++;
    const final = this.closing !== undefined || !this.pool.started;
    const error = recover(this.shared, this.main, this.pool, dead, cause, final);
    if (!final) this.restarted(dead, error);
  }

  /**
   * Calls `listener(worker, error)` on the main thread each time a worker thread has died and its
   * replacement has taken its index (not while shutting down). Thread-per-core: what a worker kept
   * (a listener, a shard's data) is gone with it; this is where to place it again (`spawnOn(worker, …)`).
   * While no listener is registered, a death is printed to stderr (with its cause), as Node prints an
   * uncaught exception. Returns a function that removes the listener.
   */
  onWorkerRestart(listener: (worker: number, error: WorkerCrashedError) => void): () => void {
    checkFunction(listener, 'listener');
    const entry = { listener };
    this.restartListeners.add(entry);
    return () => { this.restartListeners.delete(entry); };
  }

  private restarted(dead: number, error: WorkerCrashedError): void {
    const worker = this.shared.layout.isWorker(dead) ? dead - 1 : undefined;
    if (worker === undefined || this.restartListeners.size === 0) {
      console.error(`worksteal: ${error.message}; a new thread took its place`); // (one line: the message names the cause)
      return;
    }
    for (const { listener } of [...this.restartListeners]) {
      try {
        listener(worker, error);
      } catch (thrown) {
        console.error('worksteal: an onWorkerRestart listener threw:', thrown);
      }
    }
  }

  run<T>(main: (cx: TaskContext) => Awaitable<T>): Promise<T> {
    return this.tasks.run(main);
  }

  shutdown(opts?: ShutdownOptions): Promise<void> {
    const graceMs = checkShutdownOptions(opts);
    this.closing ??= this.stop(graceMs);
    return this.closing;
  }

  private async stop(graceMs: number): Promise<void> {
    // The tasks the threads spawned themselves are theirs: each thread closes its own set, gives it the
    // same grace, cancels what is left, and says so ('drained'); the threads stop after that, or once
    // the grace is over (a thread busy in a long body does not hold shutdown longer).
    const drained = graceMs > 0 ? this.pool.drained(graceMs) : undefined;
    this.pool.postAll({ t: 'closing', graceMs });
    await this.tasks.shutdown(graceMs, (ms, signal) => this.reactor.clock.sleep(ms, { signal }));
    await drained;
    await this.pool.stop();
    this.main.close();
    await this.reactor.close();
  }

  metrics(): RuntimeMetrics {
    const { queued, ...pool } = poolMetrics(this.shared);
    const blockingDepth = this.pool.blocking.depth;
    return {
      ...this.tasks.counters(queued + this.main.backlogDepth + blockingDepth),
      ...pool,
      blockingDepth,
      crashes: this.crashes,
    };
  }

  /** `await using`: the same as `shutdown()` with no grace period. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}
