// The handle of a task whose body runs on another thread: the kit's TaskCell plus its slot number.
//
// While the task sits in a queue the handle stays 'pending'; cancel() then takes the slot back with a
// CAS (QUEUED → CANCELLED) and settles at once, and whoever later pops the number skips it. When the
// CAS fails the body has started elsewhere: the handle moves to 'running' and abortRunning() raises
// the slot's cancel flag and tells the runner, whose cx.signal then aborts; the handle settles when
// the runner reports back.
import type { TaskState } from '@runtime-traits/core';
import { TaskCell, type TaskOwner } from '@runtime-traits/kit';

export interface RemoteHost {
  /** True once a thread claimed the slot (RUNNING or DONE). */
  started(slot: number): boolean;
  tryCancelQueued(slot: number): boolean;
  requestCancel(slot: number, reason: unknown): void;
}

export class RemoteTask<T> extends TaskCell<T> {
  /** `state` is read from shared memory (below), so the handle asks the cell for it. */
  static override readonly liveState = true;

  /** -1 until submitted (the def may still be being verified). */
  declare slot: number;
  declare host: RemoteHost;
  declare localState: TaskState;

  constructor(id: number, owner: TaskOwner, name: string | undefined, signal: AbortSignal | undefined, host: RemoteHost) {
    super(id, owner, name, signal);
    // TaskCell may have made `state` an own data property; the accessor below must see every write.
    if (Object.prototype.hasOwnProperty.call(this, 'state')) {
      const initial = (this as { state: TaskState }).state;
      delete (this as { state?: TaskState }).state;
      this.localState = initial;
    }
    this.slot ??= -1;
    this.host = host;
  }

  override cancel(reason?: unknown): Promise<void> {
    // (Also called from TaskCell's constructor for an already-aborted signal, before slot is set.)
    if (this.slot >= 0 && this.state === 'pending') {
      if (this.host.tryCancelQueued(this.slot)) return super.cancel(reason);
      this.start(); // it already runs on another thread
    }
    return super.cancel(reason);
  }

  protected override abortRunning(reason: unknown): void {
    super.abortRunning(reason);
    if (this.slot >= 0) this.host.requestCancel(this.slot, reason);
  }
}

// 'pending' until a thread claims the slot, then 'running' (read from shared memory) until it settles.
// Defined on the prototype (TaskCell declares `state` as a plain property); TaskCell's own reads and
// writes of `state` go through it too, so cancel() sees a task that already started elsewhere.
Object.defineProperty(RemoteTask.prototype, 'state', {
  configurable: true,
  get(this: RemoteTask<unknown>): TaskState {
    const state = this.localState;
    if (state === 'pending' && this.slot >= 0 && this.host.started(this.slot)) return (this.localState = 'running');
    return state;
  },
  set(this: RemoteTask<unknown>, value: TaskState) {
    this.localState = value;
  },
});
