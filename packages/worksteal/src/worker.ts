// A pool thread: its run loop (pop, take from the injector, steal, spin, park) and its side of spawn and join.
//
// HOW, one turn of the loop (`tick`), on the worker's own event loop:
//   1. read mail (only when E.MAIL says there is some: receiveMessageOnPort, no event needed),
//      drain this thread's completion ring, abort signals of running tasks whose cancel flag is up;
//   2. run tasks until none is found or ~2 ms passed: own deque (LIFO pop) → injector (takes a small
//      batch into the deque) → steal about half of a random victim's deque;
//   3. if it ran anything, yield to the event loop (setImmediate: promises, timers and sockets of
//      async tasks progress) and come back; otherwise become a searcher, spin `spinCount` looks, then
//      park (parker.ts): Atomics.wait when the thread holds nothing asynchronous (nothing else could
//      need its event loop), else Atomics.waitAsync (the mail port keeps the thread alive).
//   A blocking thread runs the same loop over the blocking queue only, and never steals.
//
// join (rayon's): push b on the own deque, run a here, then pop b back and run it here if nobody
// stole it; if a thief has it, help (run other tasks) and, when there is nothing to help with,
// wait on b's STATE word until the thief stores DONE.
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import type { Capability, Reactor, SpawnOptions, Task, TaskContext, TaskDef } from '@runtime-traits/core';
import { isThenable, type TaskOwner } from '@runtime-traits/core/kit';
import { EMPTY, type Deque } from './deque.js';
import { joinOnPool, type JoinSite } from './internal/join.js';
import { Endpoint } from './internal/endpoint.js';
import { Fifo } from './internal/fifo.js';
import { LocalJobs } from './internal/local-jobs.js';
import { decodeError, encodeError, type ErrorRecord } from '@runtime-traits/core/kit';
import { E, G, SlotMode, SlotState } from './internal/layout.js';
import type { ToMain, ToThread, WorkerInit } from './internal/messages.js';
import { RemoteTask } from './internal/remote-task.js';
import { Shared } from './internal/shared.js';
import { TaskRunner } from './internal/task-runner.js';
import { waitAsync } from './internal/wait-async.js';
import { WorkerRuntime, type ThreadHost } from './internal/worker-runtime.js';
import { runtimeCapabilities } from './internal/capabilities.js';
import { SideResults } from './internal/side-results.js';
import { PState } from './parker.js';

type AnyDef = TaskDef<unknown[], unknown>;
const BATCH_MS = 2;

class PoolThread implements ThreadHost, JoinSite {
  readonly endpoint: Endpoint;
  readonly runner: TaskRunner;
  readonly view: WorkerRuntime;
  private readonly control: Int32Array;
  private readonly base: number;
  private readonly isWorker: boolean;
  readonly deque: Deque | undefined;
  /** Handles of tasks this thread spawned into shared slots, by slot - endpoint.base. */
  private readonly cells: Array<RemoteTask<unknown> | undefined> = [];
  private readonly keptArgs: Array<unknown[] | undefined> = [];
  private readonly keptDefs: Array<AnyDef | undefined> = [];
  /** Def numbers by def object (a string key per spawn would cost more than the spawn). */
  private readonly defNumbers = new WeakMap<AnyDef, number>();
  private readonly makeCell = (id: number, owner: TaskOwner, name: string | undefined, signal?: AbortSignal): RemoteTask<unknown> =>
    new RemoteTask(id, owner, name, signal, this);
  /** A spawn happened since the last wake-up check: other workers may want to steal. */
  private notifyPending = false;
  /** Work only this thread may run: closures (args too big for a slot; no free slot after a def's first load) and messaged tasks. */
  private readonly local = new Fifo<() => void>();
  /** Own tasks that did not get a slot: promise jobs, released one chunk per loop turn. */
  private readonly jobs = new LocalJobs();
  private readonly sideResults = new SideResults();
  private readonly stolen: number[] = [];
  private tickScheduled = false;
  private stopped = false;
  /** Parked with Atomics.waitAsync (the event loop goes on; a local event may end the park first). */
  private asyncWaiting = false;
  /** A waitAsync promise is outstanding on the park word. */
  private waiterPending = false;
  private searching = false;
  private counters = { steals: 0, parks: 0, spawns: 0 };
  private askedForBlocking = false;
  readonly joinCx: TaskContext;

  constructor(readonly shared: Shared, readonly me: number, private readonly init: WorkerInit, private readonly reactor: Reactor & { close(): Promise<void>; readonly capabilities: ReadonlySet<Capability> }) {
    this.control = shared.control;
    this.base = shared.layout.endpointBase(me);
    this.isWorker = init.role === 'worker';
    this.deque = this.isWorker ? shared.deques[me]! : undefined;
    this.endpoint = new Endpoint(shared, me, init.fresh);
    this.view = new WorkerRuntime(reactor, runtimeCapabilities(reactor.capabilities));
    this.view.host = this;
    this.runner = new TaskRunner(shared, me, {
      completeLocal: (slot, outcome) => this.completeLocal(slot, outcome),
      sendResult: (slot, owner, ok, value) => this.post({ t: 'result', slot, owner, ok, value }),
      localArgs: (slot) => (this.endpoint.owns(slot) ? this.keptArgs[slot - this.endpoint.base] : undefined),
      awake: () => this.awake(),
      pumpMail: () => {
        if (this.stopped) return;
        for (let m = receiveMessageOnPort(this.init.port); m; m = receiveMessageOnPort(this.init.port)) this.onMessage(m.message as ToThread);
      },
    });
    this.runner.runtime = this.view;
    this.joinCx = { signal: new AbortController().signal, runtime: this.view };
    init.port.on('message', (message: ToThread) => this.onMessage(message));
    for (const [id, sab] of init.sabs) shared.sabs.learn(id, sab);
    shared.sabs.announce = (id, sab) => this.post({ t: 'sab', id, sab });
    shared.sabs.pump = () => {
      const m = receiveMessageOnPort(this.init.port);
      if (m) this.onMessage(m.message as ToThread);
      return m !== undefined;
    };
  }

  /** Shutdown: let go of everything that keeps this thread's event loop alive, so the thread ends. */
  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.init.port.close();
    void this.reactor.close();
  }

  post(message: ToMain, transfer?: Transferable[]): void {
    if (this.stopped) return;
    this.init.port.postMessage(message, transfer as never);
  }

  // ── the loop ─────────────────────────────────────────────────────────────────
  scheduleTick(): void {
    if (this.tickScheduled) return;
    this.tickScheduled = true;
    setImmediate(this.tickFn);
  }

  // Closures that capture `this` live in fields: one inside a method would make V8 allocate a context on
  // every call of it (at entry, even on paths that never make the closure), i.e. on every spawn.
  private readonly tickFn = (): void => this.tick();
  private readonly onSlot = (slot: number): void => this.onCompletion(slot);

  tick(): void {
    this.tickScheduled = false;
    if (this.asyncWaiting) this.leaveAsyncPark();
    for (;;) {
      if (Atomics.load(this.control, G.SHUTDOWN) !== 0) {
        this.stop();
        return;
      }
      this.pollEvents();
      if (this.notifyPending) {
        this.notifyPending = false;
        this.shared.parker.notifyWork();
      }
      if (this.runBatch() > 0) {
        this.scheduleTick();
        return;
      }
      if (!this.idle()) return;
    }
  }

  private pollEvents(): void {
    if (Atomics.load(this.control, this.base + E.MAIL) !== 0) {
      Atomics.store(this.control, this.base + E.MAIL, 0);
      for (let m = receiveMessageOnPort(this.init.port); m; m = receiveMessageOnPort(this.init.port)) this.onMessage(m.message as ToThread);
    }
    this.endpoint.drain(this.onSlot);
    if (this.runner.running.size > 0) this.runner.pollCancels();
  }

  private runBatch(): number {
    let ran = 0;
    const deadline = performance.now() + BATCH_MS;
    while (this.local.length > 0) {
      this.local.shift()!();
      ran++;
    }
    if (this.jobs.waiting > 0) {
      if (this.searching) this.stopSearching();
      ran += this.jobs.release(); // its bodies run right after this turn
    }
    for (;;) {
      const slot = this.findWork();
      if (slot === EMPTY) break;
      if (this.searching) this.stopSearching();
      this.runSlot(slot);
      ran++;
      if (this.notifyPending) {
        this.notifyPending = false;
        this.shared.parker.notifyWork();
      }
      if ((ran & 63) === 0) {
        this.endpoint.drain(this.onSlot);
        if (performance.now() > deadline) break;
      }
    }
    if (ran > 0) this.publishCounters();
    return ran;
  }

  /**
   * A slot popped from a queue. When it is this thread's own task, nobody else can reach it any more
   * (it left every queue, and only this thread cancels it), so it runs straight through its handle:
   * no decoding, no shared result, the slot is free again at once.
   */
  runSlot(slot: number): void {
    const i = slot - this.endpoint.base;
    const cell = i >= 0 && i < this.endpoint.count ? this.cells[i] : undefined;
    if (!cell) {
      this.runner.run(slot);
      return;
    }
    if (this.endpoint.state(slot) !== SlotState.QUEUED) {
      this.completeLocal(slot, undefined); // cancelled while queued
      return;
    }
    const def = this.keptDefs[i]!;
    const args = this.keptArgs[i]!;
    this.cells[i] = undefined;
    this.keptArgs[i] = undefined;
    this.keptDefs[i] = undefined;
    cell.slot = -1;
    this.endpoint.release(slot);
    this.runOwn(cell, def, args);
  }

  /** Runs one of this thread's own tasks through its handle (the handle is its context). */
  private runOwn(cell: RemoteTask<unknown>, def: AnyDef, args: unknown[]): void {
    this.runner.tasksRun++;
    if (!cell.start()) return;
    let result: unknown;
    try {
      result = def.fn(cell, ...args);
    } catch (error) {
      cell.fail(error);
      return;
    }
    if (isThenable(result)) cell.settleWith(result);
    else cell.complete(result);
  }

  private stopSearching(): void {
    this.searching = false;
    // The last searcher to find work wakes one more worker: the burst spreads one wake at a time.
    if (this.shared.parker.stopSearching()) this.shared.parker.notifyWork();
  }

  /** Own deque → injector (a small batch) → steal half of a random victim. Blocking threads: their queue only. */
  findWork(): number {
    if (!this.deque) return this.shared.blockingQueue.pop();
    const own = this.deque.pop();
    if (own !== EMPTY) return own;
    const injector = this.shared.injector;
    const first = injector.pop();
    if (first !== EMPTY) {
      const workers = this.shared.config.workers;
      const room = (this.deque.capacity >> 1) - this.deque.length;
      const extra = Math.min(room, Math.ceil(injector.length / workers), 32);
      for (let i = 0; i < extra; i++) {
        const next = injector.pop();
        if (next === EMPTY) break;
        this.deque.push(next);
      }
      return first;
    }
    return this.steal();
  }

  private steal(): number {
    const workers = this.shared.config.workers;
    if (workers < 2) return EMPTY;
    const start = (Math.random() * workers) | 0;
    for (let i = 0; i < workers; i++) {
      const victim = 1 + ((start + i) % workers);
      if (victim === this.me) continue;
      const got = this.shared.deques[victim]!.stealHalf(this.stolen, this.deque!.capacity >> 1);
      if (got === 0) continue;
      this.counters.steals += got;
      for (let k = 1; k < got; k++) this.deque!.push(this.stolen[k]!); // our deque was empty: they fit
      const first = this.stolen[0]!;
      this.stolen.length = 0;
      return first;
    }
    return EMPTY;
  }

  /** Anything this thread could do right now (cheap looks only). */
  private hasWork(): boolean {
    const sh = this.shared;
    if (this.local.length > 0 || this.jobs.waiting > 0 || Atomics.load(this.control, this.base + E.MAIL) !== 0) return true;
    if (sh.rings[this.me]!.length > 0) return true;
    if (!this.deque) return sh.blockingQueue.length > 0;
    if (this.deque.length > 0 || sh.injector.length > 0) return true;
    for (let w = 1; w <= sh.config.workers; w++) if (sh.deques[w]!.length > 0) return true;
    return false;
  }

  /** No work: search, spin, park. True when the caller should loop again right away. */
  private idle(): boolean {
    const parker = this.shared.parker;
    if (this.isWorker && !this.searching) this.searching = parker.tryStartSearching();
    for (let i = 0; i < this.init.spinCount; i++) if (this.hasWork()) return true;
    if (this.searching) {
      this.searching = false;
      parker.stopSearching();
    }
    parker.prepareParking(this.me);
    if (this.hasWork()) {
      this.afterPark(parker.cancelParking(this.me));
      return true;
    }
    this.counters.parks++;
    this.publishCounters();
    const word = parker.parkWord(this.me);
    if (this.canBlock()) {
      const outcome = Atomics.wait(this.control, word, 0, 250);
      this.afterPark(parker.finishParking(this.me));
      if (outcome === 'timed-out') {
        this.scheduleTick(); // let the event loop turn now and then
        return false;
      }
      return true;
    }
    this.asyncWaiting = true;
    if (this.waiterPending) return false; // a waiter from an earlier park still listens on the word
    const wait = waitAsync(this.control, word, 0);
    if (!wait.async) {
      this.asyncWaiting = false;
      this.afterPark(parker.finishParking(this.me));
      return true;
    }
    this.waiterPending = true;
    wait.value.then(() => {
      this.waiterPending = false;
      if (this.asyncWaiting) this.leaveAsyncPark();
      this.scheduleTick();
    });
    return false;
  }

  /**
   * Task code is about to run outside tick (a promise continuation: a def's module finished loading,
   * an async task resumed and joins). While it runs, this thread must not look PARKED (a pusher's
   * notifyWork would "wake" it, count it as searching and then wake nobody else) nor hold a
   * searcher's place: either would keep the other workers asleep for as long as the task runs.
   * Being ACTIVE, nobody will wake it either: its loop is scheduled to resume after the task code.
   */
  private awake(): void {
    if (this.asyncWaiting) {
      this.leaveAsyncPark();
      this.scheduleTick();
    }
    if (this.searching) this.stopSearching();
  }

  private leaveAsyncPark(): void {
    this.asyncWaiting = false;
    this.afterPark(this.shared.parker.finishParking(this.me));
  }

  private afterPark(state: PState): void {
    if (state === PState.NOTIFIED_SEARCH) this.searching = true;
  }

  /** Blocking the thread is safe only when nothing on its event loop could need attention. */
  private canBlock(): boolean {
    if (this.runner.running.size > 0 || this.view.tasks.active > 0 || this.sideResults.size > 0) return false;
    for (const kind of process.getActiveResourcesInfo()) if (kind !== 'MessagePort') return false;
    return true;
  }

  private publishCounters(): void {
    const c = this.control;
    Atomics.store(c, this.base + E.TASKS, this.runner.tasksRun + this.jobs.ran);
    Atomics.store(c, this.base + E.STEALS, this.counters.steals);
    Atomics.store(c, this.base + E.PARKS, this.counters.parks);
    Atomics.store(c, this.base + E.SPAWNS, this.counters.spawns);
  }

  // ── mail and completions ────────────────────────────────────────────────────
  private onMessage(message: ToThread): void {
    switch (message.t) {
      case 'run':
        this.local.push(() => this.runner.execute(message.slot, message.args));
        this.scheduleTick();
        break;
      case 'cancel':
        this.runner.noteReason(message.slot, message.reason);
        this.runner.pollCancels();
        break;
      case 'result':
        this.onSideResult(message.slot, message.ok, message.value);
        break;
      case 'sab':
        this.shared.sabs.learn(message.id, message.sab);
        break;
    }
  }

  private onCompletion(slot: number): void {
    if (!this.cells[slot - this.endpoint.base] || this.endpoint.state(slot) !== SlotState.DONE) {
      this.completeLocal(slot, undefined);
      return;
    }
    const outcome = this.sideResults.ofRingEntry(slot, this.endpoint.readResult(slot));
    if (outcome) this.completeLocal(slot, outcome);
  }

  private onSideResult(slot: number, ok: boolean, value: unknown): void {
    const outcome = { ok, value: ok ? value : decodeRecord(value) };
    if (this.sideResults.messageCame(slot, outcome)) this.completeLocal(slot, outcome);
  }

  /** A slot this thread owns is finished (outcome) or was skipped (undefined): settle its handle, free the slot. */
  private completeLocal(slot: number, outcome: { ok: boolean; value: unknown } | undefined): void {
    const i = slot - this.endpoint.base;
    const cell = this.cells[i];
    this.cells[i] = undefined;
    this.keptArgs[i] = undefined;
    this.keptDefs[i] = undefined;
    this.endpoint.release(slot);
    if (!cell || !outcome) return;
    if (outcome.ok) cell.complete(outcome.value);
    else cell.fail(outcome.value);
  }

  // ── ThreadHost: what cx.runtime does on this thread ─────────────────────────
  spawn<R>(def: TaskDef<unknown[], R>, args: unknown[], opts: SpawnOptions | undefined): Task<R> {
    return this.spawnInto(def as AnyDef, args, opts, false) as Task<R>;
  }

  spawnBlocking<R>(def: TaskDef<unknown[], R>, args: unknown[], opts: SpawnOptions | undefined): Task<R> {
    return this.spawnInto(def as AnyDef, args, opts, true) as Task<R>;
  }

  private spawnInto(def: AnyDef, args: unknown[], opts: SpawnOptions | undefined, blocking: boolean): Task<unknown> {
    const n = this.defNumber(def);
    const known = this.runner.knows(n);
    if (known && (this.endpoint.inFlight === this.endpoint.count || (opts?.transfer?.length ?? 0) > 0)) {
      // No free slot (or a transfer list): this thread runs it itself, as a promise job.
      this.counters.spawns++;
      const handle = this.jobs.spawn(this.view.tasks, def, args, opts);
      this.scheduleTick();
      return handle;
    }
    const cell = this.view.tasks.create<unknown>(opts, this.makeCell);
    if (cell.isSettled()) return cell.handle;
    if (known) {
      this.submit(cell as RemoteTask<unknown>, n, def, args, opts?.transfer, blocking);
    } else {
      this.submitAfterLoad(cell as RemoteTask<unknown>, n, def, args, opts?.transfer, blocking);
    }
    return cell.handle;
  }

  /** First use of a def on this thread: prove it is exported where it says (TypeError otherwise), then submit. */
  private submitAfterLoad(cell: RemoteTask<unknown>, n: number, def: AnyDef, args: unknown[], transfer: unknown[] | undefined, blocking: boolean): void {
    this.runner.load(n).then(() => this.submit(cell, n, def, args, transfer, blocking), (error) => cell.fail(error));
  }

  defNumber(def: AnyDef): number {
    let n = this.defNumbers.get(def);
    if (n === undefined) {
      n = this.shared.defs.number(def.module, def.name);
      this.defNumbers.set(def, n);
    }
    return n;
  }

  private submit(cell: RemoteTask<unknown>, n: number, def: AnyDef, args: unknown[], transfer: unknown[] | undefined, blocking: boolean): void {
    if (cell.isSettled()) return;
    this.counters.spawns++;
    const slot = transfer && transfer.length > 0 ? -1 : this.endpoint.alloc();
    if (slot < 0 || !this.endpoint.write(slot, n, args, SlotMode.TASK)) {
      if (slot >= 0) this.endpoint.release(slot);
      // Too big for shared memory, or no free slot after the def's first load: this thread runs it itself, later.
      this.runOwnLater(cell, def, args);
      return;
    }
    const i = slot - this.endpoint.base;
    this.cells[i] = cell;
    this.keptArgs[i] = args;
    this.keptDefs[i] = def;
    cell.slot = slot;
    if (blocking) {
      this.shared.blockingQueue.push(slot);
      if (Atomics.load(this.control, G.BLOCKING_STARTED) === 0 && !this.askedForBlocking) {
        this.askedForBlocking = true;
        this.post({ t: 'blocking' });
      }
      this.shared.parker.notifyBlocking();
      return;
    }
    this.pushLocal(slot);
    this.notifyPending = true; // one wake check per task that spawned, not per spawn
    this.scheduleTick();
  }

  private runOwnLater(cell: RemoteTask<unknown>, def: AnyDef, args: unknown[]): void {
    this.local.push(() => this.runOwn(cell, def, args));
    this.scheduleTick();
  }

  /** Onto the own deque; when full, half of it (and then this task) moves to the injector (tokio's overflow). */
  pushLocal(slot: number): void {
    if (this.deque) {
      if (this.deque.push(slot)) return;
      const half = this.deque.capacity >> 1;
      for (let k = 0; k < half; k++) {
        const moved = this.deque.steal();
        if (moved === EMPTY) break;
        this.shared.injector.push(moved);
      }
      if (this.deque.push(slot)) return;
    }
    this.shared.injector.push(slot);
  }

  join(a: AnyDef, aArgs: unknown[], b: AnyDef, bArgs: unknown[]): [unknown, unknown] {
    this.awake();
    const n = this.defNumber(b);
    this.runner.know(n, b);
    return joinOnPool(this, a, aArgs, b, bArgs, n);
  }

  keepArgs(slot: number, args: unknown[] | undefined): void {
    this.keptArgs[slot - this.endpoint.base] = args;
  }

  /** A JOIN result too big for its slot: main forwards it on the port; read it synchronously. */
  awaitSideResult(slot: number): { ok: boolean; value: unknown } {
    for (;;) {
      const early = this.sideResults.takeMessage(slot);
      if (early) return early;
      const m = receiveMessageOnPort(this.init.port);
      if (m) this.onMessage(m.message as ToThread);
      else Atomics.wait(this.control, this.base + E.MAIL, 0, 1);
    }
  }

  metrics(): Record<string, unknown> {
    return { worker: this.me, tasksRun: this.runner.tasksRun + this.jobs.ran, ...this.counters };
  }

  unhandled(error: unknown, task: Task<unknown>): void {
    this.post({ t: 'unhandled', id: task.id, error: encodeError(error) });
  }

  requestShutdown(): void {
    this.post({ t: 'shutdown' });
  }

  // ── RemoteHost: cancelling a task this thread spawned ───────────────────────
  started(slot: number): boolean {
    const state = this.endpoint.state(slot);
    return state === SlotState.RUNNING || state === SlotState.DONE;
  }

  tryCancelQueued(slot: number): boolean {
    return this.endpoint.tryCancelQueued(slot);
  }

  requestCancel(slot: number, reason: unknown): void {
    const runner = this.endpoint.requestCancel(slot);
    if (runner === this.me) {
      this.runner.noteReason(slot, reason);
      this.runner.pollCancels();
    } else if (runner > 0) {
      this.shared.parker.nudge(runner);
    }
  }
}

function decodeRecord(value: unknown): unknown {
  return decodeError(value as ErrorRecord);
}

async function main(): Promise<void> {
  const init = workerData as WorkerInit;
  const shared = new Shared(init.config, init.buffers);
  const { NodeReactor } = await import('@runtime-traits/node');
  const thread = new PoolThread(shared, init.me, init, await NodeReactor.create());
  process.on('exit', (code) => thread.runner.failAll(new Error(`worker exited with code ${code}`)));
  thread.post({ t: 'ready' });
  thread.scheduleTick();
}

void main();
