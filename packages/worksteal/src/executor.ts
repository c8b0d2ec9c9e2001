// The Executor a worksteal Runtime hands out (main thread and pool threads alike, over that thread's spawn and join), and thread-per-core's Placement.
import { UnsupportedError, type Awaitable, type Executor, type SpawnOptions, type Task, type TaskContext, type TaskDef } from '@runtime-traits/core';
import { checkJoinArgs, checkSpawn, show } from '@runtime-traits/core/kit';
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

/**
 * Thread-per-core placement (`stealing: false`): on the main thread's WorkStealingRuntime and on a
 * worker's cx.runtime alike. Worker indexes run from 0 to `workers - 1`, as `cx.worker` does.
 */
export interface Placement {
  /** Worker threads (the shards). */
  readonly workers: number;
  /** Runs the task on worker `worker` and nowhere else (its own spawns stay there too). */
  spawnOn<A extends unknown[], R>(worker: number, def: TaskDef<A, R>, args: A, opts?: SpawnOptions): Task<R>;
  /** Runs the task once on every worker; the results in worker order (rejects with the first failure). */
  broadcast<A extends unknown[], R>(def: TaskDef<A, R>, args: A): Promise<R[]>;
}

/** The runtime's Placement (cx.runtime inside a task too); TypeError when it cannot place tasks on a worker. */
export function placementOf(runtime: unknown): Placement {
  const p = runtime as Partial<Placement> | null;
  if (typeof p?.spawnOn !== 'function' || typeof p.broadcast !== 'function' || typeof p.workers !== 'number') {
    throw new TypeError(`runtime must be a WorkStealingRuntime (or a task's cx.runtime on one), got ${show(runtime)}`);
  }
  return p as Placement;
}

/** spawnOn's worker: TypeError when not an integer, RangeError outside 0..workers-1. */
export function checkWorkerIndex(value: unknown, workers: number, arg = 'worker'): number {
  if (typeof value !== 'number') throw new TypeError(`${arg} must be an integer worker index, got ${show(value)}`);
  if (!Number.isInteger(value)) throw new RangeError(`${arg} must be an integer worker index, got ${show(value)}`); // (a number, but not a count: as the kit's checkCount)
  if (value < 0 || value >= workers) throw new RangeError(`${arg} must be from 0 to ${workers - 1} (the runtime has ${workers} workers), got ${value}`);
  return value;
}

/** Thread-per-core only: the error for spawnOn/broadcast on a stealing runtime. */
export function requirePinned(pinned: boolean, what: string): void {
  if (!pinned) throw new UnsupportedError(undefined, `${what} places a task on one worker: create the runtime with { stealing: false }`);
}

/**
 * `broadcast` over spawnOn (`pinned`: the runtime is thread-per-core): every task is spawned before the
 * first is awaited. Never throws: a refusal (bad arguments, a stealing runtime, a shutdown begun)
 * rejects, and tasks already placed are cancelled.
 */
export function broadcastOver<A extends unknown[], R>(place: Placement, pinned: boolean, def: TaskDef<A, R>, args: A): Promise<R[]> {
  const tasks: Task<R>[] = [];
  try {
    requirePinned(pinned, 'broadcast');
    checkSpawn(def, args, undefined);
    for (let w = 0; w < place.workers; w++) tasks.push(place.spawnOn(w, def, args));
  } catch (error) {
    for (const task of tasks) void task.cancel(error);
    return Promise.reject(error);
  }
  return Promise.all(tasks);
}
