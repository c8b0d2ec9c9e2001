// The Executor: spawning tasks, portable task definitions and the Task handle.
import type { Runtime } from './runtime.js';

/** A value or something that resolves to one: what a task body may return. */
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
  /** URL of the module that exports the definition (its `import.meta.url`); another thread imports it from there. */
  readonly module: string;
  /** The name the module exports the definition under; the task's name in errors and metrics. */
  readonly name: string;
  /** The body: receives the task's context and the spawn arguments, returns the result (or a promise of it). */
  readonly fn: (cx: TaskContext, ...args: A) => Awaitable<R>;
}

/**
 * Where a task is in its life: `pending` (spawned, not started), `running`, then exactly one of `completed`,
 * `failed` or `cancelled`, which never changes again.
 */
export type TaskState = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

/** A handle on a spawned task. Await it for the result (or the task's error). */
export interface Task<T> extends PromiseLike<T> {
  /** Unique among the tasks of one runtime; shown in errors, traces and deadlock reports. */
  readonly id: number;
  /** The task's current state, read when accessed (see {@link TaskState}). */
  readonly state: TaskState;
  /** Aborts `cx.signal`; resolves once the task has settled. Awaiting a cancelled task rejects with `CancelledError`. */
  cancel(reason?: unknown): Promise<void>;
  /** Nobody will await: a failure goes to the runtime's `onUnhandledError`. */
  detach(): this;
}

/** Options of every `spawn*` method. Invalid values throw `TypeError` naming the option. */
export interface SpawnOptions {
  /** Cancels the task when aborted, as `task.cancel(signal.reason)` would; an already aborted signal cancels it before it starts. */
  signal?: AbortSignal;
  /** A name for errors, metrics and traces; defaults to the definition's `name` (or `spawnLocal` for closures). */
  name?: string;
  /** Objects to move, not copy, to the thread that runs the task (as `postMessage` transfers them); ignored where the task stays on this thread. */
  transfer?: Transferable[];
}

/**
 * Spawns tasks. Every method checks its arguments first (`TypeError` naming the bad one) and throws
 * `RuntimeShutdownError` once the runtime is shutting down.
 */
export interface Executor {
  /**
   * Runs a portable task on any thread the runtime chooses (another thread only with `spawn.parallel`).
   * `args` must be structured-cloneable when the task may leave this thread. The task's error, or
   * `CancelledError` if it was cancelled, rejects the returned handle.
   */
  spawn<A extends unknown[], R>(def: TaskDef<A, R>, args: A, opts?: SpawnOptions): Task<R>;
  /**
   * Runs a closure on this thread, after the current synchronous code (never inside the call). The closure may
   * capture anything, since it never leaves the thread. `TypeError` when `fn` is not a function.
   */
  spawnLocal<R>(fn: (cx: TaskContext) => Awaitable<R>, opts?: SpawnOptions): Task<R>;
  /**
   * Runs a portable task off the event loop, on a thread meant for blocking work (synchronous CPU or IO),
   * so the loop stays responsive. Where the runtime lacks `spawn.blocking` it runs like `spawn` (see the
   * runtime's README). The task's error, or `CancelledError`, rejects the handle; a dead thread, `WorkerCrashedError`.
   */
  spawnBlocking<A extends unknown[], R>(def: TaskDef<A, R>, args: A, opts?: SpawnOptions): Task<R>;
  /**
   * Synchronous fork-join (rayon::join): runs both bodies and returns both results, in parallel where the
   * runtime has `join.parallel`, one after the other otherwise. Bodies must be synchronous: one that returns
   * a thenable throws `TypeError`. An error thrown by either body is rethrown.
   */
  join<A1 extends unknown[], R1, A2 extends unknown[], R2>(
    a: TaskDef<A1, R1>, aArgs: A1, b: TaskDef<A2, R2>, bArgs: A2): [R1, R2];
  /** Lets every other ready task run before this one continues. */
  yieldNow(): Promise<void>;
}
