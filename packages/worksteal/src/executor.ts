// The Executor a worksteal Runtime hands out — on the main thread and on a pool thread alike, over that thread's spawn and join.
import type { Awaitable, Executor, SpawnOptions, Task, TaskContext, TaskDef } from '@runtime-traits/core';
import { checkJoinArgs, checkSpawn } from '@runtime-traits/core/kit';
import type { TaskSet } from '@runtime-traits/kit';

type AnyDef = TaskDef<unknown[], unknown>;

/** What differs between the threads: where a portable task goes, and how join waits (../join.ts). */
export interface Spawning {
  /** Options already checked. `blocking`: spawnBlocking. */
  spawn(def: AnyDef, args: unknown[], opts: SpawnOptions | undefined, blocking: boolean): Task<unknown>;
  /** Arguments already checked, the task set open. */
  join(a: AnyDef, aArgs: unknown[], b: AnyDef, bArgs: unknown[]): [unknown, unknown];
}

/** Checks the arguments (the same TypeError/RangeError on every runtime), then hands over to `spawning`. */
export function executorOver(tasks: TaskSet, spawning: Spawning): Executor {
  return {
    spawn<A extends unknown[], R>(def: TaskDef<A, R>, args: A, opts?: SpawnOptions): Task<R> {
      return spawning.spawn(def as unknown as AnyDef, args, checkSpawn(def, args, opts), false) as Task<R>;
    },
    spawnLocal<R>(fn: (cx: TaskContext) => Awaitable<R>, opts?: SpawnOptions): Task<R> {
      return tasks.spawnLocal(fn, opts);
    },
    spawnBlocking<A extends unknown[], R>(def: TaskDef<A, R>, args: A, opts?: SpawnOptions): Task<R> {
      return spawning.spawn(def as unknown as AnyDef, args, checkSpawn(def, args, opts), true) as Task<R>;
    },
    join<A1 extends unknown[], R1, A2 extends unknown[], R2>(a: TaskDef<A1, R1>, aArgs: A1, b: TaskDef<A2, R2>, bArgs: A2): [R1, R2] {
      checkJoinArgs(a, aArgs, b, bArgs);
      tasks.admit();
      return spawning.join(a as unknown as AnyDef, aArgs, b as unknown as AnyDef, bArgs) as [R1, R2];
    },
    yieldNow(): Promise<void> {
      return new Promise((resolve) => setImmediate(resolve));
    },
  };
}
