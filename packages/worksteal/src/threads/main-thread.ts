// MainThread: the main thread's side of the pool — its slots, submitting tasks, waiting for completions, and join.
//
// HOW a task spawned on the main thread travels:
//   1. submit(): a free slot of the main thread's range gets the task (task/owner.ts) and its number
//      is pushed on the injector (or the blocking queue). Nothing is posted. No free slot: the task
//      waits in `backlog` until a completion frees one.
//   2. One microtask per synchronous burst of submits wakes at most one parked worker (parker.ts).
//   3. A worker runs it, writes the result into the same slot, stores DONE, pushes the number on the
//      main thread's completion ring and wakes the main thread only if it sleeps.
//   4. The main thread sleeps in Atomics.waitAsync (no thread blocked) while tasks are in flight, and
//      holds a ref'd timer only then (a pending waitAsync alone would let the process exit early).
//      On waking it drains the whole ring: one wake per burst of completions (armWait).
//   5. But while completions keep coming it does not sleep: it polls. After a burst of submits (the
//      microtask of step 2) and after each poll that drained something, it polls again from the event
//      loop's next check phase (setImmediate: microtasks, timers and sockets run in between), ACTIVE,
//      so no worker pays a notify and this thread pays no wake. A poll that finds the ring empty spins
//      on it for up to SPIN_MS before it sleeps (step 4): a wake costs ~44 µs, a look ~0.1 µs, and a
//      short task comes back within the spin. An empty spin halves the next one; completions that
//      took longer than SPIN_WORTH_MS since the last submits make the next one minimal, so tasks of
//      milliseconds do not have this thread take a core from the workers running them (learn()).
// Arguments with a transfer list, or too big for a slot, go by postMessage to one worker (round
// robin) which runs them itself (sendSide). As a JoinSite (../join.ts), the main thread pushes b on
// the injector, takes it back with a CAS, cannot help, and sleeps on b's state word: join is
// synchronous by contract, so this thread blocks, and checks every 5 ms for a dead thief, whose exit
// event cannot arrive while it is blocked.
import { WorkerCrashedError, type TaskContext } from '@runtime-traits/core';
import { encodeError, show } from '@runtime-traits/core/kit';
import { Fifo } from '@runtime-traits/kit';
import type { JoinSite } from '../join.js';
import { E, SlotMode } from '../memory/layout.js';
import type { Shared } from '../memory/shared.js';
import { SlotOwner, type CancelCourier } from '../task/owner.js';
import type { RemoteTask } from '../task/remote-task.js';
import type { Outcome } from '../task/side-results.js';
import { announceWaiter, runnerOf, waitWhileRunning } from '../task/slot-state.js';
import type { ThreadPool } from './pool.js';
import { waitAsync } from './wait-async.js';

/** The main thread's endpoint number. */
export const MAIN = 0;
/** How long one blocked wait in join lasts before it looks for a dead thief. */
const JOIN_WAIT_MS = 5;
/** Step 5: the longest spin for completions in one poll, and the shortest. */
const SPIN_MS = 0.1;
const MIN_SPIN_MS = SPIN_MS / 16;
/** Step 5: completions that come this soon after a burst of submits make the next spin a full one. */
const SPIN_WORTH_MS = 0.25;

/** A task waiting for a slot (or one whose def is being verified). */
export interface Pending { cell: RemoteTask<unknown>; n: number; args: unknown[]; blocking: boolean; worker: number }

const noop = (): void => {};

export class MainThread implements JoinSite, CancelCourier {
  readonly owner: SlotOwner;
  readonly lookMs = 0;
  private readonly backlog = new Fifo<Pending>();
  private readonly keepAlive: NodeJS.Timeout;
  private readonly mailWord: number;
  private flushScheduled = false;
  /** The burst pushed on the injector (the flush wakes a worker for it), not only on placement queues. */
  private notifyWanted = false;
  /** Parked: PARKED in the parker, a waitAsync listening (a worker's completion notifies it). */
  private sleeping = false;
  /** A waitAsync on the park word has not resolved yet (it may outlive a park this thread left by spinning). */
  private waiterPending = false;
  private arming = false;
  /** Step 5: a poll is scheduled (setImmediate), and how long its spin may last. */
  private polling = false;
  private spinMs = SPIN_MS;
  /** When the last burst of submits was flushed (learn() compares the completions' arrival with it). */
  private flushedAt = 0;
  private nextSide = 0;

  constructor(private readonly shared: Shared, private readonly pool: ThreadPool, readonly joinCx: TaskContext) {
    this.owner = new SlotOwner(shared, MAIN, true, this);
    this.mailWord = shared.layout.endpointBase(MAIN) + E.MAIL;
    this.keepAlive = setInterval(noop, 1 << 30);
    this.keepAlive.unref();
  }

  /** Tasks submitted and not finished, in slots or waiting for one. */
  get inFlight(): number {
    return this.owner.inFlight + this.backlog.length;
  }

  get backlogDepth(): number {
    return this.backlog.length;
  }

  /** Keeps the process alive until the next armWait finds nothing in flight (a def being verified, threads starting). */
  hold(): void {
    this.keepAlive.ref();
  }

  /** Step 1: into a slot and onto a queue. */
  /** `worker`: the worker index it is placed on (thread-per-core), or -1 for anyone. */
  submit(cell: RemoteTask<unknown>, n: number, args: unknown[], blocking: boolean, worker: number): void {
    const owner = this.owner;
    const slot = owner.alloc();
    if (slot < 0) {
      this.backlog.push({ cell, n, args, blocking, worker });
      this.keepAlive.ref();
      return;
    }
    if (!owner.write(slot, n, args, SlotMode.TASK)) {
      this.sendSide({ cell, n, args, blocking, worker }, slot, undefined);
      return;
    }
    owner.adopt(slot, cell);
    if (blocking) {
      this.pool.blocking.submit(slot);
      if (!this.sleeping) this.armWait();
    } else if (worker >= 0) { // onto that worker's placement queue; wake it if it sleeps (a Dekker pair with its last look)
      this.shared.pinned[worker + 1]!.push(slot);
      this.shared.parker.unpark(worker + 1);
      this.scheduleFlush();
    } else {
      this.shared.injector.push(slot);
      this.notifyWanted = true;
      this.scheduleFlush();
    }
  }

  /** A task whose arguments must travel by message: one worker (round robin) or a blocking thread runs it. */
  sendSide(p: Pending, slot: number, transfer: readonly unknown[] | undefined): void {
    if (slot < 0) slot = this.owner.alloc();
    if (slot < 0) {
      this.backlog.push(p);
      return;
    }
    const target = p.worker >= 0 && !p.blocking ? p.worker + 1 : this.pool.sideTarget(this.nextSide++, p.blocking);
    this.owner.startOn(slot, p.n, target);
    this.owner.adopt(slot, p.cell);
    p.cell.start();
    try {
      this.pool.post(target, { t: 'run', slot, args: p.args }, transfer as Transferable[] | undefined);
    } catch (error) { // a detached buffer, say: the task fails; nothing was sent
      const why = error instanceof Error ? error.message : show(error);
      this.owner.complete(slot, { ok: false, value: new TypeError(`args cannot be sent to a worker thread: ${why}`, { cause: error }) });
      return;
    }
    this.scheduleFlush();
  }

  /** Step 2: one wake for the whole synchronous burst; then step 5. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(this.flush);
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    this.flushedAt = performance.now();
    if (this.notifyWanted) {
      this.notifyWanted = false;
      this.shared.parker.notifyWork();
    }
    this.startPolling();
  };

  // ── completions (steps 4 and 5) ────────────────────────────────────────────
  /** Work went out: poll for its completions from the next check phase (leaving a sleep if need be). */
  private startPolling(): void {
    if (this.sleeping) {
      this.sleeping = false; // (its waiter stays pending and serves the next sleep)
      this.shared.parker.cancelParking(MAIN); // ACTIVE: completions are pushed without a notify
    }
    if (this.polling) return;
    this.polling = true;
    this.keepAlive.ref();
    setImmediate(this.poll);
  }

  /**
   * Step 5, once per turn of the event loop: looks at the ring (spinning up to `spinMs` when it is
   * empty), drains it, and goes on polling while completions come; after a spin that found nothing
   * it sleeps (armWait). The next spin's length halves after each empty one and is back to SPIN_MS
   * after a full one.
   */
  private readonly poll = (): void => {
    this.polling = false;
    if (this.sleeping) return;
    const ring = this.shared.rings[MAIN]!;
    let found = ring.length > 0;
    if (!found && this.spinMs > 0) {
      const deadline = performance.now() + this.spinMs;
      do {
        for (let i = 0; i < 64 && !found; i++) found = ring.length > 0;
      } while (!found && performance.now() < deadline);
      if (!found) this.spinMs = Math.max(this.spinMs / 2, MIN_SPIN_MS);
    }
    if (found) this.learn();
    if (!found) {
      this.armWait();
      return;
    }
    this.pool.noticeDeaths(false);
    this.drain();
    if (this.inFlight === 0 && this.owner.sideResults.size === 0) {
      this.keepAlive.unref();
      return;
    }
    this.polling = true;
    setImmediate(this.poll);
  };

  /**
   * Completions came: spin fully next time if they came within SPIN_WORTH_MS of the last burst of
   * submits (tiny tasks: a spin beats a wake), else barely (tasks that take milliseconds: a spin
   * would only take a core from the workers running them).
   */
  private learn(): void {
    this.spinMs = performance.now() - this.flushedAt <= SPIN_WORTH_MS ? SPIN_MS : MIN_SPIN_MS;
  }

  /**
   * A big result's message came after its ring entry: the task completes and its slot is free, so the
   * backlog moves on now — a main thread asleep in waitAsync would otherwise wait for a completion
   * that no task in flight is left to send.
   */
  resultMessageCame(slot: number, use: number, ok: boolean, value: unknown): void {
    if (!this.owner.sideResultCame(slot, use, ok, value)) return;
    this.drain();
    this.armWait();
  }

  /** Drains the ring, then sleeps in waitAsync while anything is in flight (and lets the process exit otherwise). */
  armWait(): void {
    if (this.sleeping || this.arming) return; // (drain() resubmits the backlog, which calls back here)
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
      this.pool.noticeDeaths(false); // (a thread marked dead unparks this one: threads/liveness.ts)
      this.drain();
      if (this.inFlight === 0 && this.owner.sideResults.size === 0) {
        this.keepAlive.unref();
        return;
      }
      this.keepAlive.ref();
      parker.prepareParking(MAIN);
      if (this.shared.rings[MAIN]!.length > 0) {
        parker.cancelParking(MAIN);
        continue;
      }
      if (!this.waiterPending) { // (one left pending by startPolling serves again: the word is 0 once more)
        const wait = waitAsync(this.shared.control, parker.parkWord(MAIN), 0);
        if (!wait.async) {
          parker.cancelParking(MAIN);
          continue;
        }
        this.waiterPending = true;
        wait.value.then(this.woken);
      }
      this.sleeping = true;
      return;
    }
  }

  private readonly woken = (): void => {
    this.waiterPending = false;
    if (!this.sleeping) return; // polling took over from that sleep
    this.sleeping = false;
    this.shared.parker.finishParking(MAIN);
    this.learn();
    if (!this.polling) this.poll(); // (else a poll scheduled before this sleep comes soon: one chain of polls, not two)
  };

  private drain(): void {
    const owner = this.owner;
    owner.drain();
    while (this.backlog.length > 0 && owner.inFlight < owner.count) {
      const p = this.backlog.shift()!;
      if (!p.cell.isSettled()) this.submit(p.cell, p.n, p.args, p.blocking, p.worker);
    }
  }

  /** Shutdown, once every thread stopped: lets go of the timer and ends a pending waitAsync. */
  close(): void {
    clearInterval(this.keepAlive);
    const word = this.shared.parker.parkWord(MAIN);
    Atomics.store(this.shared.control, word, 1);
    Atomics.notify(this.shared.control, word);
  }

  // ── CancelCourier (../task/owner.ts) ───────────────────────────────────────
  /**
   * Posts the reason to the runner BEFORE the flag goes up, so a runner that sees the flag finds the
   * reason in its mail (task/runner.ts pumps the mail before aborting without one).
   */
  sendReason(runner: number, slot: number, reason: unknown): void {
    if (runner <= 0) return;
    // As a record, as errors travel: a TimeoutError or CancelledError arrives as one (a structured
    // clone would make it a plain Error), a reason that cannot be cloned as an Error with its text.
    this.pool.post(runner, { t: 'cancel', slot, reason: encodeError(reason) });
  }

  abortHere(): void {} // the main thread never runs a slot itself

  // ── JoinSite (../join.ts) ──────────────────────────────────────────────────
  fork(slot: number): void {
    this.pool.watchWhileBlocked(); // a join on main may block it, and a blocked main hears no exit event
    this.shared.injector.push(slot);
    this.shared.parker.notifyWork();
  }

  reclaim(slot: number): boolean {
    if (!this.owner.tryCancelQueued(slot)) return false;
    this.armWait(); // its number comes back through the ring (whoever pops it skips it), and is freed then
    return true;
  }

  help(): boolean {
    return false; // the main thread runs no pool tasks
  }

  /**
   * Blocks (join is synchronous by contract) until b's thief stores DONE. A thread that dies cannot
   * store DONE, and its exit event cannot arrive while this thread is blocked: every 5 ms wait ends with
   * a look at whether any pool thread has stopped (b's thief, or the thief of a join nested inside b,
   * whose joiner waits for main's recovery), and recovery then fails what the dead thread ran.
   */
  sleep(slot: number): void {
    announceWaiter(this.shared.slots, slot);
    if (waitWhileRunning(this.shared.slots, slot, JOIN_WAIT_MS) === 'timed-out') this.pool.noticeDeaths(true);
  }

  awaitSideResult(slot: number): Outcome {
    const runner = runnerOf(this.shared.slots, slot);
    const sideResults = this.owner.sideResults;
    for (;;) {
      const early = sideResults.takeMessage(slot);
      if (early) return early;
      if (this.pool.pumpFrom(runner)) continue;
      if (this.pool.isDead(runner)) {
        // Its handle handed over what the port still held before recovery ran (thread-handle.ts).
        return sideResults.takeMessage(slot) ?? { ok: false, value: new WorkerCrashedError(`${this.shared.layout.threadName(runner)} died before sending the result of its join`) };
      }
      Atomics.wait(this.shared.control, this.mailWord, 0, 1);
    }
  }
}
