// The main thread's handle on one pool thread: starting it, its mail port, and noticing when it dies.
//
// A death is noticed by whichever comes first: the worker's exit event (the main thread's event loop
// must be free to get it), or the thread's liveness word (liveness.ts), marked by the thread itself
// or by whoever holds the far end of its life port (the main thread until it first joins, the watchdog
// thread from then on: watchdog.ts), which the main thread reads on every wake-up and every few ms
// while it is blocked in join. Nothing here asks the engine about a worker's event loop (Worker.performance is
// missing or unimplemented outside Node).
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort, type ResourceLimits } from 'node:worker_threads';
import { deferred } from '@runtime-traits/kit';
import { workerExecArgv } from '@runtime-traits/node/worker-exec-argv';
import { E } from '../memory/layout.js';
import type { ToMain, ToThread, WorkerInit } from './messages.js';
import type { Shared } from '../memory/shared.js';
import { beginEpoch, deathOf, describeDeath, Why } from './liveness.js';
import type { Watchdog } from './watchdog.js';

const WORKER_URL = new URL('./worker.js', import.meta.url);
/** How long a thread seen gone by its liveness word has for its exit event (which carries the cause) when the main thread is free to receive it. */
const EXIT_GRACE_MS = 500;
let warnedLimits = false;

/**
 * An engine that takes `resourceLimits` without applying them (Bun: a worker's heap grows past any
 * limit) has no `worker.resourceLimits`; the user is told once, since a runaway task then takes the
 * whole process's memory instead of failing with WorkerCrashedError.
 */
function checkLimitsApplied(worker: Worker, asked: ResourceLimits | undefined): void {
  if (!asked || warnedLimits || (worker as { resourceLimits?: unknown }).resourceLimits !== undefined) return;
  warnedLimits = true;
  process.emitWarning('this engine does not apply worker_threads resourceLimits: a worksteal thread\'s heap is not capped, so running out of it is not a WorkerCrashedError here', { code: 'WORKSTEAL_RESOURCE_LIMITS_IGNORED' });
}

export interface ThreadEvents {
  onMessage(from: number, message: ToMain): void;
  /** The thread ended without being asked to (throw at top level, process.exit, out of memory). */
  onDeath(from: number, error: unknown): void;
}

export class ThreadHandle {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly ready: Promise<void>;
  /** The thread said 'ready' (it got through its start-up). */
  started = false;
  /** stop()'s outcome, once asked: a second call waits for the same end (the pool's list and the blocking pool's both hold a blocking thread). */
  private stopped: Promise<void> | undefined;
  private readonly exited: Promise<void>;
  /** onDeath was called (from the exit event, or earlier from checkDead()). */
  private dead = false;
  private lastError: unknown;
  /** Set when the liveness word said the thread is gone and its exit event may still come (checkDead). */
  private graceTimer: NodeJS.Timeout | undefined;
  private readonly rejectReady: (error: unknown) => void;
  private readonly events: ThreadEvents;

  constructor(
    private readonly shared: Shared,
    readonly me: number,
    /** This thread's epoch on endpoint `me` (liveness.ts): one more than its predecessor's. */
    readonly epoch: number,
    role: 'worker' | 'blocking',
    spinCount: number,
    fresh: boolean,
    resourceLimits: ResourceLimits | undefined,
    watchdog: Watchdog,
    events: ThreadEvents,
  ) {
    this.events = events;
    const channel = new MessageChannel();
    this.port = channel.port1;
    beginEpoch(shared, me, epoch);
    const lifePort = watchdog.lifePortFor(me, epoch);
    const init: WorkerInit = { buffers: shared.buffers, config: shared.config, me, role, spinCount, fresh, port: channel.port2, epoch, lifePort, sabs: [...shared.sabs.byId] };
    this.worker = new Worker(WORKER_URL, { workerData: init, transferList: [channel.port2, lifePort], resourceLimits, execArgv: workerExecArgv() });
    this.exited = exitOf(this.worker);
    checkLimitsApplied(this.worker, resourceLimits);
    const ready = deferred<void>();
    this.ready = ready.promise;
    this.rejectReady = ready.reject;
    this.port.on('message', (message: ToMain) => {
      if (message.t === 'ready') {
        this.started = true;
        ready.resolve();
      } else {
        events.onMessage(me, message);
      }
    });
    // Neither the port nor the thread keeps the process alive: the runtime holds a ref'd handle
    // only while tasks are in flight, so a process whose work is done can exit.
    this.port.unref();
    this.worker.unref();
    this.worker.on('error', (error) => { this.lastError = error; });
    this.ready.catch(() => undefined);
    this.worker.on('exit', (code) => {
      if (!this.stopped) {
        this.reportDeath(this.lastError ?? new Error(`worker thread exited with code ${code}`));
      }
      this.port.close();
    });
  }

  /**
   * Whether the thread is dead: reports the death if its liveness word (liveness.ts) says so and the
   * exit event has not done it yet. `blocked`: the caller blocks the main thread (join), so the exit
   * event cannot arrive: report now. Otherwise a thread whose port closed (it is gone) gets
   * EXIT_GRACE_MS for its exit event, whose error names the cause (out of memory, the exception). A
   * thread that marked itself dead is terminated, since it may run on (Deno runs a worker's event
   * loop on after process.exit or out-of-memory).
   */
  checkDead(blocked: boolean): boolean {
    if (this.dead) return true;
    if (this.stopped) return false;
    const why = deathOf(this.shared, this.me, this.epoch);
    if (why === Why.ALIVE) return false;
    if ((why === Why.PORT_CLOSED || why === Why.UNCAUGHT) && !blocked) {
      if (!this.graceTimer) {
        this.graceTimer = setTimeout(() => this.reportSeen(why), EXIT_GRACE_MS);
        this.graceTimer.unref();
      }
      return false;
    }
    this.reportSeen(why);
    return true;
  }

  /** Seen gone by its liveness word, and left a moment for its exit event (checkDead). */
  get awaitingExit(): boolean {
    return this.graceTimer !== undefined && !this.dead;
  }

  private reportSeen(why: Why): void {
    if (this.dead || this.stopped) return;
    this.reportDeath(this.lastError ?? new Error(describeDeath(this.shared, this.me, why)));
    void this.worker.terminate().catch(() => undefined);
  }

  /**
   * Hands over what the thread posted before it died (a result it sent just before, say), then
   * reports the death: recovery then fails only what really got lost.
   */
  private reportDeath(cause: unknown): void {
    if (this.dead) return;
    this.dead = true;
    clearTimeout(this.graceTimer);
    this.rejectReady(cause); // (create() fails when a first thread dies before it said 'ready')
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      const message = m.message as ToMain;
      if (message.t === 'ready') this.started = true;
      else this.events.onMessage(this.me, message);
    }
    this.events.onDeath(this.me, cause);
  }

  /** Sends a message and makes sure the thread looks at it even if it sleeps in Atomics.wait. */
  post(message: ToThread, transfer?: readonly Transferable[]): void {
    this.port.postMessage(message, transfer as never);
    Atomics.store(this.shared.control, this.shared.layout.endpointBase(this.me) + E.MAIL, 1);
    this.shared.parker.unpark(this.me);
  }

  /**
   * Stops the thread: it was told (G.SHUTDOWN, and woken) to close its port and reactor, so it
   * normally ends by itself once its event loop is empty; a thread still busy after `graceMs` (a
   * task that ignores its signal, a timer it left behind) is terminated.
   */
  stop(graceMs = 500): Promise<void> {
    this.stopped ??= endWithin(this.worker, this.exited, graceMs).then(() => this.port.close());
    return this.stopped;
  }
}

/** A promise of the worker's exit, made when the worker is: it holds even once the exit event is past. */
export function exitOf(worker: Worker): Promise<void> {
  return new Promise<void>((resolve) => worker.once('exit', () => resolve()));
}

/** Waits for a thread told to end to do so (`exited`: exitOf(worker)); one still running after `graceMs` is terminated. */
export async function endWithin(worker: Worker, exited: Promise<void>, graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), graceMs); });
  const outcome = await Promise.race([exited, late]);
  clearTimeout(timer);
  if (outcome === 'late') await worker.terminate();
}
