// TaskSet: the tasks a runtime owns on this thread — ids, counters, detached failures and shutdown.
import { RuntimeShutdownError } from '../errors.js';
import type { Awaitable, SpawnOptions, Task, TaskContext } from '../executor.js';
import type { Runtime, RuntimeMetrics } from '../runtime.js';
import { checkFunction, checkSpawnOptions } from './checks.js';
import { ReadyQueue } from './ready-queue.js';
import { TaskCell, type TaskOwner } from './task-cell.js';

export type UnhandledErrorHandler = (error: unknown, task: Task<unknown>) => void;

const printUnhandled: UnhandledErrorHandler = (error, task) => {
  console.error(`runtime-traits: detached task ${task.id} failed:`, error);
};

export class TaskSet implements TaskOwner {
  spawned = 0;
  completed = 0;
  failed = 0;
  cancelled = 0;
  /** Live (spawned, unsettled) tasks as an intrusive list through the cells: a Set costs ~0.4 µs a task here. */
  private head: TaskCell<unknown> | undefined;
  private liveCount = 0;
  /** Tasks spawned on this thread and waiting for their first run. */
  readonly ready = new ReadyQueue();
  private nextId = 1;
  private closing = false;
  private readonly onUnhandledError: UnhandledErrorHandler;

  constructor(readonly runtime: Runtime, onUnhandledError?: UnhandledErrorHandler) {
    this.onUnhandledError = onUnhandledError ?? printUnhandled;
  }

  get closed(): boolean {
    return this.closing;
  }

  /** Throws `RuntimeShutdownError` once shutdown has begun. */
  admit(): void {
    if (this.closing) throw new RuntimeShutdownError();
  }

  /** A new pending task. `make` lets a runtime use its own TaskCell subclass. */
  create<T>(opts?: SpawnOptions, make?: (id: number, owner: TaskOwner, name: string | undefined, signal?: AbortSignal) => TaskCell<T>): TaskCell<T> {
    this.admit();
    const id = this.nextId++;
    this.spawned++;
    const cell = make ? make(id, this, opts?.name, opts?.signal) : new TaskCell<T>(id, this, opts?.name, opts?.signal);
    // A cell whose spawn signal was already aborted settled (and was counted) in its constructor.
    if (!cell.isSettled()) this.link(cell as TaskCell<unknown>);
    return cell;
  }

  /** Tasks spawned and not yet settled, newest first (a snapshot). */
  get live(): ReadonlySet<TaskCell<unknown>> {
    const cells = new Set<TaskCell<unknown>>();
    for (let cell = this.head; cell; cell = cell.liveNext) cells.add(cell);
    return cells;
  }

  get active(): number {
    return this.liveCount;
  }

  /** `Executor.spawnLocal` for any runtime: checks its arguments, then runs `fn` on this thread soon. */
  spawnLocal<R>(fn: (cx: TaskContext) => Awaitable<R>, opts?: SpawnOptions): TaskCell<R> {
    checkFunction(fn, 'fn');
    const cell = this.create<R>(opts === undefined ? undefined : checkSpawnOptions(opts));
    this.ready.push(cell as TaskCell<unknown>, fn);
    return cell;
  }

  settled(cell: TaskCell<unknown>): void {
    this.unlink(cell);
    if (cell.state === 'completed') this.completed++;
    else if (cell.state === 'failed') this.failed++;
    else this.cancelled++;
  }

  unhandled(error: unknown, cell: TaskCell<unknown>): void {
    try {
      this.onUnhandledError(error, cell);
    } catch (secondary) {
      printUnhandled(secondary, cell);
    }
  }

  /** The counters every runtime reports. */
  counters(queueDepth: number): RuntimeMetrics {
    return {
      spawned: this.spawned,
      completed: this.completed,
      failed: this.failed,
      cancelled: this.cancelled,
      active: this.liveCount,
      queueDepth,
    };
  }

  /**
   * Stops admitting tasks, lets running ones finish for up to `graceMs` (measured with `sleep`, so a
   * virtual clock works), then cancels the rest. Every handle is settled when this resolves, even a
   * body that ignores its signal: its handle rejects with CancelledError and its result is dropped.
   */
  async shutdown(graceMs: number, sleep: (ms: number, signal: AbortSignal) => Promise<void>): Promise<void> {
    this.closing = true;
    if (graceMs > 0 && this.liveCount > 0) {
      const stop = new AbortController();
      const allDone = Promise.all([...this.live].map((cell) => cell.then(undefined, () => undefined)));
      await Promise.race([allDone, sleep(graceMs, stop.signal).catch(() => undefined)]);
      stop.abort();
    }
    const error = new RuntimeShutdownError();
    for (const cell of [...this.live]) cell.forceCancel(error);
  }

  private link(cell: TaskCell<unknown>): void {
    cell.livePrev = undefined;
    cell.liveNext = this.head;
    if (this.head) this.head.livePrev = cell;
    this.head = cell;
    this.liveCount++;
  }

  private unlink(cell: TaskCell<unknown>): void {
    const { livePrev, liveNext } = cell;
    // A cell settled inside its own constructor was never linked.
    if (!livePrev && this.head !== cell) return;
    if (livePrev) livePrev.liveNext = liveNext;
    else this.head = liveNext;
    if (liveNext) liveNext.livePrev = livePrev;
    cell.livePrev = cell.liveNext = undefined;
    this.liveCount--;
  }
}
