// NodeListener: the contract's Listener over a net.Server (or a tls.Server): a queue of accepted connections.
import type { Server, Socket } from 'node:net';
import type { Connection, Listener, SocketAddress } from '@runtime-traits/core';
import { WaitQueue, untilEnd } from '@runtime-traits/kit';
import { NodeConnection, socketAddresses, type ConnectionOwner } from './connection.js';

/** Who tracks this listener (the reactor). */
export interface ListenerOwner extends ConnectionOwner {
  adopt(conn: NodeConnection): void;
  forgetListener(listener: NodeListener): void;
}

export class NodeListener implements Listener {
  // Accepted connections not yet taken by accept(), and the accept() calls waiting for one.
  private readonly ready = new WaitQueue<NodeConnection>();
  /** TLS: sockets connected whose handshake has not finished (closed with the listener, or a silent client would keep the process up). */
  private readonly handshaking = new Set<Socket>();

  /** `event` is 'connection' for net, 'secureConnection' for tls. */
  constructor(readonly server: Server, readonly address: SocketAddress, private readonly owner: ListenerOwner, event: string) {
    server.on(event, (socket: Socket) => this.onConnection(socket));
    if (event === 'secureConnection') {
      server.on('connection', (raw: Socket) => {
        this.handshaking.add(raw);
        raw.once('close', () => this.handshaking.delete(raw));
      });
    }
    // Errors on an accepted-but-not-yet-secure TLS socket are that client's problem, not the server's.
    server.on('tlsClientError', () => {});
    server.on('error', () => {});
  }

  accept(opts?: { signal?: AbortSignal }): Promise<Connection | null> {
    return this.ready.take(opts);
  }

  /** Stops accepting; pending accept() calls resolve null; connections not yet accepted are closed. Idempotent. */
  close(): Promise<void> {
    if (this.ready.closed) return Promise.resolve();
    this.ready.close();
    this.server.close();
    for (const raw of this.handshaking) raw.destroy();
    this.handshaking.clear();
    const unaccepted = this.ready.drain();
    for (const conn of unaccepted) conn.destroy();
    this.owner.forgetListener(this);
    return Promise.all(unaccepted.map((conn) => conn.closed)).then(() => undefined);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Connection> {
    return untilEnd(() => this.accept());
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * A TLS socket finished its handshake: its raw socket leaves `handshaking` (an accepted connection
   * outlives the listener). Found as Node links it (`_parent`), else (an engine that does not) by the
   * peer's address and port.
   */
  private handshakeDone(secure: Socket): void {
    const parent = (secure as Socket & { _parent?: Socket })._parent;
    if ((parent && this.handshaking.delete(parent)) || this.handshaking.delete(secure)) return;
    for (const raw of this.handshaking) {
      if (raw.remotePort !== undefined && raw.remotePort === secure.remotePort && raw.remoteAddress === secure.remoteAddress) {
        this.handshaking.delete(raw);
        return;
      }
    }
  }

  private onConnection(socket: Socket): void {
    if (this.handshaking.size > 0) this.handshakeDone(socket);
    if (this.ready.closed) {
      socket.destroy();
      return;
    }
    const path = 'path' in this.address ? { local: this.address.path } : undefined;
    const conn = new NodeConnection(socket, this.owner, socketAddresses(socket, path));
    this.owner.adopt(conn);
    this.ready.push(conn);
  }
}
