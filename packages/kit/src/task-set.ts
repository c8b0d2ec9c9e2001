// TaskSet: the tasks a runtime owns on this thread — ids, counters, detached failures and shutdown.
//
// HOW runSoon/spawnLocal run a body: `RESOLVED.then(runNext)` queues one promise job per task, and
// that job's promise IS the task's handle (TaskCell.runJob). Every job calls the same `runNext`, which
// takes the oldest entry of `waiting`: promise jobs run in the order they were queued, so the k-th job
// finds the k-th task, and no closure is made per task. Bodies never run inside the spawn call, and a
// task cancelled before its job never runs (its job only rejects the handle).
// WHY not queueMicrotask: Node wraps every queueMicrotask callback in an AsyncResource, which costs
// more than the rest of a spawn.
//
// Where the unsettled tasks are (shutdown must reach every one):
//   - queued for their job: in `waiting`;
//   - a body gone async, or a task created for a body that runs elsewhere: the intrusive list from
//     `liveHead`. A body that finishes synchronously — the common tiny task — is never linked.
// A body that calls shutdown() in its synchronous part is in neither place during the sweep; its job
// links it afterwards and, once the sweep is over, cancels it there and then.
import {
  RuntimeShutdownError, type Awaitable, type CancelledError, type Runtime, type RuntimeMetrics, type SpawnOptions, type Task, type TaskContext,
} from '@runtime-traits/core';
import { checkFunction, checkSpawnOptions } from '@runtime-traits/core/kit';
import { Fifo } from './fifo.js';
import { cancelledError, TaskCell, type TaskOwner } from './task-cell.js';
import type { TaskHandle } from './task-handle.js';

/** Receives the failure of a detached task (`RuntimeOptions.onUnhandledError`). */
export type UnhandledErrorHandler = (error: unknown, task: Task<unknown>) => void;

type MakeCell<T> = (id: number, owner: TaskOwner, name: string | undefined, signal?: AbortSignal) => TaskCell<T>;

const RESOLVED = Promise.resolve();

/**
 * The errors one shutdown rejects with: `error` (a task's signal reason, a pending sleep's rejection)
 * and `rejection` (the CancelledError a cancelled task's handle rejects with), each made on first use
 * and then shared. An error's stack costs microseconds, so a shutdown that finds nothing left makes
 * none, and the hosts of one simulation shutting down together share one.
 */
export class ShutdownReason {
  #error: RuntimeShutdownError | undefined;
  #rejection: CancelledError | undefined;

  /** The `RuntimeShutdownError`: the reason cancelled tasks' signals abort with, and what pending sleeps reject with. */
  get error(): RuntimeShutdownError {
    return (this.#error ??= new RuntimeShutdownError());
  }

  /** The `CancelledError` a cancelled task's handle rejects with; its `cause` is {@link ShutdownReason.error}. */
  get rejection(): CancelledError {
    return (this.#rejection ??= cancelledError(this.error));
  }
}

const printUnhandled: UnhandledErrorHandler = (error, task) => {
  console.error(`runtime-traits: detached task ${task.id} failed:`, error);
};

/**
 * The tasks a runtime owns on this thread: makes their cells and ids, runs `spawnLocal` and `run`
 * bodies, keeps the counters, reports detached failures, and cancels everything on shutdown.
 */
export class TaskSet implements TaskOwner {
  /** Tasks made by this set. */
  spawned = 0;
  /** Tasks that settled completed. */
  completed = 0;
  /** Tasks that settled failed. */
  failed = 0;
  /** Tasks that settled cancelled. */
  cancelled = 0;
  /** Spawned and not settled, wherever they are (see the header). */
  private unsettled = 0;
  /** The linked tasks, as an intrusive list through the cells: a Set costs ~0.4 µs a task here. */
  private liveHead: TaskCell<unknown> | undefined;
  /**
   * Tasks whose job is queued, oldest first; each cell holds its body until the job runs.
   * Invariant: one queued job per entry. (The body rides on the cell, not in here: this FIFO's
   * array is long-lived, and storing a new object into an old one takes the write barrier's slow
   * path, ~3 ns each time.)
   */
  private readonly waiting = new Fifo<TaskCell<unknown>>();
  /** Set once shutdown cancelled what was live: the reason it cancelled with (a task that goes live later gets the same). */
  private swept: ShutdownReason | undefined;
  private nextId = 1;
  private closing = false;
  private readonly onUnhandledError: UnhandledErrorHandler;

  /** cx.worker of this set's tasks: a pool worker's index on such a thread, undefined elsewhere. */
  readonly worker: number | undefined;

  /**
   * @param runtime What tasks see as `cx.runtime`.
   * @param onUnhandledError Receives detached tasks' failures; default: printed with `console.error`.
   * @param worker What tasks see as `cx.worker`: the pool worker's index when this set lives on one.
   */
  constructor(readonly runtime: Runtime, onUnhandledError?: UnhandledErrorHandler, worker?: number) {
    this.onUnhandledError = onUnhandledError ?? printUnhandled;
    this.worker = worker;
  }

  /** True once `shutdown()` has begun: `admit()` throws from then on. */
  get closed(): boolean {
    return this.closing;
  }

  /** Throws `RuntimeShutdownError` once shutdown has begun. */
  admit(): void {
    if (this.closing) throw new RuntimeShutdownError();
  }

  /** A new pending task whose body runs elsewhere (start(), then complete()/fail()). `make` lets a runtime use its own TaskCell subclass. */
  create<T>(opts?: SpawnOptions, make?: MakeCell<T>): TaskCell<T> {
    this.admit();
    this.count();
    const id = this.nextId++;
    const cell = make ? make(id, this, opts?.name, opts?.signal) : new TaskCell<T>(id, this, opts?.name, opts?.signal);
    // A cell whose spawn signal was already aborted settled (and was counted) in its constructor.
    if (!cell.isSettled()) this.link(cell as TaskCell<unknown>);
    return cell;
  }

  /** `Executor.spawnLocal` for any runtime: checks its arguments, then runs `fn` on this thread soon. */
  spawnLocal<R>(fn: (cx: TaskContext) => Awaitable<R>, opts?: SpawnOptions): TaskHandle<R> {
    checkFunction(fn, 'fn');
    return this.runSoon(opts === undefined ? undefined : checkSpawnOptions(opts), fn);
  }

  /** `Runtime.run` for any runtime: `main` as a task on this thread, its outcome as a promise (a bad `main` throws at the call; a refusal, such as after shutdown, rejects). */
  run<T>(main: (cx: TaskContext) => Awaitable<T>): Promise<T> {
    checkFunction(main, 'main');
    try {
      return Promise.resolve(this.spawnLocal(main));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** A new task whose body runs on this thread after the current synchronous code (options already checked). */
  runSoon<R>(opts: SpawnOptions | undefined, body: (cx: TaskContext) => Awaitable<R>): TaskHandle<R> {
    this.admit();
    this.count();
    const job = RESOLVED.then(this.runNext);
    const cell = opts === undefined
      ? new TaskCell<R>(this.nextId++, this, undefined, undefined, job, body)
      : new TaskCell<R>(this.nextId++, this, opts.name, opts.signal, job, body);
    this.waiting.push(cell as TaskCell<unknown>);
    return cell.handle;
  }

  private readonly runNext = (): unknown => {
    const cell = this.waiting.shift()!;
    const body = cell.body!;
    cell.body = undefined;
    const outcome = cell.runJob(body); // throws when the task failed or was cancelled
    if (cell.state === 'running') { // its body went async
      this.link(cell);
      if (this.swept) cell.forceCancel(this.swept.error, this.swept.rejection);
    }
    return outcome;
  };

  /** Tasks spawned and not yet settled (a snapshot). */
  get live(): ReadonlySet<TaskCell<unknown>> {
    const cells = new Set<TaskCell<unknown>>();
    for (let i = 0; i < this.waiting.length; i++) {
      const cell = this.waiting.at(i)!;
      if (!cell.isSettled()) cells.add(cell);
    }
    for (let cell = this.liveHead; cell; cell = cell.liveNext) cells.add(cell);
    return cells;
  }

  /** Tasks spawned and not yet settled (`RuntimeMetrics.active`). */
  get active(): number {
    return this.unsettled;
  }

  /** Tasks spawned on this thread whose first run is still queued. */
  get queued(): number {
    return this.waiting.length;
  }

  /** `TaskOwner.settled`: unlinks the cell and counts its outcome. */
  settled(cell: TaskCell<unknown>): void {
    this.unlink(cell);
    this.unsettled--;
    if (cell.state === 'completed') this.completed++;
    else if (cell.state === 'failed') this.failed++;
    else this.cancelled++;
  }

  /** `TaskOwner.unhandled`: hands a detached failure to `onUnhandledError` (printed if that handler throws). */
  unhandled(error: unknown, task: Task<unknown>): void {
    try {
      this.onUnhandledError(error, task);
    } catch (secondary) {
      printUnhandled(secondary, task);
    }
  }

  /** The counters every runtime reports. */
  counters(queueDepth: number): RuntimeMetrics {
    return {
      spawned: this.spawned,
      completed: this.completed,
      failed: this.failed,
      cancelled: this.cancelled,
      active: this.unsettled,
      queueDepth,
    };
  }

  /**
   * Stops admitting tasks, lets running ones finish for up to `graceMs` (measured with `sleep`, so a
   * virtual clock works), then cancels the rest. Every handle is settled when this resolves, even a
   * body that ignores its signal: its handle rejects with CancelledError and its result is dropped.
   * `reason`: the errors it rejects with (see {@link ShutdownReason}).
   */
  async shutdown(graceMs: number, sleep: (ms: number, signal: AbortSignal) => Promise<void>, reason = new ShutdownReason()): Promise<void> {
    this.closing = true;
    if (graceMs > 0 && this.unsettled > 0) {
      const stop = new AbortController();
      const allDone = Promise.all([...this.live].map((cell) => cell.handle.then(undefined, () => undefined)));
      await Promise.race([allDone, sleep(graceMs, stop.signal).catch(() => undefined)]);
      stop.abort();
    }
    for (const cell of this.live) cell.forceCancel(reason.error, reason.rejection);
    this.swept = reason;
  }

  /** Counts a task about to be made (before its constructor, which may already settle it). */
  private count(): void {
    this.spawned++;
    this.unsettled++;
  }

  private link(cell: TaskCell<unknown>): void {
    cell.livePrev = undefined;
    cell.liveNext = this.liveHead;
    if (this.liveHead) this.liveHead.livePrev = cell;
    this.liveHead = cell;
  }

  private unlink(cell: TaskCell<unknown>): void {
    const { livePrev, liveNext } = cell;
    // Never linked (settled in its constructor, or a job that ran synchronously), or already unlinked.
    if (!livePrev && this.liveHead !== cell) return;
    if (livePrev) livePrev.liveNext = liveNext;
    else this.liveHead = liveNext;
    if (liveNext) liveNext.livePrev = livePrev;
    cell.livePrev = cell.liveNext = undefined;
  }
}
