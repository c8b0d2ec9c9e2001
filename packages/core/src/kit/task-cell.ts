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

/** What a task needs only once it is named, cancelled, detached, failed or asked for its signal. */
interface CellExtras {
  name: string | undefined;
  controller: AbortController | undefined;
  cancelRequested: boolean;
  cancelReason: unknown;
  cancelWaiters: Array<() => void> | undefined;
  detached: boolean;
  failure: unknown;
  parentSignal: AbortSignal | undefined;
  onParentAbort: (() => void) | undefined;
}

export class TaskCell<T> extends Promise<T> implements Task<T>, TaskContext {
  // Eight fields, assigned in the constructor (cheaper than define-semantics class fields); the rare
  // ones live in `extras`, made on first need. Each field costs about 3 ns a task here.
  declare state: TaskState;
  declare readonly id: number;
  declare private readonly owner: TaskOwner;
  declare private readonly resolveFn: (value: unknown) => void;
  declare private readonly rejectFn: (reason: unknown) => void;
  declare private extras: CellExtras | undefined;
  /** Links of the owner's intrusive list of live tasks; only the owning TaskSet touches them. */
  declare liveNext: TaskCell<unknown> | undefined;
  declare livePrev: TaskCell<unknown> | undefined;

  constructor(id: number, owner: TaskOwner, name: string | undefined, signal?: AbortSignal) {
    super(capture as (resolve: (value: T | PromiseLike<T>) => void, reject: (reason?: unknown) => void) => void);
    this.resolveFn = captureResolve!;
    this.rejectFn = captureReject!;
    this.state = 'pending';
    this.id = id;
    this.owner = owner;
    this.extras = undefined;
    this.liveNext = undefined;
    this.livePrev = undefined;
    if (new.target !== TaskCell) actAsPromise(new.target.prototype);
    if (name !== undefined) this.more().name = name;
    if (signal) {
      if (signal.aborted) {
        this.cancel(signal.reason);
      } else {
        const extras = this.more();
        extras.parentSignal = signal;
        extras.onParentAbort = () => void this.cancel(signal.reason);
        signal.addEventListener('abort', extras.onParentAbort, { once: true });
      }
    }
  }

  /** The `name` given at spawn, if any. */
  get name(): string | undefined {
    return this.extras?.name;
  }

  // ── TaskContext ────────────────────────────────────────────────────────────
  get runtime(): Runtime {
    return this.owner.runtime;
  }

  get signal(): AbortSignal {
    const extras = this.more();
    if (!extras.controller) {
      extras.controller = new AbortController();
      if (extras.cancelRequested || this.state === 'cancelled') extras.controller.abort(extras.cancelReason);
    }
    return extras.controller.signal;
  }

  /** True once cancellation was asked for (cheaper than reading `signal`, which makes a controller). */
  get cancelling(): boolean {
    return this.extras?.cancelRequested === true;
  }

  // ── Task ───────────────────────────────────────────────────────────────────
  cancel(reason?: unknown): Promise<void> {
    if (this.isSettled()) return Promise.resolve();
    const extras = this.more();
    if (this.state === 'pending') {
      extras.cancelRequested = true;
      extras.cancelReason = reason;
      extras.controller?.abort(reason);
      this.settle('cancelled', cancelledError(reason));
      return Promise.resolve();
    }
    if (!extras.cancelRequested) {
      extras.cancelRequested = true;
      extras.cancelReason = reason;
      this.abortRunning(reason);
    }
    return new Promise<void>((resolve) => (extras.cancelWaiters ??= []).push(resolve));
  }

  /** Cancels and settles now, without waiting for a running body to notice (shutdown uses this). */
  forceCancel(reason?: unknown): void {
    if (this.isSettled()) return;
    const extras = this.more();
    if (!extras.cancelRequested) {
      extras.cancelRequested = true;
      extras.cancelReason = reason;
      this.abortRunning(reason);
    }
    this.settle('cancelled', cancelledError(reason));
  }

  detach(): this {
    const extras = this.more();
    if (!extras.detached) {
      extras.detached = true;
      if (this.state === 'failed') this.owner.unhandled(extras.failure, this);
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
    if (this.extras?.cancelRequested) this.settle('cancelled', cancelledError(this.extras.cancelReason));
    else this.settle('completed', value);
  }

  fail(error: unknown): void {
    if (this.isSettled()) return;
    if (this.extras?.cancelRequested) this.settle('cancelled', CancelledError.is(error) ? error : cancelledError(this.extras.cancelReason));
    else this.settle('failed', error);
  }

  isSettled(): boolean {
    return this.state === 'completed' || this.state === 'failed' || this.state === 'cancelled';
  }

  /** Asks a running body to stop. A runtime whose body runs on another thread overrides this to tell that thread. */
  protected abortRunning(reason: unknown): void {
    this.extras?.controller?.abort(reason);
  }

  private more(): CellExtras {
    return this.extras ??= {
      name: undefined, controller: undefined, cancelRequested: false, cancelReason: undefined,
      cancelWaiters: undefined, detached: false, failure: undefined, parentSignal: undefined, onParentAbort: undefined,
    };
  }

  private settle(state: 'completed' | 'failed' | 'cancelled', outcome: unknown): void {
    this.state = state;
    const extras = this.extras;
    if (extras?.parentSignal) {
      extras.parentSignal.removeEventListener('abort', extras.onParentAbort!);
      extras.parentSignal = undefined;
    }
    this.owner.settled(this);
    if (state === 'completed') {
      this.resolveFn(outcome);
      return;
    }
    // Marks the rejection handled before it happens: awaiting it still rejects, nobody awaiting stays quiet.
    Promise.prototype.then.call(this, undefined, noop);
    this.rejectFn(outcome);
    if (state === 'failed') {
      this.more().failure = outcome;
      if (extras?.detached) this.owner.unhandled(outcome, this);
    }
    const cancelWaiters = extras?.cancelWaiters;
    if (cancelWaiters) {
      extras.cancelWaiters = undefined;
      for (const resolve of cancelWaiters) resolve();
    }
  }
}

/**
 * `constructor === Promise` on a cell's prototype: `await`, `Promise.resolve(task)` and `then` treat
 * the cell as the native promise it is — no thenable job, and `then` never calls TaskCell (or a
 * runtime's subclass, whose class syntax puts its own `constructor` there) as a species constructor.
 */
const actingAsPromise = new WeakSet<object>();
function actAsPromise(proto: object): void {
  if (actingAsPromise.has(proto)) return;
  Object.defineProperty(proto, 'constructor', { value: Promise, writable: true, configurable: true });
  actingAsPromise.add(proto);
}
actAsPromise(TaskCell.prototype);

export function cancelledError(reason: unknown): CancelledError {
  if (CancelledError.is(reason)) return reason;
  return new CancelledError('The task was cancelled', reason === undefined ? undefined : { cause: reason });
}

export function isThenable<T>(value: unknown): value is PromiseLike<T> {
  return value !== null && (typeof value === 'object' || typeof value === 'function')
    && typeof (value as PromiseLike<T>).then === 'function';
}
