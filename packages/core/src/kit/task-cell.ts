// TaskCell: the Task handle and TaskContext in one object, with the state machine every runtime shares.
//
// States and who moves them:
//   pending ──run()──▶ running ──fn settles──▶ completed | failed
//      │                  │
//      │ cancel()         │ cancel(): signal aborted, state stays running until fn settles,
//      ▼                  ▼           then the outcome is CancelledError whatever fn returned
//   cancelled          cancelled      (forceCancel(), used by shutdown, settles at once)
//
// A settled state never changes again. The promise behind `then` is made only when someone awaits,
// so a failed task nobody awaits never becomes an unhandled rejection; a detached one is reported
// to `onUnhandledError` instead. The AbortController is made only when someone reads `signal`.
import { CancelledError } from '../errors.js';
import type { Awaitable, Task, TaskContext, TaskState } from '../executor.js';
import type { Runtime } from '../runtime.js';
import { deferred, type Deferred } from './deferred.js';

/** What a cell reports to the set that owns it. */
export interface TaskOwner {
  readonly runtime: Runtime;
  settled(cell: TaskCell<unknown>): void;
  unhandled(error: unknown, cell: TaskCell<unknown>): void;
}

const noop = (): void => {};

export class TaskCell<T> implements Task<T>, TaskContext {
  state: TaskState = 'pending';
  private outcome: unknown;
  private waiter: Deferred<T> | undefined;
  private cancelWaiters: Array<() => void> | undefined;
  private controller: AbortController | undefined;
  private cancelReason: unknown;
  private cancelRequested = false;
  private detached = false;
  private parentSignal: AbortSignal | undefined;
  private readonly onParentAbort: (() => void) | undefined;

  constructor(
    readonly id: number,
    private readonly owner: TaskOwner,
    readonly name: string | undefined,
    signal?: AbortSignal,
  ) {
    if (signal) {
      this.parentSignal = signal;
      this.onParentAbort = () => void this.cancel(signal.reason);
      if (signal.aborted) this.cancel(signal.reason);
      else signal.addEventListener('abort', this.onParentAbort, { once: true });
    }
  }

  // ── TaskContext ────────────────────────────────────────────────────────────
  get runtime(): Runtime {
    return this.owner.runtime;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.cancelRequested || this.state === 'cancelled') this.controller.abort(this.cancelReason);
    }
    return this.controller.signal;
  }

  /** True once cancellation was asked for (cheaper than reading `signal`, which makes a controller). */
  get cancelling(): boolean {
    return this.cancelRequested;
  }

  // ── Task ───────────────────────────────────────────────────────────────────
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    let promise: Promise<T>;
    if (this.state === 'completed') promise = Promise.resolve(this.outcome as T);
    else if (this.state === 'failed' || this.state === 'cancelled') promise = Promise.reject(this.outcome);
    else promise = (this.waiter ??= deferred<T>()).promise;
    return promise.then(onfulfilled, onrejected);
  }

  cancel(reason?: unknown): Promise<void> {
    if (this.isSettled()) return Promise.resolve();
    if (this.state === 'pending') {
      this.cancelRequested = true;
      this.cancelReason = reason;
      this.controller?.abort(reason);
      this.settle('cancelled', cancelledError(reason));
      return Promise.resolve();
    }
    if (!this.cancelRequested) {
      this.cancelRequested = true;
      this.cancelReason = reason;
      this.abortRunning(reason);
    }
    return new Promise<void>((resolve) => (this.cancelWaiters ??= []).push(resolve));
  }

  /** Cancels and settles now, without waiting for a running body to notice (shutdown uses this). */
  forceCancel(reason?: unknown): void {
    if (this.isSettled()) return;
    if (!this.cancelRequested) {
      this.cancelRequested = true;
      this.cancelReason = reason;
      this.abortRunning(reason);
    }
    this.settle('cancelled', cancelledError(reason));
  }

  detach(): this {
    if (!this.detached) {
      this.detached = true;
      if (this.state === 'failed') this.owner.unhandled(this.outcome, this);
    }
    return this;
  }

  // ── For the runtime ────────────────────────────────────────────────────────
  /** Runs the body on this thread. Does nothing when the task was cancelled before it started. */
  run(fn: (cx: TaskContext) => Awaitable<T>): void {
    if (!this.start()) return;
    let result: Awaitable<T>;
    try {
      result = fn(this);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (isThenable(result)) result.then((value) => this.complete(value), (error) => this.fail(error));
    else this.complete(result);
  }

  /** pending → running; false when the task no longer wants to run. A runtime running the body elsewhere calls this, then complete()/fail(). */
  start(): boolean {
    if (this.state !== 'pending') return false;
    this.state = 'running';
    return true;
  }

  complete(value: T): void {
    if (this.isSettled()) return;
    if (this.cancelRequested) this.settle('cancelled', cancelledError(this.cancelReason));
    else this.settle('completed', value);
  }

  fail(error: unknown): void {
    if (this.isSettled()) return;
    if (this.cancelRequested) this.settle('cancelled', CancelledError.is(error) ? error : cancelledError(this.cancelReason));
    else this.settle('failed', error);
  }

  isSettled(): boolean {
    return this.state === 'completed' || this.state === 'failed' || this.state === 'cancelled';
  }

  /** Asks a running body to stop. A runtime whose body runs on another thread overrides this to tell that thread. */
  protected abortRunning(reason: unknown): void {
    this.controller?.abort(reason);
  }

  private settle(state: 'completed' | 'failed' | 'cancelled', outcome: unknown): void {
    this.state = state;
    this.outcome = outcome;
    if (this.parentSignal) {
      this.parentSignal.removeEventListener('abort', this.onParentAbort!);
      this.parentSignal = undefined;
    }
    this.owner.settled(this);
    const waiter = this.waiter;
    if (waiter) {
      if (state === 'completed') waiter.resolve(outcome as T);
      else {
        waiter.promise.catch(noop); // the awaiting side handles it; this only keeps Node quiet if it stopped awaiting
        waiter.reject(outcome);
      }
    }
    if (state === 'failed' && this.detached) this.owner.unhandled(outcome, this);
    const cancelWaiters = this.cancelWaiters;
    if (cancelWaiters) {
      this.cancelWaiters = undefined;
      for (const resolve of cancelWaiters) resolve();
    }
  }
}

export function cancelledError(reason: unknown): CancelledError {
  if (CancelledError.is(reason)) return reason;
  return new CancelledError('The task was cancelled', reason === undefined ? undefined : { cause: reason });
}

export function isThenable<T>(value: unknown): value is PromiseLike<T> {
  return value !== null && (typeof value === 'object' || typeof value === 'function')
    && typeof (value as PromiseLike<T>).then === 'function';
}
