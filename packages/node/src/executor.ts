// NodeExecutor: tasks on this thread's event loop, blocking work on the pool, join run in sequence.
//
// HOW: spawnLocal/spawn create a TaskCell (the kit's state machine) and append it to a ready queue
// that one promise job drains (not queueMicrotask: Node wraps each of those in an AsyncResource,
// which cost more than the rest of a spawn together); the body therefore never runs inside the spawn call, and a task
// cancelled before the drain never runs. Per task that is one cell, one queue slot, no closure
// (spawnLocal) and no AbortController unless the body reads cx.signal.
import type { Awaitable, Executor, SpawnOptions, Task, TaskContext, TaskDef } from '@runtime-traits/core';
import {
  checkArgs, checkFunction, checkSpawnOptions, checkTaskDef, isThenable, resolveTask, type TaskCell, type TaskSet,
} from '@runtime-traits/core/kit';
import { BlockingCell, type BlockingPool } from './blocking-pool.js';

type Body = (cx: TaskContext) => Awaitable<unknown>;

/** Defs whose module was seen to export them, and the export itself: later spawns skip the import's promise. */
const exported = new WeakMap<TaskDef<unknown[], unknown>, TaskDef<unknown[], unknown>>();

/** Drains are scheduled as V8 promise jobs: Node's queueMicrotask wraps each callback in an AsyncResource. */
const RESOLVED = Promise.resolve();

export class NodeExecutor implements Executor {
  /**
   * Cells and their bodies, interleaved: [cell0, body0, cell1, body1, …]. Slots head..tail-1 wait to
   * run; the array is reused (never shrunk) so a steady stream of spawns allocates nothing here.
   */
  private readonly ready: Array<TaskCell<unknown> | Body | undefined> = [];
  private head = 0;
  private tail = 0;
  private drainScheduled = false;

  constructor(
    private readonly tasks: TaskSet,
    private readonly pool: () => BlockingPool,
    /** What join's bodies see as their context. */
    private readonly joinContext: TaskContext,
  ) {}

  spawnLocal<R>(fn: (cx: TaskContext) => Awaitable<R>, opts?: SpawnOptions): Task<R> {
    checkFunction(fn, 'fn');
    const options = opts === undefined ? undefined : checkSpawnOptions(opts);
    const cell = this.tasks.create<R>(options);
    this.enqueue(cell as TaskCell<unknown>, fn);
    return cell;
  }

  spawn<A extends unknown[], R>(def: TaskDef<A, R>, args: A, opts?: SpawnOptions): Task<R> {
    const checked = checkTaskDef(def);
    const options = opts === undefined ? undefined : checkSpawnOptions(opts);
    checkArgs(args, 'args', options?.transfer);
    const cell = this.tasks.create<R>(options);
    const known = exported.get(checked);
    if (known) {
      this.enqueue(cell as TaskCell<unknown>, (cx) => known.fn(cx, ...args));
      return cell;
    }
    resolveTask(checked).then(
      (found) => {
        exported.set(checked, found);
        this.enqueue(cell as TaskCell<unknown>, (cx) => found.fn(cx, ...args));
      },
      (error) => { if (cell.start()) cell.fail(error); },
    );
    return cell;
  }

  spawnBlocking<A extends unknown[], R>(def: TaskDef<A, R>, args: A, opts?: SpawnOptions): Task<R> {
    const checked = checkTaskDef(def);
    const options = opts === undefined ? undefined : checkSpawnOptions(opts);
    checkArgs(args, 'args', options?.transfer);
    this.tasks.admit();
    const pool = this.pool();
    const cell = this.tasks.create<R>(options, (id, owner, name, signal) => new BlockingCell<R>(id, owner, name, signal, pool));
    if (!cell.isSettled()) pool.submit(cell as BlockingCell<unknown>, checked, args, options?.transfer);
    return cell;
  }

  join<A1 extends unknown[], R1, A2 extends unknown[], R2>(a: TaskDef<A1, R1>, aArgs: A1, b: TaskDef<A2, R2>, bArgs: A2): [R1, R2] {
    checkTaskDef(a, 'a');
    checkArgs(aArgs, 'aArgs');
    checkTaskDef(b, 'b');
    checkArgs(bArgs, 'bArgs');
    this.tasks.admit();
    const ra = syncResult(a.fn(this.joinContext, ...aArgs), 'a');
    const rb = syncResult(b.fn(this.joinContext, ...bArgs), 'b');
    return [ra, rb];
  }

  yieldNow(): Promise<void> {
    return new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Tasks waiting for their first run. */
  get queueDepth(): number {
    return (this.tail - this.head) / 2;
  }

  private enqueue(cell: TaskCell<unknown>, body: Body): void {
    const ready = this.ready;
    const tail = this.tail;
    if (tail === ready.length) ready.push(cell, body);
    else {
      ready[tail] = cell;
      ready[tail + 1] = body;
    }
    this.tail = tail + 2;
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      void RESOLVED.then(this.drain);
    }
  }

  /** Runs every ready task, including those spawned while draining. */
  private readonly drain = (): void => {
    const ready = this.ready;
    while (this.head < this.tail) {
      const at = this.head;
      const cell = ready[at] as TaskCell<unknown>;
      const body = ready[at + 1] as Body;
      ready[at] = ready[at + 1] = undefined;
      this.head = at + 2;
      cell.run(body);
    }
    this.head = this.tail = 0;
    this.drainScheduled = false;
    // A burst left a big array behind: let it go rather than keep it for ever.
    if (ready.length > 8192) ready.length = 0;
  };
}

function syncResult<R>(result: Awaitable<R>, arg: 'a' | 'b'): R {
  if (isThenable(result)) {
    Promise.resolve(result).catch(() => undefined); // its outcome is dropped; do not let it become unhandled
    throw new TypeError(`${arg}.fn returned a thenable; join runs synchronous bodies only (use spawn for async work)`);
  }
  return result;
}
