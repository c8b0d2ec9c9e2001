// A simulated UDP socket: datagrams that really are lost, delayed and unordered, never retransmitted.
import type { Datagram, SocketAddress, UdpSocket } from '@runtime-traits/core';
import { NetError } from '@runtime-traits/core';
import { checkData, checkUdpDestination } from '@runtime-traits/core/kit';
import { WaitQueue, untilEnd } from '@runtime-traits/kit';
import type { HostState } from './host-state.js';
import type { TimerItem } from '../scheduler.js';
import { Network } from './network.js';
import { encodeUtf8 } from './utf8.js';

const MAX_DATAGRAM = 65507;
/** Datagrams queued for recv() beyond this are dropped, like a full socket buffer. */
const RECV_QUEUE = 4096;

/** A datagram on the wire: a heap entry due at its arrival. */
class InFlight implements TimerItem {
  at: number;
  seq = 0;
  slot = -1;
  constructor(
    readonly owner: number,
    private readonly net: Network,
    private readonly to: HostState,
    private readonly toIp: string,
    private readonly toPort: number,
    private readonly datagram: Datagram,
    at: number,
    /** "from <host> sent <t>", for the trace line of its arrival. */
    private readonly origin: string,
  ) {
    this.at = at;
  }

  wake(): void {
    const scheduler = this.net.scheduler;
    const list = this.to.status === 'up' ? this.to.udpSockets.get(this.toPort) : undefined;
    const socket = list?.find((s) => Network.accepts(s.boundIp, this.toIp));
    if (!socket) {
      scheduler.record(`${this.to.name} udp ${this.toIp}:${this.toPort} dropped: nobody bound`);
      return;
    }
    socket.deliver(this.datagram, this.origin);
  }

  label(): string {
    return `${this.to.name} udp ${this.toPort} arrives`;
  }
}

export class SimUdpSocket implements UdpSocket {
  // Datagrams not yet received, and the recv() calls waiting; wakes go through the scheduler.
  private readonly queue: WaitQueue<Datagram>;

  constructor(
    private readonly net: Network,
    readonly host: HostState,
    readonly address: { host: string; port: number },
    readonly boundIp: string,
    private readonly unregister: () => void,
  ) {
    this.queue = new WaitQueue<Datagram>({
      schedule: (waker) => net.scheduler.wakeSoon(waker),
      label: () => `${host.name} udp recv woken`,
    });
  }

  send(data: Uint8Array | string, to: SocketAddress): Promise<void> {
    checkData(data);
    to = checkUdpDestination(to);
    const down = this.host.downError();
    if (down) return Promise.reject(down);
    if (this.queue.closed) return Promise.reject(new NetError('EBADF', 'send EBADF: the socket is closed', { syscall: 'send' }));
    const bytes = typeof data === 'string' ? encodeUtf8(data) : data.slice();
    if (bytes.length > MAX_DATAGRAM) {
      return Promise.reject(new NetError('EMSGSIZE', `send EMSGSIZE: ${bytes.length} bytes exceed ${MAX_DATAGRAM}`, { syscall: 'send' }));
    }
    const place = this.net.locate(to.host, this.host);
    if (place.kind === 'unknown') {
      return Promise.reject(new NetError('ENOTFOUND', `getaddrinfo ENOTFOUND ${to.host}`, { syscall: 'getaddrinfo' }));
    }
    const scheduler = this.net.scheduler;
    if (place.kind === 'nowhere' || !this.net.reachable(this.host, place.host)) {
      scheduler.record(`${this.host.name} udp to ${to.host}:${to.port} lost: unreachable`);
      return Promise.resolve();
    }
    const delay = this.net.datagramDelay(this.host, place.host);
    if (delay < 0) {
      scheduler.record(`${this.host.name} udp to ${to.host}:${to.port} lost`);
      return Promise.resolve();
    }
    const from = { host: place.loopback ? '127.0.0.1' : this.host.ip, port: this.address.port };
    scheduler.record(`${this.host.name} udp ${bytes.length} bytes to ${place.host.name}:${to.port}`);
    scheduler.addTimer(new InFlight(this.host.index, this.net, place.host, place.ip, to.port, { data: bytes, from }, scheduler.now() + delay, `from ${this.host.name} sent ${scheduler.now()}`));
    return Promise.resolve();
  }

  recv(opts?: { signal?: AbortSignal }): Promise<Datagram | null> {
    return this.queue.take(opts);
  }

  close(): Promise<void> {
    if (this.queue.closed) return Promise.resolve();
    this.queue.close();
    this.unregister();
    this.queue.drain();
    return Promise.resolve();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Datagram> {
    return untilEnd(() => this.recv());
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  deliver(datagram: Datagram, origin: string): void {
    if (this.queue.closed) return;
    // A full socket buffer drops the newest datagram (the node runtime's recv queue drops the oldest).
    if (this.queue.size >= RECV_QUEUE) {
      this.net.scheduler.record(`${this.host.name} udp ${this.address.port} dropped: queue full`);
      return;
    }
    this.net.scheduler.record(`${this.host.name} udp ${this.address.port} received ${datagram.data.length} bytes ${origin}`);
    this.queue.push(datagram);
  }
}
