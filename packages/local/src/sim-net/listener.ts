// A simulated TCP (or Unix) listener: an accept queue of connections the handshake already established.
import type { Connection, Listener, SocketAddress } from '@runtime-traits/core';
import { WaitQueue, untilEnd } from '@runtime-traits/kit';
import type { HostState } from './host-state.js';
import type { Scheduler } from '../scheduler.js';
import type { TcpEndpoint } from './tcp.js';

export class TcpListener implements Listener {
  // Established, not yet accepted ends, and the accept() calls waiting; wakes go through the scheduler.
  private readonly backlogQueue: WaitQueue<TcpEndpoint>;

  constructor(
    private readonly scheduler: Scheduler,
    readonly host: HostState,
    readonly address: SocketAddress,
    /** The address bound: an IP (0.0.0.0 for all) or '' for a Unix path. */
    readonly boundIp: string,
    readonly backlog: number,
    private readonly unregister: () => void,
  ) {
    this.backlogQueue = new WaitQueue<TcpEndpoint>({
      schedule: (waker) => scheduler.wakeSoon(waker),
      label: () => `${host.name} accept woken`,
    });
  }

  get closed(): boolean {
    return this.backlogQueue.closed;
  }

  /** Room for one more established connection? (A full backlog drops the SYN; the client retries.) */
  get full(): boolean {
    return this.backlogQueue.size >= this.backlog;
  }

  accept(opts?: { signal?: AbortSignal }): Promise<Connection | null> {
    return this.backlogQueue.take(opts);
  }

  close(): Promise<void> {
    if (this.backlogQueue.closed) return Promise.resolve();
    this.backlogQueue.close();
    this.unregister();
    this.scheduler.record(`${this.host.name} listener ${show(this.address)} closed`);
    // Connections never accepted are closed as accepted ones would be (the node runtime accepts from
    // the kernel at once and closes what it still holds): FIN, or RST if the client's writes wait.
    for (const end of this.backlogQueue.drain()) end.closeUnaccepted();
    return Promise.resolve();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Connection> {
    return untilEnd(() => this.accept());
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The handshake completed: `end` waits here for accept(). */
  enqueue(end: TcpEndpoint): void {
    this.backlogQueue.push(end);
  }
}

export function show(address: SocketAddress): string {
  return 'path' in address ? address.path : `${address.host}:${address.port}`;
}
