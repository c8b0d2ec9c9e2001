// The main thread's side of the watchdog thread (watchdog-thread.ts): the life ports' far ends, held by main until it first blocks, then by the thread.
//
// WHY LAZY: the watchdog exists for one moment, a main thread blocked in a synchronous `join`, which
// cannot receive a worker's exit event. A runtime whose main thread never joins (a server per core,
// an application that only spawns) would pay a whole thread for nothing: ~12 MiB of resident memory
// and its start-up. So main holds the far end of every life port itself and marks a closed one dead
// (where the engine reports the close of a port nobody started: Node, Bun; elsewhere the exit event,
// which main receives while it is not blocked, covers it). The first time main forks a join it starts
// the thread and hands it every port it holds; from then on new ports go straight to the thread. A
// port whose thread died before or during the handover still reports its close to the watchdog (the
// engines CI runs were checked: Node 20/24, Bun, Deno). Ports are never started on main: Deno refuses
// to transfer a started port.
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { workerExecArgv } from '@runtime-traits/node/worker-exec-argv';
import type { Shared } from '../memory/shared.js';
import { markDead, Why } from './liveness.js';
import type { ToWatchdog, WatchdogInit } from './messages.js';
import { endWithin, exitOf } from './thread-handle.js';

const WATCHDOG_URL = new URL('./watchdog-thread.js', import.meta.url);

/** A life port main still holds: its endpoint, epoch, and the close listener to take off before the handover. */
interface Held {
  e: number;
  epoch: number;
  onClose: () => void;
}

interface Thread {
  worker: Worker;
  port: MessagePort;
  exited: Promise<void>;
}

export class Watchdog {
  private thread: Thread | undefined;
  private readonly held = new Map<MessagePort, Held>();
  /** The thread could not be started: do not try again on every join. */
  private failed = false;

  constructor(private readonly shared: Shared) {}

  /**
   * A life port for epoch `epoch` of endpoint e: the caller gives the returned port to the new thread
   * (in its workerData); the other end stays with main, or with the watchdog thread once it runs, and
   * marks the epoch dead when it closes.
   */
  lifePortFor(e: number, epoch: number): MessagePort {
    const channel = new MessageChannel();
    const far = channel.port1;
    if (this.thread) this.watch(this.thread, e, epoch, far);
    else {
      const onClose = (): void => {
        this.held.delete(far);
        markDead(this.shared, e, epoch, Why.PORT_CLOSED);
      };
      far.on('close', onClose);
      far.unref?.();
      this.held.set(far, { e, epoch, onClose });
    }
    return channel.port2;
  }

  /** Main is about to block in a join: the watchdog thread starts (once) and takes every life port main holds. */
  start(): void {
    if (this.thread || this.failed) return;
    const channel = new MessageChannel();
    const init: WatchdogInit = { buffers: this.shared.buffers, config: this.shared.config, port: channel.port2 };
    let worker: Worker;
    try {
      worker = new Worker(WATCHDOG_URL, { workerData: init, transferList: [channel.port2], execArgv: workerExecArgv() });
    } catch {
      // No thread to be had (the engine's limit): main keeps the ports, and a blocked join is left with
      // its own look at the liveness words, as when the watchdog itself fails.
      this.failed = true;
      channel.port1.close();
      return;
    }
    const thread: Thread = { worker, port: channel.port1, exited: exitOf(worker) };
    this.thread = thread;
    // Neither keeps the process alive; the thread has nothing to say, and a failure of its own only
    // costs the blocked-join path its signal (exit events still work).
    worker.unref();
    thread.port.unref();
    worker.on('error', () => undefined);
    for (const [port, { e, epoch, onClose }] of this.held) {
      port.off('close', onClose); // (Node closes the local object on transfer, which is no death)
      this.watch(thread, e, epoch, port);
    }
    this.held.clear();
  }

  private watch(thread: Thread, e: number, epoch: number, port: MessagePort): void {
    const message: ToWatchdog = { t: 'watch', e, epoch, port };
    thread.port.postMessage(message, [port]);
  }

  /** Shutdown (after every pool thread stopped): the ports main holds are closed; a running thread lets go of its own, and so ends by itself. */
  async stop(): Promise<void> {
    for (const [port, { onClose }] of this.held) {
      port.off('close', onClose);
      port.close();
    }
    this.held.clear();
    const thread = this.thread;
    if (!thread) return;
    const stop: ToWatchdog = { t: 'stop' };
    thread.port.postMessage(stop);
    thread.port.close();
    await endWithin(thread.worker, thread.exited, 500);
  }
}
