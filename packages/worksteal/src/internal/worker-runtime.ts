// The Runtime a task sees as cx.runtime on a pool thread: spawns go into this worker's own deque,
// spawnLocal runs on this worker's event loop, the reactor is this worker's own NodeReactor.
import {
  type Awaitable, type Capability, type Executor, type Reactor, type Runtime, type RuntimeMetrics, type SpawnOptions,
  type Task, type TaskContext, type TaskDef,
} from '@runtime-traits/core';
import { checkJoinArgs, checkSpawn } from '@runtime-traits/core/kit';
import { TaskSet } from '@runtime-traits/kit';

/** What the view needs from the thread it lives on (worker.ts). */
export interface ThreadHost {
  spawn<R>(def: TaskDef<unknown[], R>, args: unknown[], opts: SpawnOptions | undefined): Task<R>;
  spawnBlocking<R>(def: TaskDef<unknown[], R>, args: unknown[], opts: SpawnOptions | undefined): Task<R>;
  join(a: TaskDef<unknown[], unknown>, aArgs: unknown[], b: TaskDef<unknown[], unknown>, bArgs: unknown[]): [unknown, unknown];
  metrics(): Record<string, unknown>;
  requestShutdown(): void;
  unhandled(error: unknown, task: Task<unknown>): void;
}

export class WorkerRuntime implements Runtime {
  readonly name = 'worksteal';
  readonly executor: Executor;
  readonly tasks: TaskSet;
  host!: ThreadHost;

  constructor(readonly reactor: Reactor, readonly capabilities: ReadonlySet<Capability>) {
    // A detached task spawned on a worker reports to the main thread's onUnhandledError.
    this.tasks = new TaskSet(this, (error, task) => this.host.unhandled(error, task));
    const self = this;
    this.executor = {
      spawn<A extends unknown[], R>(def: TaskDef<A, R>, args: A, opts?: SpawnOptions): Task<R> {
        const o = checkSpawn(def, args, opts);
        self.tasks.admit();
        return self.host.spawn(def as unknown as TaskDef<unknown[], R>, args, o);
      },
      spawnLocal<R>(fn: (cx: TaskContext) => Awaitable<R>, opts?: SpawnOptions): Task<R> {
        return self.tasks.spawnLocal(fn, opts);
      },
      spawnBlocking<A extends unknown[], R>(def: TaskDef<A, R>, args: A, opts?: SpawnOptions): Task<R> {
        const o = checkSpawn(def, args, opts);
        self.tasks.admit();
        return self.host.spawnBlocking(def as unknown as TaskDef<unknown[], R>, args, o);
      },
      join<A1 extends unknown[], R1, A2 extends unknown[], R2>(a: TaskDef<A1, R1>, aArgs: A1, b: TaskDef<A2, R2>, bArgs: A2): [R1, R2] {
        checkJoinArgs(a, aArgs, b, bArgs);
        self.tasks.admit();
        return self.host.join(a as unknown as TaskDef<unknown[], unknown>, aArgs, b as unknown as TaskDef<unknown[], unknown>, bArgs) as [R1, R2];
      },
      yieldNow(): Promise<void> {
        return new Promise((resolve) => setImmediate(resolve));
      },
    };
  }

  run<T>(main: (cx: TaskContext) => Awaitable<T>): Promise<T> {
    return Promise.resolve(this.executor.spawnLocal(main));
  }

  /** From inside a task: asks the main thread to shut the whole runtime down. */
  shutdown(): Promise<void> {
    this.host.requestShutdown();
    return Promise.resolve();
  }

  metrics(): RuntimeMetrics {
    return { ...this.tasks.counters(0), ...this.host.metrics() };
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}
