// TaskGroup: structured concurrency over any Executor — children finish, fail together, or are cancelled.
import { CancelledError } from './errors.js';
import type { Awaitable, Executor, SpawnOptions, Task, TaskContext, TaskDef } from './executor.js';

/**
 * Children are spawned through the group. `wait()` resolves when every child has finished; the first
 * failure cancels the others, closes the group (a spawn then throws CancelledError, the failure as
 * cause) and `wait()` rejects with it. Leaving the group (`await using`, or `cancel()`) cancels
 * whatever is still running.
 *
 * ```ts
 * await using group = new TaskGroup(executor);
 * group.spawn(fetchPage, [1]);
 * group.spawn(fetchPage, [2]);
 * await group.wait();
 * ```
 */
export class TaskGroup implements AsyncDisposable {
  private readonly children = new Set<Task<unknown>>();
  private firstError: { error: unknown } | undefined;
  private idle: Array<() => void> = [];
  private closed = false;

  /**
   * @param executor The executor children are spawned on.
   * @throws TypeError when `executor` is not an Executor.
   */
  constructor(private readonly executor: Executor) {
    if (typeof executor !== 'object' || executor === null || typeof executor.spawnLocal !== 'function') {
      throw new TypeError('executor must be an Executor');
    }
  }

  /** Number of children still running. */
  get size(): number {
    return this.children.size;
  }

  /** `executor.spawn` as a child of the group. Throws `CancelledError` once the group was cancelled or left. */
  spawn<A extends unknown[], R>(def: TaskDef<A, R>, args: A, opts?: SpawnOptions): Task<R> {
    this.checkOpen();
    return this.adopt(this.executor.spawn(def, args, opts));
  }

  /** `executor.spawnLocal` as a child of the group. Throws `CancelledError` once the group was cancelled or left. */
  spawnLocal<R>(fn: (cx: TaskContext) => Awaitable<R>, opts?: SpawnOptions): Task<R> {
    this.checkOpen();
    return this.adopt(this.executor.spawnLocal(fn, opts));
  }

  /** `executor.spawnBlocking` as a child of the group. Throws `CancelledError` once the group was cancelled or left. */
  spawnBlocking<A extends unknown[], R>(def: TaskDef<A, R>, args: A, opts?: SpawnOptions): Task<R> {
    this.checkOpen();
    return this.adopt(this.executor.spawnBlocking(def, args, opts));
  }

  /** Resolves when every child has finished; rejects with the first failure (the rest are cancelled by then). */
  async wait(): Promise<void> {
    if (this.children.size > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    if (this.firstError) throw this.firstError.error;
  }

  /** Cancels every child still running and resolves once all have settled. The group takes no more children. */
  async cancel(reason?: unknown): Promise<void> {
    this.closed = true;
    await Promise.all([...this.children].map((task) => task.cancel(reason)));
  }

  /** Leaving the group (`await using`): cancels what is still running, with a `CancelledError` as the reason. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.cancel(new CancelledError('The task group was left'));
  }

  private checkOpen(): void {
    if (this.firstError) throw new CancelledError('This task group is closed: a child failed', { cause: this.firstError.error });
    if (this.closed) throw new CancelledError('This task group is closed: it was cancelled or left');
  }

  private adopt<R>(task: Task<R>): Task<R> {
    this.children.add(task);
    task.then(() => this.finished(task), (error: unknown) => {
      if (!this.firstError && !CancelledError.is(error)) {
        this.firstError = { error }; // (and the group takes no more children: a late one would run on after the failure)
        for (const other of this.children) if (other !== task) void other.cancel(error);
      }
      this.finished(task);
    });
    return task;
  }

  private finished(task: Task<unknown>): void {
    this.children.delete(task);
    if (this.children.size === 0) {
      const idle = this.idle;
      this.idle = [];
      for (const resolve of idle) resolve();
    }
  }
}
