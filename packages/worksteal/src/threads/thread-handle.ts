// The main thread's handle on one pool thread: starting it, its mail port, and noticing when it dies.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort, type ResourceLimits } from 'node:worker_threads';
import { deferred } from '@runtime-traits/kit';
import { workerExecArgv } from '@runtime-traits/node';
import { E } from '../memory/layout.js';
import type { ToMain, ToThread, WorkerInit } from './messages.js';
import type { Shared } from '../memory/shared.js';

const WORKER_URL = new URL('./worker.js', import.meta.url);

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
  /** onDeath was called (from the exit event, or earlier from stoppedWhileBlocked()). */
  private dead = false;
  private lastError: unknown;
  private readonly events: ThreadEvents;

  constructor(
    private readonly shared: Shared,
    readonly me: number,
    role: 'worker' | 'blocking',
    spinCount: number,
    fresh: boolean,
    resourceLimits: ResourceLimits | undefined,
    events: ThreadEvents,
  ) {
    this.events = events;
    const channel = new MessageChannel();
    this.port = channel.port1;
    const init: WorkerInit = { buffers: shared.buffers, config: shared.config, me, role, spinCount, fresh, port: channel.port2, sabs: [...shared.sabs.byId] };
    this.worker = new Worker(WORKER_URL, { workerData: init, transferList: [channel.port2], resourceLimits, execArgv: workerExecArgv() });
    const ready = deferred<void>();
    this.ready = ready.promise;
    this.port.on('message', (message: ToMain) => {
      if (message.t === 'ready') {
        ready.resolve();
        this.readLoopStart();
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
        const cause = this.lastError ?? new Error(`worker thread exited with code ${code}`);
        ready.reject(cause);
        this.reportDeath(cause);
      }
      this.port.close();
    });
  }

  /**
   * For a main thread blocked in a synchronous wait (join), which cannot receive the exit event:
   * reports the death now if the thread has stopped. Returns whether it is dead.
   *
   * HOW: Node answers a stopped worker's idle-time query with -1, synchronously, so its event-loop
   * utilization shows `idle < 0` from the moment the thread is gone (seen on Node 20; where Node
   * answers otherwise this never fires, and the exit event remains the only signal). Node reads the
   * worker's loop start once, on the first query that finds the loop running, and answers zeros
   * until then, also once the thread has stopped: readLoopStart() queries from 'ready' on until Node
   * has it. (So a replacement started while the main thread is blocked, which cannot get its 'ready'
   * until the main thread runs its event loop, is not seen if it too dies before then.)
   */
  stoppedWhileBlocked(): boolean {
    if (this.dead) return true;
    if (this.stopping || this.worker.performance.eventLoopUtilization().idle >= 0) return false;
    this.reportDeath(new Error(`worker thread ${this.me} stopped while the main thread was blocked waiting for it (out of memory is the usual cause; its own error event had not arrived yet)`));
    return true;
  }

  /** Queries the worker's event-loop utilization until Node has its loop start (a few ms after 'ready' at most). */
  private readLoopStart(tries = 50): void {
    if (this.dead || this.stopping) return;
    const { idle, active } = this.worker.performance.eventLoopUtilization();
    if (idle !== 0 || active !== 0 || tries === 0) return;
    setTimeout(() => this.readLoopStart(tries - 1), 1).unref();
  }

  /**
   * Hands over what the thread posted before it died (a result it sent just before, say), then
   * reports the death: recovery then fails only what really got lost.
   */
  private reportDeath(cause: unknown): void {
    if (this.dead) return;
    this.dead = true;
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
