// The error family: one base class, a brand that survives duplicate installs, codes shared by every runtime.
import type { Capability } from './capabilities.js';

const KIND = Symbol.for('@runtime-traits/core/error-kind');

/** Base of every error a runtime raises. `RuntimeError.is(x)` works across duplicate installs of this package. */
export class RuntimeError extends Error {
  /** The class's brand; each subclass names its own. */
  static readonly kind: string = 'RuntimeError';
  /** The brand `is()` reads: the `kind` of the class that constructed this error. Not enumerable. */
  declare readonly [KIND]: string;
  /**
   * A stable machine-readable code: `ERR_RUNTIME` here, `ABORT_ERR`, `ETIMEDOUT`, `ERR_RUNTIME_SHUTDOWN`,
   * `ERR_UNSUPPORTED`, `ERR_WORKER_CRASHED`, `ERR_DEADLOCK` on the subclasses, the errno name on a `NetError`.
   */
  readonly code: string;

  /**
   * @param message What went wrong, for people.
   * @param code The machine-readable code (see {@link RuntimeError.code}).
   * @param options `cause`: the underlying error, kept as `error.cause`.
   */

  constructor(message = 'A runtime operation failed', code = 'ERR_RUNTIME', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuntimeError';
    this.code = code;
    Object.defineProperty(this, KIND, { value: (new.target as typeof RuntimeError).kind });
  }

  /** True for an instance of this class (or, on `RuntimeError`, of any class of the family), from any copy of the package. */
  static is<T extends RuntimeError>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    if (typeof value !== 'object' || value === null) return false;
    let kind: unknown;
    try {
      kind = (value as { [KIND]?: unknown })[KIND];
    } catch {
      return false; // a proxy whose traps throw, a revoked proxy: not one of ours
    }
    if (typeof kind !== 'string') return false;
    const wanted = (this as unknown as typeof RuntimeError).kind;
    return wanted === RuntimeError.kind || kind === wanted;
  }
}

/** A task or an operation was cancelled. Named `AbortError`, like the platform's own. */
export class CancelledError extends RuntimeError {
  static override readonly kind = 'CancelledError';
  /**
   * @param message What was cancelled, for people.
   * @param options `cause`: usually the abort signal's `reason`.
   */
  constructor(message = 'The operation was cancelled', options?: { cause?: unknown }) {
    super(message, 'ABORT_ERR', options);
    this.name = 'AbortError';
  }
}

/** A deadline passed before the operation finished (a connect, a sleep raced by a timeout, a shutdown grace period). Code `ETIMEDOUT`. */
export class TimeoutError extends RuntimeError {
  static override readonly kind = 'TimeoutError';
  /**
   * @param message Says what timed out, for people.
   * @param options `cause`: the underlying error, kept as `error.cause`.
   */
  constructor(message = 'The operation timed out', options?: { cause?: unknown }) {
    super(message, 'ETIMEDOUT', options);
    this.name = 'TimeoutError';
  }
}

/**
 * The runtime was shut down: raised by `spawn*`, `connect` and `listen` after `shutdown()` began, and by tasks
 * still running when its grace period ran out. Code `ERR_RUNTIME_SHUTDOWN`.
 */
export class RuntimeShutdownError extends RuntimeError {
  static override readonly kind = 'RuntimeShutdownError';
  /**
   * @param message Says what was refused, for people.
   * @param options `cause`: the underlying error, kept as `error.cause`.
   */
  constructor(message = 'The runtime has been shut down', options?: { cause?: unknown }) {
    super(message, 'ERR_RUNTIME_SHUTDOWN', options);
    this.name = 'RuntimeShutdownError';
  }
}

/**
 * The runtime lacks a capability the call needs (for instance `spawnBlocking` on a runtime without
 * `spawn.blocking`). Code `ERR_UNSUPPORTED`. Check `runtime.capabilities` first to avoid it.
 */
export class UnsupportedError extends RuntimeError {
  static override readonly kind = 'UnsupportedError';
  /** The capability that is missing; undefined only when the error was made without naming one. */
  readonly capability: Capability | undefined;
  /**
   * @param capability The missing capability, if known.
   * @param message Defaults to a sentence naming the capability.
   */
  constructor(
    capability?: Capability,
    message = capability === undefined ? 'This runtime does not support the operation' : `This runtime lacks the capability '${capability}'`,
  ) {
    super(message, 'ERR_UNSUPPORTED');
    this.name = 'UnsupportedError';
    this.capability = capability;
  }
}

/**
 * The thread, process or remote worker running a task died (or could not start) before the task settled.
 * The task did not finish; whether its side effects happened is unknown. Code `ERR_WORKER_CRASHED`.
 */
export class WorkerCrashedError extends RuntimeError {
  static override readonly kind = 'WorkerCrashedError';
  /**
   * @param message Says which worker died and how, for people.
   * @param options `cause`: the underlying error, kept as `error.cause`.
   */
  constructor(message = 'The worker running this task died', options?: { cause?: unknown }) {
    super(message, 'ERR_WORKER_CRASHED', options);
    this.name = 'WorkerCrashedError';
  }
}

/** No task can make progress and nothing is pending. `tasks` names the stuck ones. */
export class DeadlockError extends RuntimeError {
  static override readonly kind = 'DeadlockError';
  /** Names (or ids) of the tasks that were waiting when the deadlock was found; empty when none were named. */
  readonly tasks: readonly string[];
  /**
   * @param tasks The stuck tasks, by name.
   * @param message Defaults to a sentence listing them.
   */
  constructor(
    tasks: readonly string[] = [],
    message = `Deadlock: no task can make progress (stuck: ${Array.isArray(tasks) && tasks.length > 0 ? tasks.join(', ') : 'none named'})`,
  ) {
    super(message, 'ERR_DEADLOCK');
    this.name = 'DeadlockError';
    this.tasks = tasks;
  }
}

/** The errno names a `NetError` may carry, on every runtime (the simulated network included). */
export type NetErrorCode =
  | 'ECONNREFUSED' | 'ECONNRESET' | 'ECONNABORTED' | 'EADDRINUSE' | 'EADDRNOTAVAIL' | 'ENOTFOUND'
  | 'EHOSTUNREACH' | 'ENETUNREACH' | 'EPIPE' | 'ENOENT' | 'EACCES' | 'EAI_AGAIN' | 'EPROTO'
  | 'ERR_TLS_CERT' | 'ENOTCONN' | 'EMSGSIZE'
  // Any other errno the platform reports passes through with its own name.
  | (string & {});

/** A network failure; `code` is the errno name. */
export class NetError extends RuntimeError {
  static override readonly kind = 'NetError';
  /** The operation that failed (`connect`, `listen`, `read`, `write`, `getaddrinfo`…), when the runtime knows it. */
  readonly syscall: string | undefined;
  /**
   * @param code The errno name, kept as `error.code`; `EIO` when not given.
   * @param message Defaults to a sentence naming the code.
   * @param options `cause`: the platform's own error; `syscall`: the failed operation.
   */
  constructor(code: NetErrorCode = 'EIO', message = `Network operation failed (${code})`, options?: { cause?: unknown; syscall?: string }) {
    super(message, code, options);
    this.name = 'NetError';
    this.syscall = options?.syscall;
  }
}
