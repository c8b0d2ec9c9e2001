// WorkStealingRuntime: the main thread's side of the pool — submitting tasks, collecting completions, recovery.
//
// HOW a task spawned on the main thread travels:
//   1. spawn() checks its arguments with the kit, makes the handle, and (once per def, asynchronously)
//      proves the def is exported where it says (resolveTask). It then takes a free slot of the main
//      thread's range, encodes the arguments into it (codec.ts) and pushes the slot number on the
//      injector. Nothing is posted.
//   2. One microtask per synchronous burst of spawns wakes at most one parked worker (parker.ts).
//   3. A worker runs it and writes the result into the same slot, stores DONE, pushes the number on
//      the main thread's completion ring and wakes the main thread only if it sleeps.
//   4. The main thread sleeps in Atomics.waitAsync (no thread blocked) while tasks are in flight, and
//      holds a ref'd timer only then (a pending waitAsync alone would let the process exit early).
//      On waking it drains the whole ring: one wake per burst of completions.
// Arguments with a transfer list, or too big for a slot, go by postMessage to one worker (round
// robin) which runs them itself; big results come back by message. Cancel, crash recovery, join and
// metrics are below.
import type { ResourceLimits } from 'node:worker_threads';
import { receiveMessageOnPort } from 'node:worker_threads';
import {
  WorkerCrashedError, type Awaitable, type Capability, type Executor, type Runtime, type RuntimeMetrics, type RuntimeOptions,
  type ShutdownOptions, type SpawnOptions, type Task, type TaskContext, type TaskDef,
} from '@runtime-traits/core';
import {
  checkJoinArgs, checkCount, checkFunction, checkMs, checkOptions, checkSpawn, resolveTask, show,
  TaskSet, type TaskOwner,
} from '@runtime-traits/core/kit';
import { NodeReactor } from '@runtime-traits/node';
import { BlockingPool } from './blocking-pool.js';
import { runtimeCapabilities } from './internal/capabilities.js';
import { Fifo } from './internal/fifo.js';
import { Endpoint, readResult } from './internal/endpoint.js';
import { decodeError, type ErrorRecord } from '@runtime-traits/core/kit';
import { E, G, Layout, S, SlotMode, SlotState, type LayoutConfig } from './internal/layout.js';
import type { ToMain, ToThread } from './internal/messages.js';
import { RemoteTask } from './internal/remote-task.js';
import { Shared } from './internal/shared.js';
import { runJoinBody } from './internal/join.js';
import { poolMetrics } from './internal/metrics.js';
import { failSlotsRunOn, requeueDeque } from './internal/recovery.js';
import { ThreadHandle } from './internal/thread-handle.js';
import { waitAsync } from './internal/wait-async.js';
import { SideResults } from './internal/side-results.js';
import { availableParallelism } from 'node:os';

export interface WorkStealingRuntimeOptions extends RuntimeOptions {
  /** Stealing worker threads (1–256). Default: the number of cores. */
  workers?: number;
  /** Threads for spawnBlocking (1–256), started on first use. Default 2. */
  blockingThreads?: number;
  /** Capacity of each worker's deque (a power of two from 2 to 65536). Default 256; tests use 4. */
  queueCapacity?: number;
  /** Passed to every worker thread (a worker over its heap limit dies and is replaced). */
  resourceLimits?: ResourceLimits;
  /** Looks at the queues before a worker parks (0–2^20). Default 64. */
  spinCount?: number;
  /** Tasks the main thread can have in shared slots at once (more wait in a backlog; at most 2^18). Default 16384. */
  mainSlots?: number;
  /** Tasks each worker can have in shared slots at once (more run on that worker only; at most 2^16). Default 4096. */
  workerSlots?: number;
}

type AnyDef = TaskDef<unknown[], unknown>;
interface Pending { cell: RemoteTask<unknown>; n: number; args: unknown[]; blocking: boolean }

const MAIN = 0;
/** Most worker (and blocking) threads one runtime starts. */
const MAX_THREADS = 256;
const noop = (): void => {};

export class WorkStealingRuntime implements Runtime {
  readonly name = 'worksteal';
  readonly executor: Executor;
  readonly capabilities: ReadonlySet<Capability>;
  private readonly tasks: TaskSet;
  private readonly endpoint: Endpoint;
  private readonly threads: Array<ThreadHandle | undefined> = [];
  private readonly blocking: BlockingPool;
  private readonly cells: Array<RemoteTask<unknown> | undefined> = [];
  private readonly sideResults = new SideResults();
  private readonly verified = new Map<AnyDef, number>();
  private readonly backlog = new Fifo<Pending>();
  private readonly keepAlive: NodeJS.Timeout;
  private readonly joinCx: TaskContext;
  private flushScheduled = false;
  private readonly makeCell = (id: number, owner: TaskOwner, name: string | undefined, signal?: AbortSignal): RemoteTask<unknown> =>
    new RemoteTask(id, owner, name, signal, this);
  private waiting = false;
  private arming = false;
  private nextSide = 0;
  private crashes = 0;
  private closing: Promise<void> | undefined;
  /** Every worker said 'ready': from then on a thread that dies is replaced (before, create() fails instead). */
  private running = false;

  static async create(opts?: WorkStealingRuntimeOptions): Promise<WorkStealingRuntime> {
    const o = checkOptions<WorkStealingRuntimeOptions>(opts, 'opts') ?? {};
    // Upper bounds keep a mistaken count from starting thousands of threads or allocating gigabytes.
    const workers = o.workers === undefined ? Math.max(1, availableParallelism()) : checkCount(o.workers, 'opts.workers', 1, MAX_THREADS);
    const blocking = o.blockingThreads === undefined ? 2 : checkCount(o.blockingThreads, 'opts.blockingThreads', 1, MAX_THREADS);
    const queueCapacity = o.queueCapacity === undefined ? 256 : checkCount(o.queueCapacity, 'opts.queueCapacity', 2, 1 << 16);
    if ((queueCapacity & (queueCapacity - 1)) !== 0) throw new RangeError(`opts.queueCapacity must be a power of two, got ${queueCapacity}`);
    const spinCount = o.spinCount === undefined ? 64 : checkCount(o.spinCount, 'opts.spinCount', 0, 1 << 20);
    const mainSlots = o.mainSlots === undefined ? 16384 : checkCount(o.mainSlots, 'opts.mainSlots', 1, 1 << 18);
    const workerSlots = o.workerSlots === undefined ? 4096 : checkCount(o.workerSlots, 'opts.workerSlots', 1, 1 << 16);
    if (o.onUnhandledError !== undefined) checkFunction(o.onUnhandledError, 'opts.onUnhandledError');
    if (o.resourceLimits !== undefined) o.resourceLimits = checkOptions(o.resourceLimits, 'opts.resourceLimits');
    const config: LayoutConfig = { workers, blocking, queueCapacity, mainSlots, workerSlots, blockingSlots: 256 };
    const runtime = new WorkStealingRuntime(Shared.create(config), await NodeReactor.create(), spinCount, o);
    try {
      await runtime.startWorkers();
    } catch (error) {
      await runtime.shutdown();
      const why = error instanceof Error ? error.message : show(error);
      throw new WorkerCrashedError(`WorkStealingRuntime could not start its worker threads: ${why}`, { cause: error });
    }
    return runtime;
  }

  private constructor(
    private readonly shared: Shared,
    readonly reactor: NodeReactor,
    private readonly spinCount: number,
    private readonly options: WorkStealingRuntimeOptions,
  ) {
    this.capabilities = runtimeCapabilities(reactor.capabilities);
    this.tasks = new TaskSet(this, options.onUnhandledError);
    this.endpoint = new Endpoint(shared, MAIN, true);
    this.blocking = new BlockingPool(shared, (e) => this.startThread(e, 'blocking', true));
    this.keepAlive = setInterval(noop, 1 << 30);
    this.keepAlive.unref();
    this.joinCx = { signal: new AbortController().signal, runtime: this };
    this.executor = this.makeExecutor();
    shared.sabs.announce = (id, sab) => {
      for (const thread of this.threads) thread?.post({ t: 'sab', id, sab });
    };
    shared.sabs.pump = () => {
      let any = false;
      for (const [e, thread] of this.threads.entries()) {
        const m = thread && receiveMessageOnPort(thread.port);
        if (m) {
          any = true;
          this.onThreadMessage(e, m.message as ToMain);
        }
      }
      return any;
    };
  }

  private async startWorkers(): Promise<void> {
    const ready: Promise<void>[] = [];
    this.keepAlive.ref(); // the threads are unref'd: keep the process up until they answer
    for (let w = 1; w <= this.shared.config.workers; w++) {
      const thread = this.startThread(w, 'worker', true);
      this.threads[w] = thread;
      ready.push(thread.ready);
    }
    try {
      await Promise.all(ready);
      this.running = true;
    } finally {
      if (this.inFlight === 0) this.keepAlive.unref();
    }
  }

  private startThread(e: number, role: 'worker' | 'blocking', fresh: boolean): ThreadHandle {
    const thread = new ThreadHandle(this.shared, e, role, this.spinCount, fresh, this.options.resourceLimits, {
      onMessage: (from, message) => this.onThreadMessage(from, message),
      onDeath: (from, error) => this.recover(from, error),
    });
    this.threads[e] = thread;
    return thread;
  }

  // ── Executor ────────────────────────────────────────────────────────────────
  private makeExecutor(): Executor {
    const self = this;
    return {
      spawn<A extends unknown[], R>(def: TaskDef<A, R>, args: A, opts?: SpawnOptions): Task<R> {
        return self.spawnPortable(def as unknown as AnyDef, args, opts, false) as Task<R>;
      },
      spawnLocal<R>(fn: (cx: TaskContext) => Awaitable<R>, opts?: SpawnOptions): Task<R> {
        return self.tasks.spawnLocal(fn, opts);
      },
      spawnBlocking<A extends unknown[], R>(def: TaskDef<A, R>, args: A, opts?: SpawnOptions): Task<R> {
        return self.spawnPortable(def as unknown as AnyDef, args, opts, true) as Task<R>;
      },
      join<A1 extends unknown[], R1, A2 extends unknown[], R2>(a: TaskDef<A1, R1>, aArgs: A1, b: TaskDef<A2, R2>, bArgs: A2): [R1, R2] {
        return self.join(a as unknown as AnyDef, aArgs, b as unknown as AnyDef, bArgs) as [R1, R2];
      },
      yieldNow(): Promise<void> {
        return new Promise((resolve) => setImmediate(resolve));
      },
    };
  }

  private spawnPortable(def: AnyDef, args: unknown[], opts: SpawnOptions | undefined, blocking: boolean): Task<unknown> {
    const o = checkSpawn(def, args, opts);
    const cell = this.tasks.create<unknown>(o, this.makeCell);
    if (cell.isSettled()) return cell.handle;
    const remote = cell as RemoteTask<unknown>;
    const n = this.verified.get(def);
    const transfer = o?.transfer;
    if (n !== undefined && !(transfer && transfer.length > 0)) {
      this.submit(remote, n, args, blocking);
    } else {
      this.keepAlive.ref();
      resolveTask(def).then(() => {
        const number = this.shared.defs.number(def.module, def.name);
        this.verified.set(def, number);
        if (remote.isSettled()) return;
        if (transfer && transfer.length > 0) this.sendSide({ cell: remote, n: number, args, blocking }, -1, transfer);
        else this.submit(remote, number, args, blocking);
      }, (error) => remote.fail(error)).finally(() => this.armWait());
    }
    return cell.handle;
  }

  /** Step 1: into a slot and onto a queue. */
  private submit(cell: RemoteTask<unknown>, n: number, args: unknown[], blocking: boolean): void {
    const slot = this.endpoint.alloc();
    if (slot < 0) {
      this.backlog.push({ cell, n, args, blocking });
      this.keepAlive.ref();
      return;
    }
    if (!this.endpoint.write(slot, n, args, SlotMode.TASK)) {
      this.sendSide({ cell, n, args, blocking }, slot, undefined);
      return;
    }
    this.cells[slot] = cell;
    cell.slot = slot;
    if (blocking) {
      this.blocking.submit(slot);
    } else {
      this.shared.injector.push(slot);
      this.scheduleFlush();
    }
    if (!this.waiting) this.armWait();
  }

  /** A task whose arguments must travel by message: one worker (round robin) or a blocking thread runs it. */
  private sendSide(p: Pending, slot: number, transfer: readonly unknown[] | undefined): void {
    if (slot < 0) slot = this.endpoint.alloc();
    if (slot < 0) {
      this.backlog.push(p);
      return;
    }
    let target: number;
    if (p.blocking) {
      this.blocking.ensureStarted();
      const ends = this.blocking.endpoints;
      target = ends[this.nextSide++ % ends.length]!;
    } else {
      target = 1 + (this.nextSide++ % this.shared.config.workers);
    }
    const s = this.shared.slots;
    const h = Layout.slotWord(slot);
    s[h + S.DEF] = p.n;
    s[h + S.MODE] = SlotMode.TASK;
    Atomics.store(s, h + S.FLAGS, 0);
    Atomics.store(s, h + S.RUNNER, target);
    Atomics.store(s, h + S.STATE, SlotState.RUNNING);
    this.cells[slot] = p.cell;
    p.cell.slot = slot;
    p.cell.start();
    try {
      this.threads[target]!.post({ t: 'run', slot, args: p.args }, transfer as Transferable[] | undefined);
    } catch (error) { // a detached buffer, say: the task fails; nothing was sent
      this.cells[slot] = undefined;
      this.endpoint.release(slot);
      p.cell.fail(new TypeError(`args cannot be sent to a worker thread: ${error instanceof Error ? error.message : show(error)}`, { cause: error }));
      return;
    }
    if (!this.waiting) this.armWait();
  }

  /** Step 2: one wake for the whole synchronous burst. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      this.shared.parker.notifyWork();
    });
  }

  // ── completions (step 4) ────────────────────────────────────────────────────
  private get inFlight(): number {
    return this.endpoint.inFlight + this.backlog.length;
  }

  private armWait(): void {
    if (this.waiting || this.arming) return; // (drain() resubmits the backlog, which calls back here)
    this.arming = true;
    try {
      this.armWaitLoop();
    } finally {
      this.arming = false;
    }
  }

  private armWaitLoop(): void {
    const parker = this.shared.parker;
    for (;;) {
      this.drain();
      if (this.inFlight === 0 && this.sideResults.size === 0) {
        this.keepAlive.unref();
        return;
      }
      this.keepAlive.ref();
      parker.prepareParking(MAIN);
      if (this.shared.rings[MAIN]!.length > 0) {
        parker.cancelParking(MAIN);
        continue;
      }
      const wait = waitAsync(this.shared.control, parker.parkWord(MAIN), 0);
      if (!wait.async) {
        parker.cancelParking(MAIN);
        continue;
      }
      this.waiting = true;
      wait.value.then(() => {
        this.waiting = false;
        parker.finishParking(MAIN);
        this.armWait();
      });
      return;
    }
  }

  private drain(): void {
    this.endpoint.drain((slot) => this.onCompletion(slot));
    while (this.backlog.length > 0 && this.endpoint.inFlight < this.endpoint.count) {
      const p = this.backlog.shift()!;
      if (!p.cell.isSettled()) this.submit(p.cell, p.n, p.args, p.blocking);
    }
  }

  private onCompletion(slot: number): void {
    if (!this.cells[slot] || this.endpoint.state(slot) !== SlotState.DONE) {
      this.settle(slot, undefined);
      return;
    }
    const outcome = this.sideResults.ofRingEntry(slot, this.endpoint.readResult(slot));
    if (outcome) this.settle(slot, outcome);
  }

  private settle(slot: number, outcome: { ok: boolean; value: unknown } | undefined): void {
    const cell = this.cells[slot];
    this.cells[slot] = undefined;
    this.endpoint.release(slot);
    if (!cell || !outcome) return;
    if (outcome.ok) cell.complete(outcome.value);
    else cell.fail(outcome.value);
  }

  private onThreadMessage(from: number, message: ToMain): void {
    switch (message.t) {
      case 'result': {
        const outcome = { ok: message.ok, value: message.ok ? message.value : decodeError(message.value as ErrorRecord) };
        if (message.owner !== MAIN) {
          this.threads[message.owner]?.post({ t: 'result', slot: message.slot, ok: message.ok, value: message.value });
          return;
        }
        if (this.sideResults.messageCame(message.slot, outcome)) {
          this.settle(message.slot, outcome);
          this.armWait();
        }
        return;
      }
      case 'blocking':
        this.blocking.ensureStarted();
        return;
      case 'sab':
        this.shared.sabs.learn(message.id, message.sab);
        for (const [e, thread] of this.threads.entries()) if (e !== from) thread?.post({ t: 'sab', id: message.id, sab: message.sab });
        return;
      case 'shutdown':
        void this.shutdown();
        return;
      case 'unhandled': {
        // The handle lives on the worker; the handler gets a settled stand-in with the same id.
        const error = decodeError(message.error as ErrorRecord);
        const stand = { id: message.id, state: 'failed', cancel: () => Promise.resolve(), detach() { return this; },
          then: (_ok: unknown, onRejected?: (e: unknown) => unknown) => Promise.reject(error).then(undefined, onRejected) } as unknown as Task<unknown>;
        this.tasks.unhandled(error, stand as never);
        return;
      }
    }
  }

  // ── RemoteHost: cancel ──────────────────────────────────────────────────────
  started(slot: number): boolean {
    const state = this.endpoint.state(slot);
    return state === SlotState.RUNNING || state === SlotState.DONE;
  }

  tryCancelQueued(slot: number): boolean {
    return this.endpoint.tryCancelQueued(slot);
  }

  requestCancel(slot: number, reason: unknown): void {
    // The reason is posted BEFORE the flag goes up, so a worker that sees the flag finds the reason
    // in its mail (task-runner.ts pumps the mail before aborting without one).
    const s = this.shared.slots;
    const runner = Atomics.load(s, Layout.slotWord(slot) + S.RUNNER);
    const thread = runner > 0 ? this.threads[runner] : undefined;
    let sendable: unknown = reason;
    try {
      structuredClone(reason);
    } catch {
      sendable = undefined;
    }
    thread?.post({ t: 'cancel', slot, reason: sendable } satisfies ToThread);
    this.endpoint.requestCancel(slot);
    if (runner > 0) this.shared.parker.nudge(runner); // the post's wake may have come before the flag
  }

  // ── join (main thread): a here, b through the pool unless nobody took it ──
  private join(a: AnyDef, aArgs: unknown[], b: AnyDef, bArgs: unknown[]): [unknown, unknown] {
    checkJoinArgs(a, aArgs, b, bArgs);
    this.tasks.admit();
    const n = this.shared.defs.number(b.module, b.name);
    const slot = this.endpoint.alloc();
    if (slot < 0 || !this.endpoint.write(slot, n, bArgs, SlotMode.JOIN)) {
      if (slot >= 0) this.endpoint.release(slot);
      return [runJoinBody(this.joinCx, a, aArgs, 'a'), runJoinBody(this.joinCx, b, bArgs, 'b')];
    }
    this.shared.injector.push(slot);
    this.shared.parker.notifyWork();
    let ra: unknown;
    let aError: { error: unknown } | undefined;
    try {
      ra = runJoinBody(this.joinCx, a, aArgs, 'a');
    } catch (error) {
      aError = { error };
    }
    let rb: { ok: boolean; value: unknown };
    if (this.endpoint.tryCancelQueued(slot)) {
      // Nobody took b: run it here; its number comes back through the ring and is freed then.
      this.armWait();
      try {
        rb = { ok: true, value: runJoinBody(this.joinCx, b, bArgs, 'b') };
      } catch (error) {
        rb = { ok: false, value: error };
      }
    } else {
      rb = this.awaitJoinSlot(slot);
    }
    if (aError) throw aError.error;
    if (!rb.ok) throw rb.value;
    return [ra, rb.value];
  }

  /**
   * Blocks the main thread (join is synchronous by contract) until b's thief stores DONE. A thread
   * that dies cannot store DONE, and its exit event cannot arrive while this thread is blocked: every
   * 5 ms wait ends with a look at whether any pool thread has stopped (b's thief, or the thief of a
   * join nested inside b, whose joiner waits for main's recovery), and recovery then fails what the
   * dead thread ran with WorkerCrashedError (DONE) as it would from the event.
   */
  private awaitJoinSlot(slot: number): { ok: boolean; value: unknown } {
    const s = this.shared.slots;
    const h = Layout.slotWord(slot);
    for (let spin = 0; Atomics.load(s, h + S.STATE) !== SlotState.DONE; spin++) {
      if (spin < 256) continue;
      Atomics.store(s, h + S.WAITER, 1);
      if (Atomics.wait(s, h + S.STATE, SlotState.RUNNING, 5) === 'timed-out') this.recoverStoppedThreads();
    }
    let result = readResult(s, this.shared.payload, slot);
    if (result.side) result = { ...this.awaitSideSync(slot, Atomics.load(s, h + S.RUNNER)), side: false };
    this.endpoint.release(slot);
    return result;
  }

  private awaitSideSync(slot: number, runner: number): { ok: boolean; value: unknown } {
    const thread = this.threads[runner];
    for (;;) {
      const early = this.sideResults.takeMessage(slot);
      if (early) return early;
      const m = thread && receiveMessageOnPort(thread.port);
      if (m) {
        this.onThreadMessage(runner, m.message as ToMain);
      } else if (!thread || thread.stoppedWhileBlocked()) {
        // Its handle handed over what the port still held before recovery ran (thread-handle.ts).
        return this.sideResults.takeMessage(slot) ?? { ok: false, value: new WorkerCrashedError(`worker thread ${runner} died before sending the result of its join`) };
      } else {
        Atomics.wait(this.shared.control, this.shared.layout.endpointBase(MAIN) + E.MAIL, 0, 1);
      }
    }
  }

  /** Runs recovery now for every pool thread seen to have stopped (the main thread is blocked: no exit event can arrive). */
  private recoverStoppedThreads(): void {
    for (const thread of this.threads) thread?.stoppedWhileBlocked();
  }

  // ── crash recovery ──────────────────────────────────────────────────────────
  /** A thread died: fail what it was running, requeue what it held, start a replacement (not once closing). */
  private recover(dead: number, cause: unknown): void {
    this.crashes++;
    const sh = this.shared;
    const s = sh.slots;
    const error = new WorkerCrashedError(`worker thread ${dead} died: ${cause instanceof Error ? cause.message : show(cause)}`, { cause });
    failSlotsRunOn(sh, dead, error);
    // Big results the dead thread had announced but whose message never came.
    for (const slot of this.sideResults.takeAwaitingMessage((at) => Atomics.load(s, Layout.slotWord(at) + S.RUNNER) === dead)) {
      this.settle(slot, { ok: false, value: error });
    }
    // Closing (a body that called shutdown() dies, say): whoever waits on the dead thread was told above.
    // Not started yet: create() rejects; a replacement would only fail the same way.
    if (this.closing || !this.running) return;
    requeueDeque(sh, dead);
    const replacement = this.startThread(dead, sh.layout.isWorker(dead) ? 'worker' : 'blocking', false);
    if (!sh.layout.isWorker(dead)) this.blocking.threads.set(dead, replacement);
    replacement.ready.catch(noop);
    this.armWait();
    sh.parker.notifyWork();
  }

  // ── Runtime ─────────────────────────────────────────────────────────────────
  run<T>(main: (cx: TaskContext) => Awaitable<T>): Promise<T> {
    checkFunction(main, 'main'); // a bad argument throws at the call; a shut-down runtime rejects
    try {
      return Promise.resolve(this.executor.spawnLocal(main));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  shutdown(opts?: ShutdownOptions): Promise<void> {
    const o = checkOptions<ShutdownOptions>(opts, 'opts');
    const graceMs = o?.graceMs === undefined ? 0 : checkMs(o.graceMs, 'opts.graceMs');
    this.closing ??= this.stop(graceMs);
    return this.closing;
  }

  private async stop(graceMs: number): Promise<void> {
    await this.tasks.shutdown(graceMs, (ms, signal) => this.reactor.clock.sleep(ms, { signal }));
    const sh = this.shared;
    Atomics.store(sh.control, G.SHUTDOWN, 1);
    for (let e = 1; e < sh.layout.endpoints; e++) {
      Atomics.store(sh.control, sh.layout.endpointBase(e) + E.PARK, 1);
      Atomics.notify(sh.control, sh.layout.endpointBase(e) + E.PARK);
    }
    await Promise.all(this.threads.map((t) => t?.stop()));
    await this.blocking.terminate();
    clearInterval(this.keepAlive);
    Atomics.store(sh.control, sh.layout.endpointBase(MAIN) + E.PARK, 1);
    Atomics.notify(sh.control, sh.layout.endpointBase(MAIN) + E.PARK);
    await this.reactor.close();
  }

  metrics(): RuntimeMetrics {
    const { queued, ...pool } = poolMetrics(this.shared);
    return {
      ...this.tasks.counters(queued + this.backlog.length + this.blocking.depth),
      ...pool,
      blockingDepth: this.blocking.depth,
      crashes: this.crashes,
    };
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}
