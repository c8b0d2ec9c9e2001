// The main thread's handle on one pool thread: starting it, its mail port, and noticing when it dies.
//
// A death is noticed by whichever comes first: the worker's exit event (the main thread's event loop
// must be free to get it), or the thread's liveness word (liveness.ts), marked by the thread itself
// or by the watchdog thread, which the main thread reads on every wake-up and every few ms while it is
// blocked in join. Nothing here asks the engine about a worker's event loop (Worker.performance is
// missing or unimplemented outside Node).
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort, type ResourceLimits } from 'node:worker_threads';
import { deferred } from '@runtime-traits/kit';
import { workerExecArgv } from '@runtime-traits/node';
import { E } from '../memory/layout.js';
import type { ToMain, ToThread, WorkerInit } from './messages.js';
import type { Shared } from '../memory/shared.js';
import { beginEpoch, deathOf, describeDeath, Why } from './liveness.js';
import type { Watchdog } from './watchdog.js';

const WORKER_URL = new URL('./worker.js', import.meta.url);
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
  private stopping = false;
  /** onDeath was called (from the exit event, or earlier from checkDead()). */
  private dead = false;
  private lastError: unknown;
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
    checkLimitsApplied(this.worker, resourceLimits);
    const ready = deferred<void>();
    this.ready = ready.promise;
    this.rejectReady = ready.reject;
    this.port.on('message', (message: ToMain) => {
      if (message.t === 'ready') {
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
      if (!this.stopping) {
        this.reportDeath(this.lastError ?? new Error(`worker thread exited with code ${code}`));
      }
      this.port.close();
    });
  }

  /**
   * Whether the thread is dead: reports the death now if its liveness word (liveness.ts) says so and
   * the exit event has not done it yet. Works while the main thread is blocked (join), where that
   * event cannot arrive. A thread that marked itself dead but runs on (Deno runs a worker's event
   * loop on after process.exit or out-of-memory) is terminated.
   */
  checkDead(): boolean {
    if (this.dead) return true;
    if (this.stopping) return false;
    const why = deathOf(this.shared, this.me, this.epoch);
    if (why === Why.ALIVE) return false;
    this.reportDeath(this.lastError ?? new Error(describeDeath(this.shared, this.me, why)));
    void this.worker.terminate().catch(() => undefined);
    return true;
  }

  /**
   * Hands over what the thread posted before it died (a result it sent just before, say), then
   * reports the death: recovery then fails only what really got lost.
   */
  private reportDeath(cause: unknown): void {
    if (this.dead) return;
    this.dead = true;
    this.rejectReady(cause); // (create() fails when a first thread dies before it said 'ready')
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      const message = m.message as ToMain;
      if (message.t !== 'ready') this.events.onMessage(this.me, message);
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
  async stop(graceMs = 500): Promise<void> {
    this.stopping = true;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), graceMs); });
    const outcome = await Promise.race([exited, late]);
    clearTimeout(timer);
    if (outcome === 'late') await this.worker.terminate();
    this.port.close();
  }
}
