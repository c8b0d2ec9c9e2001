// NodeListener: the contract's Listener over a net.Server (or a tls.Server): a queue of accepted connections.
import type { Server, Socket } from 'node:net';
import type { Connection, Listener, SocketAddress } from '@runtime-traits/core';
import { abortError, checkOptions, checkSignal } from '@runtime-traits/core/kit';
import { NodeConnection, socketAddresses, type ConnectionOwner } from './connection.js';

/** Who tracks this listener (the reactor). */
export interface ListenerOwner extends ConnectionOwner {
  adopt(conn: NodeConnection): void;
  forgetListener(listener: NodeListener): void;
}

interface Acceptor {
  resolve(conn: Connection | null): void;
  reject(error: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

export class NodeListener implements Listener {
  // Invariant: `acceptors` is non-empty only while `ready` is empty and the listener is open.
  private ready: NodeConnection[] = [];
  private acceptors: Acceptor[] = [];
  private isClosed = false;

  /** `event` is 'connection' for net, 'secureConnection' for tls. */
  constructor(readonly server: Server, readonly address: SocketAddress, private readonly owner: ListenerOwner, event: string) {
    server.on(event, (socket: Socket) => this.onConnection(socket));
    // Errors on an accepted-but-not-yet-secure TLS socket are that client's problem, not the server's.
    server.on('tlsClientError', () => {});
    server.on('error', () => {});
  }

  accept(opts?: { signal?: AbortSignal }): Promise<Connection | null> {
    const signal = opts === undefined ? undefined : checkSignal(checkOptions<{ signal?: AbortSignal }>(opts)?.signal, 'opts.signal');
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    const conn = this.ready.shift();
    if (conn) return Promise.resolve(conn);
    if (this.isClosed) return Promise.resolve(null);
    return new Promise<Connection | null>((resolve, reject) => {
      const acceptor: Acceptor = { resolve, reject, signal, onAbort: undefined };
      if (signal) {
        acceptor.onAbort = () => {
          const at = this.acceptors.indexOf(acceptor);
          if (at >= 0) this.acceptors.splice(at, 1);
          reject(abortError(signal.reason));
        };
        signal.addEventListener('abort', acceptor.onAbort, { once: true });
      }
      this.acceptors.push(acceptor);
    });
  }

  /** Stops accepting; pending accept() calls resolve null; connections not yet accepted are closed. Idempotent. */
  close(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    this.isClosed = true;
    this.server.close();
    const acceptors = this.acceptors;
    this.acceptors = [];
    for (const acceptor of acceptors) {
      if (acceptor.onAbort) acceptor.signal!.removeEventListener('abort', acceptor.onAbort);
      acceptor.resolve(null);
    }
    const unaccepted = this.ready;
    this.ready = [];
    for (const conn of unaccepted) conn.destroy();
    this.owner.forgetListener(this);
    return Promise.all(unaccepted.map((conn) => conn.closed)).then(() => undefined);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Connection> {
    for (;;) {
      const conn = await this.accept();
      if (conn === null) return;
      yield conn;
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private onConnection(socket: Socket): void {
    if (this.isClosed) {
      socket.destroy();
      return;
    }
    const path = 'path' in this.address ? { local: this.address.path } : undefined;
    const conn = new NodeConnection(socket, this.owner, socketAddresses(socket, path));
    this.owner.adopt(conn);
    const acceptor = this.acceptors.shift();
    if (acceptor) {
      if (acceptor.onAbort) acceptor.signal!.removeEventListener('abort', acceptor.onAbort);
      acceptor.resolve(conn);
    } else {
      this.ready.push(conn);
    }
  }
}
