// A simulated UDP socket: datagrams that really are lost, delayed and unordered, never retransmitted.
import type { Datagram, SocketAddress, UdpSocket } from '@runtime-traits/core';
import { NetError } from '@runtime-traits/core';
import { abortError, checkAddress, checkData, checkOptions, checkSignal } from '@runtime-traits/core/kit';
import type { HostState } from '../host-state.js';
import type { Scheduler, TimerItem, Wakeable } from '../scheduler.js';
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
    socket.deliver(this.datagram);
  }

  label(): string {
    return `${this.to.name} udp ${this.toPort} arrives`;
  }
}

class RecvWaiter implements Wakeable {
  scheduled = false;
  done = false;
  resolve!: (value: Datagram | null) => void;
  reject!: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  readonly promise = new Promise<Datagram | null>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });
  constructor(private readonly socket: SimUdpSocket) {}

  settle(value: Datagram | null, error?: unknown): void {
    if (this.done) return;
    this.done = true;
    if (this.onAbort) this.signal!.removeEventListener('abort', this.onAbort);
    if (error !== undefined) this.reject(error);
    else this.resolve(value);
  }

  wake(): void {
    this.scheduled = false;
    this.socket.serve(this);
  }

  label(): string {
    return `${this.socket.host.name} udp recv woken`;
  }
}

export class SimUdpSocket implements UdpSocket {
  // Invariant: `queue` holds datagrams not yet received; `waiters` recv() calls not yet served.
  private readonly queue: Datagram[] = [];
  private readonly waiters: RecvWaiter[] = [];
  private isClosed = false;

  constructor(
    private readonly net: Network,
    readonly host: HostState,
    readonly address: { host: string; port: number },
    readonly boundIp: string,
    private readonly unregister: () => void,
  ) {}

  send(data: Uint8Array | string, to: SocketAddress): Promise<void> {
    checkData(data);
    checkAddress(to, 'to');
    if ('path' in to) throw new TypeError('to must be { host, port } for a UDP socket, got a path');
    const down = this.host.downError();
    if (down) return Promise.reject(down);
    if (this.isClosed) return Promise.reject(new NetError('EBADF', 'send EBADF: the socket is closed', { syscall: 'send' }));
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
    scheduler.addTimer(new InFlight(this.host.index, this.net, place.host, place.ip, to.port, { data: bytes, from }, scheduler.now() + delay));
    return Promise.resolve();
  }

  recv(opts?: { signal?: AbortSignal }): Promise<Datagram | null> {
    const signal = checkSignal(checkOptions<{ signal?: AbortSignal }>(opts)?.signal, 'opts.signal');
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    if (this.isClosed) return Promise.resolve(null);
    if (this.waiters.length === 0 && this.queue.length > 0) return Promise.resolve(this.queue.shift()!);
    const waiter = new RecvWaiter(this);
    this.waiters.push(waiter);
    if (signal) {
      waiter.signal = signal;
      waiter.onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        waiter.settle(null, abortError(signal.reason));
        this.poke();
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
    }
    return waiter.promise;
  }

  close(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    this.isClosed = true;
    this.unregister();
    this.queue.length = 0;
    for (const waiter of this.waiters.splice(0)) waiter.settle(null);
    return Promise.resolve();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Datagram> {
    for (;;) {
      const datagram = await this.recv();
      if (datagram === null) return;
      yield datagram;
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  deliver(datagram: Datagram): void {
    if (this.isClosed) return;
    if (this.queue.length >= RECV_QUEUE) {
      this.net.scheduler.record(`${this.host.name} udp ${this.address.port} dropped: queue full`);
      return;
    }
    this.net.scheduler.record(`${this.host.name} udp ${this.address.port} received ${datagram.data.length} bytes`);
    this.queue.push(datagram);
    this.poke();
  }

  serve(waiter: RecvWaiter): void {
    if (waiter.done || this.waiters[0] !== waiter) return;
    if (this.isClosed) {
      this.waiters.shift();
      waiter.settle(null);
    } else if (this.queue.length > 0) {
      this.waiters.shift();
      waiter.settle(this.queue.shift()!);
    }
    this.poke();
  }

  private poke(): void {
    const waiter = this.waiters[0];
    if (waiter && !waiter.scheduled && this.queue.length > 0) {
      waiter.scheduled = true;
      this.net.scheduler.wakeSoon(waiter);
    }
  }
}
