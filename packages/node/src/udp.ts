// NodeUdpSocket: the contract's UdpSocket over a dgram.Socket, with a bounded queue of received datagrams.
import type { Socket as DgramSocket, RemoteInfo } from 'node:dgram';
import { NetError, type Datagram, type SocketAddress, type UdpSocket } from '@runtime-traits/core';
import { checkData, checkUdpDestination } from '@runtime-traits/core/kit';
import { WaitQueue, untilEnd } from '@runtime-traits/kit';
import { toNetError } from './errors.js';

/** Datagrams kept for a reader that is not keeping up; beyond this the oldest are dropped (UDP may drop). */
const MAX_QUEUED = 4096;

export interface UdpOwner {
  forgetUdp(socket: NodeUdpSocket): void;
}

export class NodeUdpSocket implements UdpSocket {
  // Datagrams not yet received (at most MAX_QUEUED, oldest dropped first), and the recv() calls waiting.
  private readonly queue = new WaitQueue<Datagram>({ limit: MAX_QUEUED });
  private closing: Promise<void> | undefined;

  constructor(readonly socket: DgramSocket, readonly address: SocketAddress, private readonly owner: UdpOwner) {
    socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => this.onMessage(msg, rinfo));
    socket.on('error', () => {});
  }

  send(data: Uint8Array | string, to: SocketAddress): Promise<void> {
    checkData(data);
    const target = checkUdpDestination(to);
    if (this.queue.closed) return Promise.reject(new NetError('EPIPE', 'This UDP socket is closed'));
    return new Promise<void>((resolve, reject) => {
      this.socket.send(data, target.port, target.host, (error) => (error ? reject(toNetError(error, 'EPIPE')) : resolve()));
    });
  }

  recv(opts?: { signal?: AbortSignal }): Promise<Datagram | null> {
    return this.queue.take(opts);
  }

  /** Idempotent; pending recv() calls resolve null. */
  close(): Promise<void> {
    if (!this.closing) {
      this.queue.close();
      this.queue.drain();
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

  [Symbol.asyncIterator](): AsyncIterableIterator<Datagram> {
    return untilEnd(() => this.recv());
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.queue.closed) return;
    this.queue.push({ data: msg, from: { host: rinfo.address, port: rinfo.port } });
  }
}
