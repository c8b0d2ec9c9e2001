// NodeUdpSocket: the contract's UdpSocket over a dgram.Socket, with a bounded queue of received datagrams.
import type { Socket as DgramSocket, RemoteInfo } from 'node:dgram';
import { NetError, type Datagram, type SocketAddress, type UdpSocket } from '@runtime-traits/core';
import { abortError, checkAddress, checkData, checkOptions, checkSignal } from '@runtime-traits/core/kit';
import { toNetError } from './errors.js';

/** Datagrams kept for a reader that is not keeping up; beyond this the oldest are dropped (UDP may drop). */
const MAX_QUEUED = 4096;

export interface UdpOwner {
  forgetUdp(socket: NodeUdpSocket): void;
}

interface Receiver {
  resolve(datagram: Datagram | null): void;
  reject(error: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

export class NodeUdpSocket implements UdpSocket {
  // Invariant: `receivers` is non-empty only while `queue` is empty and the socket is open.
  private queue: Datagram[] = [];
  private receivers: Receiver[] = [];
  private isClosed = false;
  private closing: Promise<void> | undefined;

  constructor(readonly socket: DgramSocket, readonly address: SocketAddress, private readonly owner: UdpOwner) {
    socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => this.onMessage(msg, rinfo));
    socket.on('error', () => {});
  }

  send(data: Uint8Array | string, to: SocketAddress): Promise<void> {
    checkData(data);
    const target = checkAddress(to, 'to');
    if (!('port' in target)) throw new TypeError('to must be { host, port } for a UDP socket, got a { path }');
    if (this.isClosed) return Promise.reject(new NetError('EPIPE', 'This UDP socket is closed'));
    return new Promise<void>((resolve, reject) => {
      this.socket.send(data, target.port, target.host, (error) => (error ? reject(toNetError(error, 'EPIPE')) : resolve()));
    });
  }

  recv(opts?: { signal?: AbortSignal }): Promise<Datagram | null> {
    const signal = opts === undefined ? undefined : checkSignal(checkOptions<{ signal?: AbortSignal }>(opts)?.signal, 'opts.signal');
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    const datagram = this.queue.shift();
    if (datagram) return Promise.resolve(datagram);
    if (this.isClosed) return Promise.resolve(null);
    return new Promise<Datagram | null>((resolve, reject) => {
      const receiver: Receiver = { resolve, reject, signal, onAbort: undefined };
      if (signal) {
        receiver.onAbort = () => {
          const at = this.receivers.indexOf(receiver);
          if (at >= 0) this.receivers.splice(at, 1);
          reject(abortError(signal.reason));
        };
        signal.addEventListener('abort', receiver.onAbort, { once: true });
      }
      this.receivers.push(receiver);
    });
  }

  /** Idempotent; pending recv() calls resolve null. */
  close(): Promise<void> {
    if (!this.closing) {
      this.isClosed = true;
      this.queue = [];
      const receivers = this.receivers;
      this.receivers = [];
      for (const receiver of receivers) {
        if (receiver.onAbort) receiver.signal!.removeEventListener('abort', receiver.onAbort);
        receiver.resolve(null);
      }
      this.owner.forgetUdp(this);
      this.closing = new Promise<void>((resolve) => {
        try {
          this.socket.close(() => resolve());
        } catch {
          resolve(); // already closed underneath
        }
      });
    }
    return this.closing;
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

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.isClosed) return;
    const datagram: Datagram = { data: msg, from: { host: rinfo.address, port: rinfo.port } };
    const receiver = this.receivers.shift();
    if (receiver) {
      if (receiver.onAbort) receiver.signal!.removeEventListener('abort', receiver.onAbort);
      receiver.resolve(datagram);
      return;
    }
    if (this.queue.length >= MAX_QUEUED) this.queue.shift();
    this.queue.push(datagram);
  }
}
