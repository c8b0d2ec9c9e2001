// NodeExecutor: tasks on this thread's event loop, blocking work on the pool, join run in sequence.
//
// HOW: spawnLocal (and spawn of a def whose export is known) go through the task set's runSoon (kit):
// one promise job per task, whose promise is the task's handle. The body never runs inside the spawn
// call, and a task cancelled before its job never runs. Per task that is one cell, one handle, one
// queue slot, no closure (spawnLocal) and no AbortController unless the body reads cx.signal.
import type { Awaitable, Executor, SpawnOptions, Task, TaskContext, TaskDef } from '@runtime-traits/core';
import { checkJoinArgs, checkJoinResult, checkSpawn } from '@runtime-traits/core/kit';
import { resolveTask, type TaskSet } from '@runtime-traits/kit';
import { BlockingCell, type BlockingPool } from './blocking-pool.js';

/** Defs whose module was seen to export them, and the export itself: later spawns skip the import's promise. */
const exported = new WeakMap<TaskDef<unknown[], unknown>, TaskDef<unknown[], unknown>>();

export class NodeExecutor implements Executor {
  constructor(
    private readonly tasks: TaskSet,
    private readonly pool: () => BlockingPool,
    /** What join's bodies see as their context. */
    private readonly joinContext: TaskContext,
  ) {}

  spawnLocal<R>(fn: (cx: TaskContext) => Awaitable<R>, opts?: SpawnOptions): Task<R> {
    return this.tasks.spawnLocal(fn, opts);
  }

  spawn<A extends unknown[], R>(def: TaskDef<A, R>, args: A, opts?: SpawnOptions): Task<R> {
    const options = checkSpawn(def, args, opts);
    const checked = def as unknown as TaskDef<unknown[], unknown>;
    const known = exported.get(checked);
    if (known) return this.tasks.runSoon(options, (cx) => known.fn(cx, ...args) as Awaitable<R>);
    const cell = this.tasks.create<R>(options);
    resolveTask(checked).then(
      (found) => {
        exported.set(checked, found);
        cell.run((cx) => found.fn(cx, ...args) as Awaitable<R>);
      },
      (error) => { if (cell.start()) cell.fail(error); },
    );
    return cell.handle;
  }

  spawnBlocking<A extends unknown[], R>(def: TaskDef<A, R>, args: A, opts?: SpawnOptions): Task<R> {
    const options = checkSpawn(def, args, opts);
    const checked = def as unknown as TaskDef<unknown[], unknown>;
    this.tasks.admit();
    const pool = this.pool();
    const cell = this.tasks.create<R>(options, (id, owner, name, signal) => new BlockingCell<R>(id, owner, name, signal, pool));
    if (!cell.isSettled()) pool.submit(cell as BlockingCell<unknown>, checked, args, options?.transfer);
    return cell.handle;
  }

  join<A1 extends unknown[], R1, A2 extends unknown[], R2>(a: TaskDef<A1, R1>, aArgs: A1, b: TaskDef<A2, R2>, bArgs: A2): [R1, R2] {
    checkJoinArgs(a, aArgs, b, bArgs);
    this.tasks.admit();
    const ra = checkJoinResult(a.fn(this.joinContext, ...aArgs), 'a');
    const rb = checkJoinResult(b.fn(this.joinContext, ...bArgs), 'b');
    return [ra, rb];
  }

  yieldNow(): Promise<void> {
    return new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Tasks waiting for their first run. */
  get queueDepth(): number {
    return this.tasks.queued;
  }
}
