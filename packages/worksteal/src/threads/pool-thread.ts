// PoolThread: everything one pool thread holds — its slots, runner, own queues, mail, idle state, counters.
//
// The home of per-worker state: the loop (worker.ts), the task code's cx.runtime (worker-runtime.ts)
// and join (../join.ts, through the JoinSite below) all act on the thread through this object. It
// finds work (own deque → injector → steal), runs a slot, pushes a spawned task, and is the pool
// thread's JoinSite (push b on the own deque, pop it back, help, park) and CancelCourier.
import type { TaskContext } from '@runtime-traits/core';
import { Fifo } from '@runtime-traits/kit';
import { runtimeCapabilities, type WorkerReactor } from '../capabilities.js';
import type { JoinSite } from '../join.js';
import { E } from '../memory/layout.js';
import type { Shared } from '../memory/shared.js';
import { EMPTY, type Deque } from '../queues/deque.js';
import type { MpmcRing } from '../queues/mpmc-ring.js';
import { LocalJobs } from '../task/local-jobs.js';
import { SlotOwner, type CancelCourier } from '../task/owner.js';
import { TaskRunner } from '../task/runner.js';
import type { Outcome } from '../task/side-results.js';
import { announceWaiter, SlotState, stateOf } from '../task/slot-state.js';
import { Mailbox } from './mailbox.js';
import type { ToThread, WorkerInit } from './messages.js';
import { PState } from './parker.js';
import { ParkState } from './park-state.js';
import { WorkerRuntime } from './worker-runtime.js';

/** Upper bound of one park inside join (a safety net: every way out of the wait also notifies). */
const JOIN_PARK_MS = 1;

export class PoolThread implements JoinSite, CancelCourier {
  readonly me: number;
  readonly isWorker: boolean;
  /** This worker's own deque (undefined on a blocking thread, which only takes from the blocking queue). */
  readonly deque: Deque | undefined;
  /** Thread-per-core: this worker's placement queue (spawnOn, main's round robin); undefined when workers steal. */
  readonly pinned: MpmcRing | undefined;
  /** cx.worker: this worker's index (endpoint - 1); undefined on a blocking thread. */
  readonly index: number | undefined;
  readonly mail: Mailbox;
  readonly park: ParkState;
  readonly owner: SlotOwner;
  readonly runner: TaskRunner;
  /** What task code on this thread sees as cx.runtime. */
  readonly view: WorkerRuntime;
  readonly joinCx: TaskContext;
  readonly lookMs = 0.05;
  /** Work only this thread may run: closures (args too big for a slot, a transfer list) and messaged tasks. */
  readonly local = new Fifo<() => void>();
  /** Own tasks that did not get a slot: promise jobs, released one chunk per loop turn. */
  readonly jobs = new LocalJobs();
  readonly counters = { steals: 0, parks: 0, spawns: 0 };
  /** A spawn happened since the last wake-up check: other workers may want to steal. */
  notifyPending = false;
  private readonly control: Int32Array;
  private readonly stolen: number[] = [];

  constructor(
    readonly shared: Shared,
    readonly init: WorkerInit,
    readonly reactor: WorkerReactor,
    /** Schedules the loop's next turn. */
    readonly resume: () => void,
    onMessage: (message: ToThread) => void,
  ) {
    this.me = init.me;
    this.control = shared.control;
    this.isWorker = init.role === 'worker';
    this.deque = this.isWorker ? shared.deques[this.me]! : undefined;
    this.pinned = this.isWorker ? shared.pinned[this.me] : undefined;
    this.index = this.isWorker ? this.me - 1 : undefined;
    this.mail = new Mailbox(shared, this.me, init.port, onMessage);
    this.park = new ParkState(shared.parker, this.me, resume);
    this.owner = new SlotOwner(shared, this.me, init.fresh, this);
    this.view = new WorkerRuntime(this, reactor, runtimeCapabilities(reactor.capabilities));
    this.runner = new TaskRunner(shared, this.me, this.owner, this.mail, this.park, this.view);
    this.joinCx = { signal: new AbortController().signal, runtime: this.view, worker: this.index };
    for (const [id, sab] of init.sabs) shared.sabs.learn(id, sab);
    shared.sabs.announce = (id, sab) => this.mail.post({ t: 'sab', id, sab });
    shared.sabs.pump = () => this.mail.pump();
  }

  // ── finding and running work ───────────────────────────────────────────────
  /**
   * Own deque → injector (a small batch) → steal half of a random victim. Blocking threads: their
   * queue only. Thread-per-core: own deque → own placement queue → injector (unplaced work: main's
   * join), never another worker's deque.
   */
  findWork(): number {
    if (!this.deque) return this.shared.blockingQueue.pop();
    const own = this.deque.pop();
    if (own !== EMPTY) return own;
    if (this.pinned) {
      const placed = this.pinned.pop();
      if (placed !== EMPTY) return placed;
    }
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
    if (workers < 2 || this.pinned) return EMPTY;
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

  /** A slot popped from a queue: an own task runs straight through its handle (no decoding, slot freed at once), any other through the runner. */
  runSlot(slot: number): void {
    const owner = this.owner;
    const cell = owner.ownCell(slot);
    if (cell === undefined) this.runner.run(slot);
    else if (owner.takeOwn(slot)) this.runner.runOwn(cell, owner.takenDef!, owner.takenArgs!);
  }

  /**
   * Onto the own deque; when full, half of it (and then this task) moves to the injector (tokio's
   * overflow) — to the own placement queue in thread-per-core, where it stays this worker's.
   */
  pushLocal(slot: number): void {
    const overflow = this.pinned ?? this.shared.injector;
    if (this.deque) {
      if (this.deque.push(slot)) return;
      const half = this.deque.capacity >> 1;
      for (let k = 0; k < half; k++) {
        const moved = this.deque.steal();
        if (moved === EMPTY) break;
        overflow.push(moved);
      }
      if (this.deque.push(slot)) return;
    }
    overflow.push(slot);
  }

  /** Anything a stealing worker could take right now (cheap looks only). */
  stealableWork(): boolean {
    const sh = this.shared;
    if (!this.deque) return false;
    if (this.deque.length > 0 || sh.injector.length > 0) return true;
    if (this.pinned) return this.pinned.length > 0;
    for (let w = 1; w <= sh.config.workers; w++) if (sh.deques[w]!.length > 0) return true;
    return false;
  }

  /** Anything this thread could do right now (cheap looks only). */
  hasWork(): boolean {
    const sh = this.shared;
    if (this.local.length > 0 || this.jobs.waiting > 0 || this.mail.waiting) return true;
    if (sh.rings[this.me]!.length > 0) return true;
    if (!this.deque) return sh.blockingQueue.length > 0;
    return this.stealableWork();
  }

  /** Makes the counters visible to metrics() on the main thread (each word written by this thread alone). */
  publishCounters(): void {
    const c = this.control;
    const base = this.shared.layout.endpointBase(this.me);
    Atomics.store(c, base + E.TASKS, this.runner.tasksRun + this.jobs.ran);
    Atomics.store(c, base + E.STEALS, this.counters.steals);
    Atomics.store(c, base + E.PARKS, this.counters.parks);
    Atomics.store(c, base + E.SPAWNS, this.counters.spawns);
  }

  // ── JoinSite (../join.ts) ──────────────────────────────────────────────────
  fork(slot: number): void {
    if (this.deque) this.pushLocal(slot);
    else this.shared.injector.push(slot);
    if (!this.pinned) this.shared.parker.notifyWork(); // (thread-per-core: nobody else may take it)
  }

  /**
   * Pops the own deque: b itself is on top unless it was stolen (then whatever is on top belongs to an
   * outer join of this thread or to a spawn: run it, it is work anyway); with the deque empty, b sits
   * in the injector or in a thief's deque: take it back with tryTakeBack (whoever pops the number
   * later skips it, and it comes back through this thread's ring).
   */
  reclaim(slot: number): boolean {
    const top = this.deque ? this.deque.pop() : EMPTY;
    if (top === slot) {
      this.owner.release(slot); // off every queue: free at once
      return true;
    }
    if (top !== EMPTY) {
      this.runSlot(top);
      return false;
    }
    return this.owner.tryCancelQueued(slot);
  }

  help(): boolean {
    if (!this.deque) return false; // a blocking thread only waits for its b
    const other = this.findWork();
    if (other === EMPTY) return false;
    this.runSlot(other);
    return true;
  }

  /**
   * Parks like an idle worker, so that EITHER new work (notifyWork) OR b's thief (publishDone then
   * unpark) wakes it: a joiner never sleeps while there is work it could help with. Dekker pairs on SC
   * atomics, as in the idle loop: WAITER and PSTATE=PARKED are stored before STATE and the queues are
   * looked at once more; the thief stores DONE before it reads WAITER and PSTATE, a pusher publishes
   * work before notifyWork reads PSTATE. So either this last look sees it, or the other side wakes us.
   */
  sleep(slot: number): void {
    const parker = this.shared.parker;
    announceWaiter(this.shared.slots, slot);
    parker.prepareParking(this.me);
    if (stateOf(this.shared.slots, slot) !== SlotState.RUNNING || this.stealableWork()) {
      this.afterJoinPark(parker.cancelParking(this.me));
      return;
    }
    Atomics.wait(this.control, parker.parkWord(this.me), 0, JOIN_PARK_MS);
    this.afterJoinPark(parker.finishParking(this.me));
  }

  /** A notifyWork that woke a joiner counted it as a searcher: hand that back (the joiner looks on its own). */
  private afterJoinPark(state: PState): void {
    const parker = this.shared.parker;
    if (state === PState.NOTIFIED_SEARCH && parker.stopSearching()) parker.notifyWork();
  }

  /** A JOIN result too big for its slot: main forwards it on the port; read it synchronously. */
  awaitSideResult(slot: number): Outcome {
    for (;;) {
      const early = this.owner.sideResults.takeMessage(slot);
      if (early) return early;
      if (!this.mail.pump()) this.mail.sleep(1);
    }
  }

  // ── CancelCourier (../task/owner.ts) ───────────────────────────────────────
  /** A pool thread has no port to other pool threads: only its own runner learns the reason (the others see CancelledError). */
  sendReason(runner: number, slot: number, reason: unknown): void {
    if (runner === this.me) this.runner.noteReason(slot, reason);
  }

  abortHere(): void {
    this.runner.pollCancels();
  }
}
