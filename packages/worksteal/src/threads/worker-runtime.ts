// The Runtime a task sees as cx.runtime on a pool thread: spawns go into this worker's own deque,
// spawnLocal runs on this worker's event loop, join is rayon's (../join.ts), the reactor is this
// worker's own NodeReactor.
//
// spawn inside a worker, when the def is known here and a slot is free: the task is written into one
// of this thread's slots and pushed on its own deque (full → half of it to the injector); one wake
// check per loop turn that spawned (notifyPending), not per spawn. With no free slot, or a transfer
// list, the task is this thread's own promise job instead (../task/local-jobs.ts). A def first used
// here is imported and verified first (TypeError on the handle otherwise).
import {
  type Awaitable, type Capability, type Executor, type Reactor, type Runtime, type RuntimeMetrics, type SpawnOptions,
  type Task, type TaskContext, type TaskDef,
} from '@runtime-traits/core';
import { encodeError } from '@runtime-traits/core/kit';
import { TaskSet } from '@runtime-traits/kit';
import { executorOver } from '../executor.js';
import { join } from '../join.js';
import { G, SlotMode } from '../memory/layout.js';
import type { RemoteTask } from '../task/remote-task.js';
import type { PoolThread } from './pool-thread.js';

type AnyDef = TaskDef<unknown[], unknown>;

export class WorkerRuntime implements Runtime {
  readonly name = 'worksteal';
  readonly executor: Executor;
  readonly tasks: TaskSet;
  /** Def numbers by def object (a string key per spawn would cost more than the spawn). */
  private readonly defNumbers = new WeakMap<AnyDef, number>();
  private askedForBlocking = false;

  constructor(private readonly thread: PoolThread, readonly reactor: Reactor, readonly capabilities: ReadonlySet<Capability>) {
    // A detached task spawned on a worker reports to the main thread's onUnhandledError.
    this.tasks = new TaskSet(this, (error, task) => thread.mail.post({ t: 'unhandled', id: task.id, error: encodeError(error) }));
    this.executor = executorOver(this.tasks, {
      spawn: (def, args, opts, blocking) => this.spawnInto(def, args, opts, blocking),
      join: (a, aArgs, b, bArgs) => this.join(a, aArgs, b, bArgs),
    });
  }

  private spawnInto(def: AnyDef, args: unknown[], opts: SpawnOptions | undefined, blocking: boolean): Task<unknown> {
    this.tasks.admit();
    const thread = this.thread;
    const n = this.defNumber(def);
    const known = thread.runner.knows(n);
    const owner = thread.owner;
    if (known && (owner.inFlight === owner.count || (opts?.transfer?.length ?? 0) > 0)) {
      // No free slot (or a transfer list): this thread runs it itself, as a promise job.
      thread.counters.spawns++;
      const handle = thread.jobs.spawn(this.tasks, def, args, opts);
      thread.resume();
      return handle;
    }
    const cell = this.tasks.create<unknown>(opts, owner.makeCell);
    if (cell.isSettled()) return cell.handle;
    if (known) this.submit(cell as RemoteTask<unknown>, n, def, args, opts?.transfer, blocking);
    else this.submitAfterLoad(cell as RemoteTask<unknown>, n, def, args, opts?.transfer, blocking);
    return cell.handle;
  }

  /** First use of a def on this thread: prove it is exported where it says (TypeError otherwise), then submit. */
  private submitAfterLoad(cell: RemoteTask<unknown>, n: number, def: AnyDef, args: unknown[], transfer: unknown[] | undefined, blocking: boolean): void {
    this.thread.runner.load(n).then(() => this.submit(cell, n, def, args, transfer, blocking), (error) => cell.fail(error));
  }

  private defNumber(def: AnyDef): number {
    let n = this.defNumbers.get(def);
    if (n === undefined) {
      n = this.thread.shared.defs.number(def.module, def.name);
      this.defNumbers.set(def, n);
    }
    return n;
  }

  private submit(cell: RemoteTask<unknown>, n: number, def: AnyDef, args: unknown[], transfer: unknown[] | undefined, blocking: boolean): void {
    if (cell.isSettled()) return;
    const thread = this.thread;
    const { owner, shared } = thread;
    thread.counters.spawns++;
    const slot = transfer && transfer.length > 0 ? -1 : owner.alloc();
    if (slot < 0 || !owner.write(slot, n, args, SlotMode.TASK)) {
      if (slot >= 0) owner.release(slot);
      // Too big for shared memory, or no free slot after the def's first load: this thread runs it itself, later.
      thread.local.push(() => thread.runner.runOwn(cell, def, args));
      thread.resume();
      return;
    }
    owner.adopt(slot, cell, def, args);
    if (blocking) {
      shared.blockingQueue.push(slot);
      if (Atomics.load(shared.control, G.BLOCKING_STARTED) === 0 && !this.askedForBlocking) {
        this.askedForBlocking = true;
        thread.mail.post({ t: 'blocking' });
      }
      shared.parker.notifyBlocking();
      return;
    }
    thread.pushLocal(slot);
    thread.notifyPending = true; // one wake check per task that spawned, not per spawn
    thread.resume();
  }

  private join(a: AnyDef, aArgs: unknown[], b: AnyDef, bArgs: unknown[]): [unknown, unknown] {
    const thread = this.thread;
    thread.park.awake();
    const n = this.defNumber(b);
    thread.runner.know(n, b);
    return join(thread, a, aArgs, b, bArgs, n);
  }

  run<T>(main: (cx: TaskContext) => Awaitable<T>): Promise<T> {
    return Promise.resolve(this.executor.spawnLocal(main));
  }

  /** From inside a task: asks the main thread to shut the whole runtime down. */
  shutdown(): Promise<void> {
    this.thread.mail.post({ t: 'shutdown' });
    return Promise.resolve();
  }

  metrics(): RuntimeMetrics {
    const thread = this.thread;
    return { ...this.tasks.counters(0), worker: thread.me, tasksRun: thread.runner.tasksRun + thread.jobs.ran, ...thread.counters };
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}
