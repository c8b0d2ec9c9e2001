// TaskCell: a task's state machine and its TaskContext; the Task the caller awaits is a native promise beside it.
//
// States and who moves them:
//   pending ──start()──▶ running ──body settles──▶ completed | failed
//      │                    │
//      │ cancel()           │ cancel(): signal aborted, state stays running until the body settles,
//      ▼                    ▼           then the outcome is CancelledError whatever the body returned
//   cancelled            cancelled      (forceCancel(), used by shutdown, settles at once)
// A settled state never changes again.
//
// WHY the handle is not this object: `await` takes V8's fastest path only for a promise whose
// prototype is Promise.prototype, and a promise subclass also costs ~25 ns more to construct; so the
// handle is a plain native promise carrying the Task members (task-handle.ts). Two kinds:
//   - a job handle: the promise of `RESOLVED.then(runNext)`, made by TaskSet.runSoon. The body runs
//     in that very job and the handle takes its result, so a task costs one promise and one job, like
//     `Promise.resolve().then(body)` in plain JavaScript (see runJob);
//   - a settled-from-outside handle, `new Promise(...)`, for bodies that run elsewhere (another
//     thread, another machine, a deterministic scheduler): start(), then complete()/fail().
// A cell whose state lives elsewhere (worksteal reads it from shared memory) sets `liveState`; its
// handle is then a LiveHandle, a promise subclass whose `state` getter asks the cell.
//
// Before a handle rejects it gets a no-op handler, so a failed task nobody awaits never becomes an
// unhandled rejection; a detached one is reported to `onUnhandledError` instead. The AbortController is
// made only when someone reads `signal`.
import { CancelledError, type Awaitable, type Runtime, type Task, type TaskContext, type TaskState } from '@runtime-traits/core';
import { isThenable } from '@runtime-traits/core/kit';
import { keepResolve, keptResolve } from './resolvers.js';
import { youngArray } from './young-array.js';
import { dress, LiveHandle, type TaskHandle } from './task-handle.js';

/** What a cell reports to the set that owns it. */
export interface TaskOwner {
  /** The runtime a task's `cx.runtime` returns. */
  readonly runtime: Runtime;
  /** cx.worker of the tasks it owns: the pool worker's index, undefined off a worker. */
  readonly worker?: number | undefined;
  /** Called once, when `cell` reaches completed, failed or cancelled. */
  settled(cell: TaskCell<unknown>): void;
  /** Called with the failure of a detached task (on `detach()` of a failed one, or when a detached one fails). */
  unhandled(error: unknown, task: Task<unknown>): void;
}

type Body<T> = (cx: TaskContext) => Awaitable<T>;

const noop = (): void => {};

/** What a task needs only once it is named, cancelled, detached, failed or asked for its signal. */
interface CellExtras {
  name: string | undefined;
  controller: AbortController | undefined;
  cancelRequested: boolean;
  cancelReason: unknown;
  cancelWaiters: Array<() => void> | undefined;
  detached: boolean;
  /** The rejection of a failed or cancelled task. */
  failure: unknown;
  parentSignal: AbortSignal | undefined;
  onParentAbort: (() => void) | undefined;
}

/**
 * A task's state machine and its `TaskContext`; `handle` is the `Task` the caller awaits. A runtime
 * makes cells through a {@link TaskSet}, runs the body with `run()`/`runJob()` on this thread, or calls
 * `start()` and then `complete()`/`fail()` when the body runs elsewhere. See the file header for the
 * states and who moves them.
 */
export class TaskCell<T> implements TaskContext {
  /** Set by a subclass whose `state` is computed: its handle then asks the cell instead of holding a copy. */
  static readonly liveState: boolean = false;

  // Fields are assigned in the constructor (cheaper than define-semantics class fields); the rare ones
  // live in `extras`, made on first need.
  /** The current state; a settled state never changes again. */
  declare state: TaskState;
  /** The task's id, unique within its TaskSet. */
  declare readonly id: number;
  /** The `Task` given to the caller: a native promise carrying `id`, `state`, `cancel` and `detach`. */
  declare readonly handle: TaskHandle<T>;
  declare private readonly owner: TaskOwner;
  /** Settles the promise the handle follows; undefined while a job handle's body has not gone async. */
  declare private resolveFn: ((value: unknown) => void) | undefined;
  declare private extras: CellExtras | undefined;
  /** A job handle's body until its job takes it (TaskSet.runSoon). */
  declare body: Body<T> | undefined;
  /** Links of the owner's intrusive list of live tasks; only the owning TaskSet touches them. */
  declare liveNext: TaskCell<unknown> | undefined;
  /** The previous link of the owner's list of live tasks; only the owning TaskSet touches it. */
  declare livePrev: TaskCell<unknown> | undefined;

  /**
   * `job`: the promise of the job that will call runJob(); without it the handle is settled from
   * outside. `body`: what that job runs, when the job finds it on the cell (TaskSet.runSoon's do).
   */
  constructor(id: number, owner: TaskOwner, name: string | undefined, signal?: AbortSignal, job?: Promise<unknown>, body?: Body<T>) {
    this.state = 'pending';
    this.id = id;
    this.owner = owner;
    this.extras = undefined;
    this.body = body;
    this.liveNext = undefined;
    this.livePrev = undefined;
    if ((new.target as typeof TaskCell).liveState) {
      this.handle = new LiveHandle<T>(this) as unknown as TaskHandle<T>;
    } else {
      this.handle = dress(job ?? new Promise(keepResolve), this) as TaskHandle<T>;
    }
    this.resolveFn = job ? undefined : keptResolve;
    if (name !== undefined) this.more().name = name;
    if (signal) this.follow(signal);
  }

  /** Cancels with the spawn signal. (Its own method: a closure in the constructor would cost every task a context.) */
  private follow(signal: AbortSignal): void {
    if (signal.aborted) {
      this.cancel(signal.reason);
      return;
    }
    const extras = this.more();
    extras.parentSignal = signal;
    extras.onParentAbort = () => void this.cancel(signal.reason);
    signal.addEventListener('abort', extras.onParentAbort, { once: true });
  }

  /** The `name` given at spawn, if any. */
  get name(): string | undefined {
    return this.extras?.name;
  }

  // ── TaskContext ────────────────────────────────────────────────────────────
  get runtime(): Runtime {
    return this.owner.runtime;
  }

  get worker(): number | undefined {
    return this.owner.worker;
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

  /** The reason cancellation was asked for with (undefined when it was not, or was asked without one). */
  get cancelReason(): unknown {
    return this.extras?.cancelReason;
  }

  // ── Task ───────────────────────────────────────────────────────────────────
  /**
   * `Task.cancel`: a pending task settles cancelled at once; a running one has its signal aborted and
   * settles cancelled when its body settles. Resolves once the task has settled; idempotent.
   */
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
      // A runtime may settle the task right there (the body's own abort handler, or a runtime whose
      // body runs elsewhere and cannot wait): nobody would resolve a waiter added after that.
      if (this.isSettled()) return Promise.resolve();
    }
    return new Promise<void>((resolve) => (extras.cancelWaiters ??= youngArray()).push(resolve));
  }

  /**
   * Cancels and settles now, without waiting for a running body to notice (shutdown uses this).
   * `rejection`: the CancelledError the handle rejects with, when many cells share one reason.
   */
  forceCancel(reason?: unknown, rejection?: CancelledError): void {
    if (this.isSettled()) return;
    const extras = this.more();
    if (!extras.cancelRequested) {
      extras.cancelRequested = true;
      extras.cancelReason = reason;
      this.abortRunning(reason);
    }
    this.settle('cancelled', rejection ?? cancelledError(reason));
  }

  /** `Task.detach`: a failure of this task (already happened or to come) goes to the owner's `unhandled`. */
  detach(): void {
    const extras = this.more();
    if (!extras.detached) {
      extras.detached = true;
      if (this.state === 'failed') this.owner.unhandled(extras.failure, this.handle);
    }
  }

  // ── For the runtime ────────────────────────────────────────────────────────
  /** Runs the body on this thread and settles the handle. Does nothing when the task was cancelled before it started. */
  run(fn: Body<T>): void {
    if (!this.start()) return;
    let result: Awaitable<T>;
    try {
      result = fn(this);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (isThenable(result)) this.settleWith(result);
    else this.complete(result);
  }

  /**
   * Runs the body inside the job whose promise is this cell's handle, and returns (or throws) what the
   * handle settles with. A body that goes async gets a promise the cell can still settle from outside.
   */
  runJob(fn: Body<T>): unknown {
    if (this.start()) {
      let result: Awaitable<T>;
      try {
        result = fn(this);
      } catch (error) {
        this.fail(error);
        throw this.extras!.failure;
      }
      if (!isThenable(result)) {
        if (this.extras === undefined) { // the common tiny task: never named, cancelled or asked for its signal
          this.setState('completed');
          this.owner.settled(this as TaskCell<unknown>);
          return result;
        }
        this.complete(result);
        if (this.state === 'completed') return result;
      } else if (!this.isSettled()) {
        const outcome = new Promise(keepResolve); // made first: a thenable may call back synchronously
        this.resolveFn = keptResolve;
        this.settleWith(result);
        return outcome;
      } else {
        this.settleWith(result); // the body cancelled its own task: only observe the thenable
      }
    }
    // Cancelled before it started, or while its body ran synchronously.
    throw this.extras!.failure;
  }

  /**
   * Settles the task when the body's thenable does; for a runtime that runs a body itself without
   * run(). (Its own method: closures over `this` in the hot paths would cost every task a context.)
   */
  settleWith(result: PromiseLike<T>): void {
    result.then((value) => this.complete(value), (error: unknown) => this.fail(error));
  }

  /** pending → running; false when the task no longer wants to run. A runtime running the body elsewhere calls this, then complete()/fail(). */
  start(): boolean {
    if (this.state !== 'pending') return false;
    this.setState('running');
    return true;
  }

  /** Settles a started task with `value` (cancelled instead, when cancellation was asked for). No-op once settled. */
  complete(value: T): void {
    if (this.isSettled()) return;
    if (this.extras?.cancelRequested) this.settle('cancelled', cancelledError(this.extras.cancelReason));
    else this.settle('completed', value);
  }

  /** Settles a started task with `error` (cancelled instead, when cancellation was asked for). No-op once settled. */
  fail(error: unknown): void {
    if (this.isSettled()) return;
    if (this.extras?.cancelRequested) this.settle('cancelled', CancelledError.is(error) ? error : cancelledError(this.extras.cancelReason));
    else this.settle('failed', error);
  }

  /** True in the completed, failed and cancelled states. */
  isSettled(): boolean {
    return this.state === 'completed' || this.state === 'failed' || this.state === 'cancelled';
  }

  /** Asks a running body to stop. A runtime whose body runs on another thread overrides this to tell that thread. */
  protected abortRunning(reason: unknown): void {
    this.extras?.controller?.abort(reason);
  }

  private setState(state: TaskState): void {
    this.state = state;
    (this.handle as { state: TaskState }).state = state;
  }

  private more(): CellExtras {
    return this.extras ??= {
      name: undefined, controller: undefined, cancelRequested: false, cancelReason: undefined,
      cancelWaiters: undefined, detached: false, failure: undefined, parentSignal: undefined, onParentAbort: undefined,
    };
  }

  private settle(state: 'completed' | 'failed' | 'cancelled', outcome: unknown): void {
    this.setState(state);
    const extras = this.extras;
    if (extras?.parentSignal) {
      extras.parentSignal.removeEventListener('abort', extras.onParentAbort!);
      extras.parentSignal = undefined;
    }
    this.owner.settled(this as TaskCell<unknown>);
    if (state === 'completed') {
      this.resolveFn?.(outcome); // a job handle takes a synchronous result from runJob's return instead
      return;
    }
    // Marks the rejection handled before it happens: awaiting it still rejects, nobody awaiting stays quiet.
    Promise.prototype.then.call(this.handle, undefined, noop);
    const more = this.more();
    more.failure = outcome;
    if (this.resolveFn) {
      const rejected = Promise.reject(outcome);
      rejected.then(undefined, noop); // the handle follows it: this copy is handled
      this.resolveFn(rejected);
    }
    if (state === 'failed' && more.detached) this.owner.unhandled(outcome, this.handle as Task<unknown>);
    const cancelWaiters = more.cancelWaiters;
    if (cancelWaiters) {
      more.cancelWaiters = undefined;
      for (const resolve of cancelWaiters) resolve();
    }
  }
}

/** The error a task cancelled with `reason` rejects with: `reason` itself when a CancelledError, else a new one caused by it. */
export function cancelledError(reason: unknown): CancelledError {
  if (CancelledError.is(reason)) return reason;
  return new CancelledError('The task was cancelled', reason === undefined ? undefined : { cause: reason });
}
