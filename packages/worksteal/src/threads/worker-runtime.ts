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
import { checkSpawn, encodeError } from '@runtime-traits/core/kit';
import { Fifo, TaskSet } from '@runtime-traits/kit';
import { broadcastOver, checkWorkerIndex, executorOver, requirePinned, type Placement } from '../executor.js';
import { join } from '../join.js';
import { G, SlotMode } from '../memory/layout.js';
import type { RemoteTask } from '../task/remote-task.js';
import type { PoolThread } from './pool-thread.js';

type AnyDef = TaskDef<unknown[], unknown>;

export class WorkerRuntime implements Runtime, Placement {
  readonly name = 'worksteal';
  readonly executor: Executor;
  readonly workers: number;
  readonly tasks: TaskSet;
  /** Def numbers by def object (a string key per spawn would cost more than the spawn). */
  private readonly defNumbers = new WeakMap<AnyDef, number>();
  private askedForBlocking = false;
  /** Thread-per-core: spawnOn's tasks still waiting for a free slot of this thread. */
  private readonly unplaced = new Fifo<() => boolean>();

  constructor(private readonly thread: PoolThread, readonly reactor: Reactor, readonly capabilities: ReadonlySet<Capability>) {
    // A detached task spawned on a worker reports to the main thread's onUnhandledError.
    this.tasks = new TaskSet(this, (error, task) => thread.mail.post({ t: 'unhandled', id: task.id, error: encodeError(error) }), thread.index);
    this.workers = thread.shared.config.workers;
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
    if (!thread.pinned) thread.notifyPending = true; // one wake check per task that spawned, not per spawn
    thread.resume();
  }

  // ── thread-per-core (Placement, ../executor.ts) ────────────────────────────
  spawnOn<A extends unknown[], R>(worker: number, def: TaskDef<A, R>, args: A, opts?: SpawnOptions): Task<R> {
    const thread = this.thread;
    requirePinned(thread.shared.config.pinned === true, 'spawnOn');
    const w = checkWorkerIndex(worker, this.workers);
    const o = checkSpawn(def, args, opts);
    // Onto the target's placement queue, this worker's own included (not its deque, which it pops
    // LIFO): the tasks one thread places on one worker start in the order they were placed.
    this.tasks.admit();
    const n = this.defNumber(def as unknown as AnyDef);
    const cell = this.tasks.create<unknown>(o, thread.owner.makeCell) as RemoteTask<unknown>;
    if (cell.isSettled()) return cell.handle as Task<R>;
    thread.counters.spawns++;
    const place = (): boolean => this.place(cell, n, def as unknown as AnyDef, args, o?.transfer, w + 1);
    if (thread.runner.knows(n)) this.placeOrWait(place);
    else {
      // Its def still loads: it waits in the FIFO all the same, so spawns after it stay after it.
      let loaded = false;
      thread.runner.load(n).then(() => { loaded = true; }, (error) => cell.fail(error));
      this.placeOrWait(() => cell.isSettled() || (loaded && place()));
    }
    return cell.handle as Task<R>;
  }

  broadcast<A extends unknown[], R>(def: TaskDef<A, R>, args: A): Promise<R[]> {
    return broadcastOver(this, this.thread.shared.config.pinned === true, def, args);
  }

  /**
   * Places now, or (no free slot, or its def still loading) retries each turn of this thread's loop,
   * oldest first: spawnOn keeps the order of one thread's spawns.
   */
  private placeOrWait(place: () => boolean): void {
    if (this.unplaced.length === 0 && place()) return;
    this.unplaced.push(place);
    if (this.unplaced.length === 1) setImmediate(this.retryPlacing);
  }

  private readonly retryPlacing = (): void => {
    this.thread.owner.drain();
    while (this.unplaced.length > 0 && this.unplaced.at(0)!()) this.unplaced.shift();
    if (this.unplaced.length > 0) setImmediate(this.retryPlacing);
  };

  /**
   * Into one of this thread's slots and onto `target`'s placement queue (woken if it sleeps); the
   * completion comes back to this thread's ring. Arguments too big for a slot (or a transfer list) go
   * through main by message, the slot already RUNNING on the target. False: no free slot yet.
   */
  private place(cell: RemoteTask<unknown>, n: number, def: AnyDef, args: unknown[], transfer: unknown[] | undefined, target: number): boolean {
    if (cell.isSettled()) return true;
    const { owner, shared } = this.thread;
    const slot = owner.alloc();
    if (slot < 0) return false;
    if (!(transfer && transfer.length > 0) && owner.write(slot, n, args, SlotMode.TASK)) {
      // Placed on this very worker, it is popped here as an own task: run through its handle (takeOwn), so its def and arguments are kept.
      if (target === this.thread.me) owner.adopt(slot, cell, def, args);
      else owner.adopt(slot, cell);
      shared.pinned[target]!.push(slot);
      shared.parker.unpark(target);
      return true;
    }
    owner.startOn(slot, n, target);
    owner.adopt(slot, cell);
    cell.start();
    this.thread.mail.post({ t: 'place', slot, target, args, transfer }, transfer as Transferable[] | undefined);
    return true;
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
