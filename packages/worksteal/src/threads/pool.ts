// ThreadPool: the main thread's handles on every pool thread — starting, mail, noticing deaths, replacing, stopping.
//
// Endpoints 1..W are the stealing workers, started by create(); W+1..W+B the blocking threads,
// started on first use (blocking-pool.ts). Messages from any thread and deaths go to the runtime's
// ThreadEvents; the runtime decides what they mean. Each thread started on an endpoint gets the
// next epoch of it and a life port whose far end main holds until it first blocks in a join, and the
// watchdog thread from then on (watchdog.ts, liveness.ts).
import type { ResourceLimits } from 'node:worker_threads';
import { receiveMessageOnPort } from 'node:worker_threads';
import { E, G } from '../memory/layout.js';
import type { Shared } from '../memory/shared.js';
import { BlockingPool } from './blocking-pool.js';
import type { ToMain, ToThread } from './messages.js';
import { deathsMarked } from './liveness.js';
import { ThreadHandle, type ThreadEvents } from './thread-handle.js';
import { Watchdog } from './watchdog.js';

const noop = (): void => {};

/** A replacement that died before it started is started again after this, doubled each time in a row, up to RETRY_MAX_MS. */
const RETRY_FIRST_MS = 10;
const RETRY_MAX_MS = 2_000;

export class ThreadPool {
  /** threads[e]: the handle of endpoint e's thread (index 0, the main thread, unused). */
  readonly threads: Array<ThreadHandle | undefined> = [];
  readonly blocking: BlockingPool;
  /** Every worker said 'ready': from then on a thread that dies is replaced (before, create() fails instead). */
  started = false;
  private readonly watchdog: Watchdog;
  /** epochs[e]: the epoch of the thread last started on endpoint e. */
  private readonly epochs: number[] = [];
  /** G.DEATHS when noticeDeaths() last looked. */
  private deathsSeen = 0;
  /** failedStarts[e]: replacements in a row on endpoint e that died before they started. */
  private readonly failedStarts: number[] = [];
  /** Replacements waiting out their delay, by endpoint: the timer, and when it is due. */
  private readonly retries = new Map<number, { timer: NodeJS.Timeout; due: number }>();
  /**
   * Mail for an endpoint whose replacement waits out its delay, handed to the replacement when it
   * starts. Each message is a copy made when it was posted (its transfers moved then), as
   * postMessage would have made it.
   */
  private readonly held = new Map<number, ToThread[]>();
  private stopping = false;

  constructor(
    private readonly shared: Shared,
    private readonly spinCount: number,
    private readonly resourceLimits: ResourceLimits | undefined,
    private readonly events: ThreadEvents,
  ) {
    this.watchdog = new Watchdog(shared);
    this.blocking = new BlockingPool(shared, (e) => this.start(e, 'blocking', true));
  }

  /** The main thread is about to block in a join, where it cannot receive exit events: the watchdog thread watches from now on. */
  watchWhileBlocked(): void {
    this.watchdog.start();
  }

  /** Starts the stealing workers; resolves once every one is running. */
  async startWorkers(): Promise<void> {
    const ready: Promise<void>[] = [];
    for (let w = 1; w <= this.shared.config.workers; w++) ready.push(this.start(w, 'worker', true).ready);
    await Promise.all(ready);
    this.started = true;
  }

  private start(e: number, role: 'worker' | 'blocking', fresh: boolean): ThreadHandle {
    const epoch = (this.epochs[e] ?? 0) + 1;
    this.epochs[e] = epoch;
    const thread = new ThreadHandle(this.shared, e, epoch, role, this.spinCount, fresh, this.resourceLimits, this.watchdog, this.events);
    this.threads[e] = thread;
    return thread;
  }

  /**
   * Endpoint `dead`'s thread died: a new thread takes over its endpoint (and inherits its slots still
   * in flight). At once after a thread that had started; after a delay that doubles each time in a
   * row after one that died while starting (its module cannot load, its heap limit is too small for
   * start-up), so a pool whose threads cannot start retries now and then instead of in a hot loop.
   */
  replace(dead: number): void {
    const previous = this.threads[dead];
    const failed = previous && !previous.started ? (this.failedStarts[dead] ?? 0) + 1 : 0;
    this.failedStarts[dead] = failed;
    if (failed === 0) {
      this.startReplacement(dead);
      return;
    }
    const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (failed - 1));
    const timer = setTimeout(() => this.retryNow(dead), delay);
    timer.unref(); // what waits for the endpoint (a task in flight) keeps the process alive, not this
    this.retries.set(dead, { timer, due: performance.now() + delay });
    // Mail held for the thread that just died went with it: recovery failed every slot still running
    // on this endpoint, those it held a 'run' for included. Only what comes from now on is handed over.
    this.held.set(dead, []);
  }

  /** Starts endpoint e's waiting replacement (its timer fired, or a blocked join found it due). */
  private retryNow(e: number): void {
    const retry = this.retries.get(e);
    if (!retry) return;
    clearTimeout(retry.timer);
    this.retries.delete(e);
    if (!this.stopping) this.startReplacement(e);
  }

  private startReplacement(dead: number): void {
    const isWorker = this.shared.layout.isWorker(dead);
    const replacement = this.start(dead, isWorker ? 'worker' : 'blocking', false);
    if (!isWorker) this.blocking.threads.set(dead, replacement);
    replacement.ready.catch(noop);
    const mail = this.held.get(dead);
    this.held.delete(dead);
    for (const message of mail ?? []) replacement.post(message);
  }

  /** Posts to endpoint e's thread (and makes it look at its mail even if it sleeps). */
  post(e: number, message: ToThread, transfer?: readonly Transferable[]): void {
    const held = this.held.get(e);
    // structuredClone throws here, at the caller, what postMessage would have thrown (a detached buffer).
    if (held) held.push(structuredClone(message, { transfer: transfer as Transferable[] | undefined }));
    else this.threads[e]?.post(message, transfer);
  }

  /**
   * Shutdown with a grace: resolves once every thread running now has said 'drained' (its own tasks
   * settled), or after `graceMs` — a thread busy in a long body, or dead, does not hold shutdown longer.
   */
  drained(graceMs: number): Promise<void> {
    const waiting = new Set<number>();
    for (let e = 1; e < this.threads.length; e++) if (this.threads[e]) waiting.add(e);
    if (waiting.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.onDrained = noop;
        resolve();
      };
      const timer = setTimeout(done, graceMs);
      this.onDrained = (e) => {
        waiting.delete(e);
        if (waiting.size === 0) done();
      };
    });
  }

  /** A thread said 'drained' (see drained()). */
  onDrained: (e: number) => void = noop;

  /** Posts to every thread but `except`. */
  postAll(message: ToThread, except = -1): void {
    for (let e = 0; e < this.threads.length; e++) if (e !== except) this.post(e, message); // (held for a replacement still to start)
  }

  /** Reads one message waiting from endpoint e's thread, synchronously, and hands it to the events; false when there was none. */
  pumpFrom(e: number): boolean {
    const thread = this.threads[e];
    const m = thread && receiveMessageOnPort(thread.port);
    if (!m) return false;
    this.events.onMessage(e, m.message as ToMain);
    return true;
  }

  /** Reads one waiting message from every thread; false when none had any. */
  pumpAll(): boolean {
    let any = false;
    for (let e = 1; e < this.threads.length; e++) if (this.pumpFrom(e)) any = true;
    return any;
  }

  /**
   * Runs recovery now for every thread whose liveness word says it died (liveness.ts), if any death
   * was marked since the last look: one load when none was. Called on each wake-up of the main
   * thread and, while it is blocked in join (`blocked`), every few ms.
   */
  noticeDeaths(blocked: boolean): void {
    // A replacement due while the main thread is blocked in a join: its timer cannot fire, start it here.
    if (blocked && this.retries.size > 0) {
      const now = performance.now();
      for (const [e, retry] of [...this.retries]) if (retry.due <= now) this.retryNow(e);
    }
    const marked = deathsMarked(this.shared);
    if (marked === this.deathsSeen) return;
    // (A replacement started by a recovery below is a new handle with a new epoch: checked next time.)
    let settled = true;
    for (const thread of [...this.threads]) if (thread && !thread.checkDead(blocked) && thread.awaitingExit) settled = false;
    // A death left to its exit event is looked at again next time (a join that blocks meanwhile reports it
    // at once); a mark that landed during the scan moved G.DEATHS past `marked`.
    if (settled) this.deathsSeen = marked;
  }

  /** For a main thread blocked on it: whether endpoint e's thread is gone (by its liveness word, or its exit event). */
  isDead(e: number): boolean {
    const thread = this.threads[e];
    return !thread || thread.checkDead(true);
  }

  /** The endpoint a task sent by message runs on: round robin over the workers, or over the blocking threads. */
  sideTarget(turn: number, blocking: boolean): number {
    if (!blocking) return 1 + (turn % this.shared.config.workers);
    this.blocking.ensureStarted();
    const ends = this.blocking.endpoints;
    return ends[turn % ends.length]!;
  }

  /** Shutdown: every thread is told (G.SHUTDOWN) and woken, then each ends by itself or is terminated. */
  async stop(): Promise<void> {
    const sh = this.shared;
    this.stopping = true;
    for (const { timer } of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
    this.held.clear();
    Atomics.store(sh.control, G.SHUTDOWN, 1);
    for (let e = 1; e < sh.layout.endpoints; e++) {
      Atomics.store(sh.control, sh.layout.endpointBase(e) + E.PARK, 1);
      Atomics.notify(sh.control, sh.layout.endpointBase(e) + E.PARK);
    }
    await Promise.all(this.threads.map((t) => t?.stop())); // (the blocking threads too: they are endpoints like the workers)
    await this.watchdog.stop();
  }
}
