// Task handles: the native promises spawn returns, and how they find their TaskCell.
//
// A handle is a plain native promise (prototype Promise.prototype: `await` takes V8's fastest path)
// given `id`, `state`, `cancel` and `detach` as own properties, always in the same order so every
// handle shares one hidden class; the functions are shared, not made per task. The cell writes every
// state transition through. A cell whose state lives elsewhere gets a LiveHandle instead.
import type { Task, TaskState } from '@runtime-traits/core';
import { keepResolve } from './resolvers.js';
import type { TaskCell } from './task-cell.js';

/** What spawn returns: a native promise that is also the Task. */
export type TaskHandle<T> = Promise<T> & Task<T>;

const CELL = Symbol('runtime-traits/cell');

function cancelTask(this: TaskHandle<unknown>, reason?: unknown): Promise<void> {
  return cellOf(this).cancel(reason);
}

function detachTask<H extends TaskHandle<unknown>>(this: H): H {
  cellOf(this).detach();
  return this;
}

/** Gives a native promise the Task members, always in the same order (one shared hidden class). */
export function dress<T>(promise: Promise<unknown>, cell: TaskCell<T>): TaskHandle<T> {
  const handle = promise as unknown as Record<string | symbol, unknown>;
  handle.id = cell.id;
  handle.state = cell.state;
  handle.cancel = cancelTask;
  handle.detach = detachTask;
  handle[CELL] = cell;
  return promise as TaskHandle<T>;
}

/** The handle of a cell with `liveState`: `state` and `id` are read from the cell each time. */
export class LiveHandle<T> extends Promise<T> {
  declare readonly [CELL]: TaskCell<T>;

  /** Only TaskCell makes these (`then` makes plain promises: see `constructor` below). */
  constructor(cell: TaskCell<T>) {
    super(keepResolve as never);
    (this as { [CELL]: TaskCell<T> })[CELL] = cell; // set here, so it is kept inside the object
  }

  get id(): number {
    return this[CELL].id;
  }
  get state(): TaskState {
    return this[CELL].state;
  }
  set state(_ignored: TaskState) {
    // The cell writes every transition through to its handle; this one reads the cell instead.
  }
}
// `constructor === Promise`: `then` makes plain promises and `await` never calls LiveHandle.
Object.defineProperty(LiveHandle.prototype, 'constructor', { value: Promise, writable: true, configurable: true });
Object.defineProperty(LiveHandle.prototype, 'cancel', { value: cancelTask, writable: true, configurable: true });
Object.defineProperty(LiveHandle.prototype, 'detach', { value: detachTask, writable: true, configurable: true });

/** The cell behind a handle this kit made; `TypeError` for any other Task. */
export function cellOf<T>(task: Task<T>): TaskCell<T> {
  const cell = (task as unknown as { [CELL]?: TaskCell<T> })[CELL];
  if (!cell) throw new TypeError('not a task made by the runtime-traits kit');
  return cell;
}

