// TaskCell: the Task handle and TaskContext in one object, with the state machine every runtime shares.
//
// States and who moves them:
//   pending ──run()──▶ running ──fn settles──▶ completed | failed
//      │                  │
//      │ cancel()         │ cancel(): signal aborted, state stays running until fn settles,
//      ▼                  ▼           then the outcome is CancelledError whatever fn returned
//   cancelled          cancelled      (forceCancel(), used by shutdown, settles at once)
//
// A settled state never changes again. The cell IS a native promise whose prototype reports
// `constructor === Promise`, so `await task` takes the engine's fast path (no thenable job) and
// `then` makes plain promises. Before it rejects, the cell attaches a no-op handler of its own, so a
// failed task nobody awaits never becomes an unhandled rejection; a detached one is reported to
// `onUnhandledError` instead. The AbortController is made only when someone reads `signal`.
import { CancelledError } from '../errors.js';
import type { Awaitable, Task, TaskContext, TaskState } from '../executor.js';
import type { Runtime } from '../runtime.js';

/** What a cell reports to the set that owns it. */
export interface TaskOwner {
  readonly runtime: Runtime;
  settled(cell: TaskCell<unknown>): void;
  unhandled(error: unknown, cell: TaskCell<unknown>): void;
}

const noop = (): void => {};

// Captures a promise's resolve/reject during super(): module-level so no closure is made per task.
let captureResolve: ((value: unknown) => void) | undefined;
let captureReject: ((reason: unknown) => void) | undefined;
function capture(resolve: (value: unknown) => void, reject: (reason: unknown) => void): void {
  captureResolve = resolve;
  captureReject = reject;
}

export class TaskCell<T> extends Promise<T> implements Task<T>, TaskContext {
  // Fields are declared, then assigned in the constructor: cheaper than define-semantics class fields.
  declare state: TaskState;
  declare readonly id: number;
  declare readonly name: string | undefined;
  declare private readonly owner: TaskOwner;
  declare private readonly resolveFn: (value: unknown) => void;
  declare private readonly rejectFn: (reason: unknown) => void;
  declare private outcome: unknown;
  declare private cancelWaiters: Array<() => void> | undefined;
  declare private controller: AbortController | undefined;
  declare private cancelReason: unknown;
  declare private cancelRequested: boolean;
  declare private detached: boolean;
  declare private parentSignal: AbortSignal | undefined;
  declare private onParentAbort: (() => void) | undefined;
  /** Links of the owner's intrusive list of live tasks; only the owning TaskSet touches them. */
  declare liveNext: TaskCell<unknown> | undefined;
  declare livePrev: TaskCell<unknown> | undefined;

  constructor(id: number, owner: TaskOwner, name: string | undefined, signal?: AbortSignal) {
    super(capture as (resolve: (value: T | PromiseLike<T>) => void, reject: (reason?: unknown) => void) => void);
    this.resolveFn = captureResolve!;
    this.rejectFn = captureReject!;
    this.state = 'pending';
    this.id = id;
    this.name = name;
    this.owner = owner;
    this.outcome = undefined;
    this.cancelWaiters = undefined;
    this.controller = undefined;
    this.cancelReason = undefined;
    this.cancelRequested = false;
    this.detached = false;
    this.parentSignal = undefined;
    this.onParentAbort = undefined;
    this.liveNext = undefined;
    this.livePrev = undefined;
    if (signal) {
      if (signal.aborted) {
        this.cancel(signal.reason);
      } else {
        this.parentSignal = signal;
        this.onParentAbort = () => void this.cancel(signal.reason);
        signal.addEventListener('abort', this.onParentAbort, { once: true });
      }
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
    if (isThenable(result)) result.then(this.complete.bind(this), this.fail.bind(this));
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
    if (state === 'completed') {
      this.resolveFn(outcome);
    } else {
      // Marks the rejection handled before it happens: awaiting it still rejects, nobody awaiting stays quiet.
      Promise.prototype.then.call(this, undefined, noop);
      this.rejectFn(outcome);
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

// `constructor === Promise` on the prototype: `await`, `Promise.resolve(task)` and `then` treat a
// cell as the native promise it is, without species lookups or thenable jobs.
Object.defineProperty(TaskCell.prototype, 'constructor', { value: Promise, writable: true, configurable: true });
