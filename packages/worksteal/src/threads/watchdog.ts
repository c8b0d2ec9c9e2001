// The main thread's side of the watchdog thread (watchdog-thread.ts): starting it, and handing it each pool thread's life port.
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { workerExecArgv } from '@runtime-traits/node';
import type { Shared } from '../memory/shared.js';
import type { ToWatchdog, WatchdogInit } from './messages.js';
import { endWithin, exitOf } from './thread-handle.js';

const WATCHDOG_URL = new URL('./watchdog-thread.js', import.meta.url);

export class Watchdog {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly exited: Promise<void>;

  constructor(shared: Shared) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    const init: WatchdogInit = { buffers: shared.buffers, config: shared.config, port: channel.port2 };
    this.worker = new Worker(WATCHDOG_URL, { workerData: init, transferList: [channel.port2], execArgv: workerExecArgv() });
    this.exited = exitOf(this.worker);
    // Neither keeps the process alive; the thread has nothing to say, and a failure of its own only
    // costs the blocked-join path its signal (exit events still work).
    this.worker.unref();
    this.port.unref();
    this.worker.on('error', () => undefined);
  }

  /**
   * A life port for epoch `epoch` of endpoint e: the caller gives the returned port to the new thread
   * (in its workerData), the watchdog keeps the other end and marks the epoch dead when it closes.
   */
  lifePortFor(e: number, epoch: number): MessagePort {
    const channel = new MessageChannel();
    const message: ToWatchdog = { t: 'watch', e, epoch, port: channel.port1 };
    this.port.postMessage(message, [channel.port1]);
    return channel.port2;
  }

  /** Shutdown (after every pool thread stopped): the thread lets go of every port, and so ends by itself. */
  async stop(): Promise<void> {
    const stop: ToWatchdog = { t: 'stop' };
    this.port.postMessage(stop);
    this.port.close();
    await endWithin(this.worker, this.exited, 500);
  }
}
