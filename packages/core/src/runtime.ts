// The Runtime: an executor and a reactor with one lifetime, chosen by the application.
import type { Capability } from './capabilities.js';
import type { Awaitable, Executor, Task, TaskContext } from './executor.js';
import type { Reactor } from './reactor.js';

/** Counters every runtime reports; a runtime may add its own (steals, parks, per-worker counts...). */
export interface RuntimeMetrics {
  /** Tasks spawned since the runtime was created. */
  spawned: number;
  /** Tasks that returned a value. */
  completed: number;
  /** Tasks that threw (or whose worker crashed). */
  failed: number;
  /** Tasks that ended cancelled. */
  cancelled: number;
  /** Tasks spawned and not yet settled. */
  active: number;
  /** Tasks waiting to start. */
  queueDepth: number;
  [extra: string]: unknown;
}

/** Options every runtime's `create()` accepts. */
export interface RuntimeOptions {
  /** Receives failures of detached tasks. Default: printed to the console. */
  onUnhandledError?: (error: unknown, task: Task<unknown>) => void;
}

/** Options of `Runtime.shutdown`. */
export interface ShutdownOptions {
  /** How long running tasks may go on before they are cancelled. Default 0. */
  graceMs?: number;
}

/**
 * An executor and a reactor with one lifetime, chosen by the application. `await using` shuts it down
 * (grace 0).
 */
export interface Runtime extends AsyncDisposable {
  /** 'node' | 'local' | 'worksteal' | a third party's. */
  readonly name: string;
  /** Spawns tasks on this runtime. */
  readonly executor: Executor;
  /** This runtime's clock and network. */
  readonly reactor: Reactor;
  /** What this runtime can do; a method needing an absent capability throws `UnsupportedError`. */
  readonly capabilities: ReadonlySet<Capability>;
  /**
   * Runs `main` as a task on this thread and resolves with its result (block_on); rejects with its error.
   * `TypeError` when `main` is not a function; rejects with `RuntimeShutdownError` after `shutdown()`.
   */
  run<T>(main: (cx: TaskContext) => Awaitable<T>): Promise<T>;
  /** Idempotent; afterwards spawn throws `RuntimeShutdownError`. */
  shutdown(opts?: ShutdownOptions): Promise<void>;
  /** A snapshot of the runtime's counters, taken when called. */
  metrics(): RuntimeMetrics;
}
