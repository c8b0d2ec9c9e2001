// The Executor: spawning tasks, portable task definitions and the Task handle.
import type { Runtime } from './runtime.js';

export type Awaitable<T> = T | PromiseLike<T>;

/** What a running task sees: its cancellation signal and the runtime of the thread it runs on. */
export interface TaskContext {
  /** Aborted on `cancel()` and on runtime shutdown. */
  readonly signal: AbortSignal;
  /** The runtime as seen from the thread this task runs on. */
  readonly runtime: Runtime;
  /**
   * The index (0-based) of the pool worker thread this task runs on, so a task can find its shard
   * on a thread-per-core runtime; `undefined` off a worker (the main thread, a blocking thread, and
   * every single-threaded runtime).
   */
  readonly worker?: number | undefined;
}

/**
 * A portable task: a named export of a module, so any thread can import and run it.
 * This is JavaScript's `Send`: closures cannot cross threads, module exports can.
 */
export interface TaskDef<A extends unknown[], R> {
  readonly module: string;
  readonly name: string;
  readonly fn: (cx: TaskContext, ...args: A) => Awaitable<R>;
}

export type TaskState = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

/** A handle on a spawned task. Await it for the result (or the task's error). */
export interface Task<T> extends PromiseLike<T> {
  readonly id: number;
  readonly state: TaskState;
  /** Aborts `cx.signal`; resolves once the task has settled. Awaiting a cancelled task rejects with `CancelledError`. */
  cancel(reason?: unknown): Promise<void>;
  /** Nobody will await: a failure goes to the runtime's `onUnhandledError`. */
  detach(): this;
}

export interface SpawnOptions {
  signal?: AbortSignal;
  name?: string;
  transfer?: Transferable[];
}

export interface Executor {
  /** Runs a portable task on any thread the runtime chooses. */
  spawn<A extends unknown[], R>(def: TaskDef<A, R>, args: A, opts?: SpawnOptions): Task<R>;
  /** Runs a closure on this thread. */
  spawnLocal<R>(fn: (cx: TaskContext) => Awaitable<R>, opts?: SpawnOptions): Task<R>;
  /** Runs a portable task off the event loop, on a thread meant for blocking work. */
  spawnBlocking<A extends unknown[], R>(def: TaskDef<A, R>, args: A, opts?: SpawnOptions): Task<R>;
  /** Synchronous fork-join (rayon::join): runs both, in parallel where the runtime can. */
  join<A1 extends unknown[], R1, A2 extends unknown[], R2>(
    a: TaskDef<A1, R1>, aArgs: A1, b: TaskDef<A2, R2>, bArgs: A2): [R1, R2];
  /** Lets every other ready task run before this one continues. */
  yieldNow(): Promise<void>;
}
