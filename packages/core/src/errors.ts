// The error family: one base class, a brand that survives duplicate installs, codes shared by every runtime.
import type { Capability } from './capabilities.js';

const KIND = Symbol.for('@runtime-traits/core/error-kind');

/** Base of every error a runtime raises. `RuntimeError.is(x)` works across duplicate installs of this package. */
export class RuntimeError extends Error {
  /** The class's brand; each subclass names its own. */
  static readonly kind: string = 'RuntimeError';
  declare readonly [KIND]: string;
  readonly code: string;

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
  constructor(message = 'The operation was cancelled', options?: { cause?: unknown }) {
    super(message, 'ABORT_ERR', options);
    this.name = 'AbortError';
  }
}

export class TimeoutError extends RuntimeError {
  static override readonly kind = 'TimeoutError';
  constructor(message = 'The operation timed out', options?: { cause?: unknown }) {
    super(message, 'ETIMEDOUT', options);
    this.name = 'TimeoutError';
  }
}

export class RuntimeShutdownError extends RuntimeError {
  static override readonly kind = 'RuntimeShutdownError';
  constructor(message = 'The runtime has been shut down', options?: { cause?: unknown }) {
    super(message, 'ERR_RUNTIME_SHUTDOWN', options);
    this.name = 'RuntimeShutdownError';
  }
}

export class UnsupportedError extends RuntimeError {
  static override readonly kind = 'UnsupportedError';
  /** The capability that is missing; undefined only when the error was made without naming one. */
  readonly capability: Capability | undefined;
  constructor(
    capability?: Capability,
    message = capability === undefined ? 'This runtime does not support the operation' : `This runtime lacks the capability '${capability}'`,
  ) {
    super(message, 'ERR_UNSUPPORTED');
    this.name = 'UnsupportedError';
    this.capability = capability;
  }
}

export class WorkerCrashedError extends RuntimeError {
  static override readonly kind = 'WorkerCrashedError';
  constructor(message = 'The worker running this task died', options?: { cause?: unknown }) {
    super(message, 'ERR_WORKER_CRASHED', options);
    this.name = 'WorkerCrashedError';
  }
}

/** No task can make progress and nothing is pending. `tasks` names the stuck ones. */
export class DeadlockError extends RuntimeError {
  static override readonly kind = 'DeadlockError';
  readonly tasks: readonly string[];
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
  readonly syscall: string | undefined;
  constructor(code: NetErrorCode = 'EIO', message = `Network operation failed (${code})`, options?: { cause?: unknown; syscall?: string }) {
    super(message, code, options);
    this.name = 'NetError';
    this.syscall = options?.syscall;
  }
}
