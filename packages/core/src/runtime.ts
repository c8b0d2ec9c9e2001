// The Runtime: an executor and a reactor with one lifetime, chosen by the application.
import type { Capability } from './capabilities.js';
import type { Awaitable, Executor, Task, TaskContext } from './executor.js';
import type { Reactor } from './reactor.js';

/** Counters every runtime reports; a runtime may add its own (steals, parks, per-worker counts...). */
export interface RuntimeMetrics {
  spawned: number;
  completed: number;
  failed: number;
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

export interface ShutdownOptions {
  /** How long running tasks may go on before they are cancelled. Default 0. */
  graceMs?: number;
}

export interface Runtime extends AsyncDisposable {
  /** 'node' | 'local' | 'worksteal' | a third party's. */
  readonly name: string;
  readonly executor: Executor;
  readonly reactor: Reactor;
  readonly capabilities: ReadonlySet<Capability>;
  /** Runs `main` to completion (block_on). */
  run<T>(main: (cx: TaskContext) => Awaitable<T>): Promise<T>;
  /** Idempotent; afterwards spawn throws `RuntimeShutdownError`. */
  shutdown(opts?: ShutdownOptions): Promise<void>;
  metrics(): RuntimeMetrics;
}
