// NodeNet: the contract's Net over node:net, node:tls, node:dgram and node:dns; it tracks what it opened so close() releases it all.
import { createSocket } from 'node:dgram';
import { promises as dns } from 'node:dns';
import { connect as netConnect, createServer as netServer, isIP, type AddressInfo, type Server, type Socket } from 'node:net';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import {
  NATIVE_NET, RuntimeShutdownError, UnsupportedError,
  type Connection, type ConnectOptions, type Listener, type ListenOptions, type Net, type SocketAddress, type UdpSocket,
} from '@runtime-traits/core';
import {
  abortError, checkAddress, checkCount, checkHost, checkListenAddress, checkUdpAddress, checkOptions, checkSignal, show,
} from '@runtime-traits/core/kit';
import { ClientReads } from './client-reads.js';
import { NodeConnection, socketAddresses } from './connection.js';
import { toNetError } from './errors.js';
import { NodeListener, type ListenerOwner } from './listener.js';
import { NativeResources } from './native-resources.js';
import { nodeTls, tlsClientOptions, tlsServerOptions } from './tls-options.js';
import { NodeUdpSocket, type UdpOwner } from './udp.js';

const ignore = (): void => {};


function checkFlag(value: unknown, arg: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new TypeError(`${arg} must be a boolean, got ${show(value)}`);
}

/** The most bytes a unix socket's path holds (sockaddr_un's sun_path, less its NUL): 103 on macOS and the BSDs, 107 elsewhere. */
const MAX_SOCKET_PATH = ['darwin', 'freebsd', 'openbsd', 'netbsd'].includes(process.platform) ? 103 : 107;

/** A path longer than that: libuv would cut it (Node 20 binds the cut path, later ones fail with EINVAL). */
function checkSocketPath(path: string, arg: string): void {
  const bytes = Buffer.byteLength(path);
  if (bytes > MAX_SOCKET_PATH) throw new RangeError(`${arg} is ${bytes} bytes long; a unix socket path holds at most ${MAX_SOCKET_PATH} here`);
}

/** A tls.Server; a key or certificate OpenSSL cannot read is a bad argument: TypeError naming it, at the call. */
function tlsServer(tls: ReturnType<typeof tlsServerOptions>): Server {
  try {
    return nodeTls().createServer({ ...tls, allowHalfOpen: true, noDelay: true });
  } catch (error) {
    let arg = 'opts.tls.key';
    try {
      nodeTls().createSecureContext({ cert: tls.cert });
    } catch {
      arg = 'opts.tls.cert';
    }
    throw new TypeError(`${arg} cannot be used: ${(error as Error).message}`, { cause: error });
  }
}

export class NodeNet implements Net, ListenerOwner, UdpOwner {
  // Everything open, so close() can release it. Each entry leaves its set when it closes by itself.
  private readonly connections = new Set<NodeConnection>();
  private readonly listeners = new Set<NodeListener>();
  private readonly udpSockets = new Set<NodeUdpSocket>();
  /** Sockets still connecting, with the function that fails their connect(). */
  private readonly connecting = new Map<Socket, (error: unknown) => void>();
  private closing = false;

  /**
   * This Net is node:net in this thread: a compat layer (withNodeApis) hands Node code node:net's own
   * sockets and servers rather than adapters over Connections, and gives them here to be closed at
   * shutdown like everything else this Net opened.
   */
  readonly [NATIVE_NET] = new NativeResources();

  constructor(private readonly reusePortSupported: boolean) {}

  connect(to: SocketAddress, opts?: ConnectOptions): Promise<Connection> {
    const target = checkAddress(to, 'to');
    if ('path' in target) checkSocketPath(target.path, 'to.path');
    const options = checkOptions<ConnectOptions>(opts);
    const signal = checkSignal(options?.signal, 'opts.signal');
    const noDelay = checkFlag(options?.noDelay, 'opts.noDelay') ?? true;
    const path = 'path' in target ? target.path : undefined;
    const tls = options?.tls === undefined ? undefined : tlsClientOptions(options.tls, 'host' in target ? target.host : undefined);
    if (this.closing) return Promise.reject(new RuntimeShutdownError());
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    return new Promise<Connection>((resolve, reject) => {
      const where = path !== undefined ? { path } : { host: (target as { host: string }).host, port: (target as { port: number }).port };
      // Plain TCP and Unix sockets read through `onread` (see client-reads.ts); reads start after 'connect'.
      const onread = new ClientReads();
      const socket: Socket = this[NATIVE_NET].own(() => (tls
        ? nodeTls().connect({ ...where, ...tls, allowHalfOpen: true } as unknown as TlsConnectionOptions)
        : netConnect({ ...where, allowHalfOpen: true, noDelay, onread })));
      const ready = tls ? 'secureConnect' : 'connect';
      const cleanup = (): void => {
        socket.off(ready, onReady);
        socket.off('error', fail);
        signal?.removeEventListener('abort', onAbort);
        this.connecting.delete(socket);
      };
      const onReady = (): void => {
        cleanup();
        if (path === undefined) socket.setNoDelay(noDelay);
        const conn = new NodeConnection(socket, this, socketAddresses(socket, path !== undefined ? { remote: path } : undefined));
        onread.sink = conn.received;
        this.adopt(conn);
        resolve(conn);
      };
      /** `asIs`: a cancellation or shutdown error, passed on unmapped. */
      const fail = (error: unknown, asIs = false): void => {
        cleanup();
        socket.on('error', ignore); // a late error from the abandoned socket must not go uncaught
        socket.destroy();
        reject(asIs ? error : toNetError(error, 'ECONNREFUSED'));
      };
      const onAbort = (): void => fail(abortError(signal!.reason), true);
      socket.once(ready, onReady);
      socket.once('error', fail);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.connecting.set(socket, (error) => fail(error, true));
    });
  }

  listen(at: { host?: string; port: number } | { path: string }, opts?: ListenOptions): Promise<Listener> {
    const where = checkListenAddress(at, 'at');
    if ('path' in where) checkSocketPath(where.path, 'at.path');
    const options = checkOptions<ListenOptions>(opts);
    const backlog = options?.backlog === undefined ? undefined : checkCount(options.backlog, 'opts.backlog', 0);
    const reusePort = checkFlag(options?.reusePort, 'opts.reusePort') ?? false;
    const tls = options?.tls === undefined ? undefined : tlsServerOptions(options.tls);
    if (reusePort && !this.reusePortSupported) return Promise.reject(new UnsupportedError('net.reusePort'));
    if (this.closing) return Promise.reject(new RuntimeShutdownError());
    const server: Server = tls ? tlsServer(tls) : netServer({ allowHalfOpen: true, noDelay: true });
    return new Promise<Listener>((resolve, reject) => {
      const onError = (error: unknown): void => {
        server.off('listening', onListening);
        server.close();
        reject(toNetError(error, 'EADDRINUSE'));
      };
      const onListening = (): void => {
        server.off('error', onError);
        let address: SocketAddress;
        if ('path' in where) address = { path: where.path };
        else {
          const info = server.address() as AddressInfo;
          address = { host: info.address, port: info.port };
        }
        const listener = new NodeListener(server, address, this, tls ? 'secureConnection' : 'connection');
        if (this.closing) {
          void listener.close();
          reject(new RuntimeShutdownError());
          return;
        }
        this.listeners.add(listener);
        resolve(listener);
      };
      server.once('error', onError);
      server.once('listening', onListening);
      const listenOpts: Record<string, unknown> = 'path' in where ? { path: where.path } : { host: where.host, port: where.port };
      if (backlog !== undefined) listenOpts.backlog = backlog;
      if (reusePort) listenOpts.reusePort = true;
      this[NATIVE_NET].own(() => server.listen(listenOpts));
    });
  }

  bindUdp(at: { host?: string; port: number }): Promise<UdpSocket> {
    const where = checkUdpAddress(at, 'at');
    if (this.closing) return Promise.reject(new RuntimeShutdownError());
    return new Promise<UdpSocket>((resolve, reject) => {
      const socket = createSocket({ type: isIP(where.host) === 6 ? 'udp6' : 'udp4' });
      const onError = (error: unknown): void => {
        socket.off('listening', onListening);
        socket.close();
        reject(toNetError(error, 'EADDRINUSE'));
      };
      const onListening = (): void => {
        socket.off('error', onError);
        const info = socket.address();
        const udp = new NodeUdpSocket(socket, { host: info.address, port: info.port }, this);
        if (this.closing) {
          void udp.close();
          reject(new RuntimeShutdownError());
          return;
        }
        this.udpSockets.add(udp);
        resolve(udp);
      };
      socket.once('error', onError);
      socket.once('listening', onListening);
      socket.bind({ address: where.host, port: where.port });
    });
  }

  lookup(hostname: string): Promise<string[]> {
    checkHost(hostname, 'hostname');
    if (this.closing) return Promise.reject(new RuntimeShutdownError());
    return dns.lookup(hostname, { all: true }).then(
      (found) => [...new Set(found.map((entry) => entry.address))],
      (error: unknown) => { throw toNetError(error, 'ENOTFOUND'); },
    );
  }

  /**
   * Closes every listener, connection and UDP socket; pending connects reject; later calls reject
   * RuntimeShutdownError. Resolves once every socket has really closed.
   */
  close(): Promise<void> {
    this.closing = true;
    const error = new RuntimeShutdownError();
    for (const fail of [...this.connecting.values()]) fail(error);
    const waits: Array<Promise<void>> = [];
    for (const listener of [...this.listeners]) waits.push(listener.close());
    for (const conn of [...this.connections]) {
      conn.destroy();
      waits.push(conn.closed);
    }
    for (const udp of [...this.udpSockets]) waits.push(udp.close());
    waits.push(...this[NATIVE_NET].close());
    return Promise.all(waits).then(() => undefined);
  }

  /** How much is open (for metrics and tests). */
  get openCount(): { connections: number; listeners: number; udpSockets: number; native: number } {
    return { connections: this.connections.size, listeners: this.listeners.size, udpSockets: this.udpSockets.size, native: this[NATIVE_NET].size };
  }

  // ── owner callbacks ────────────────────────────────────────────────────────
  adopt(conn: NodeConnection): void {
    if (this.closing) conn.destroy();
    else this.connections.add(conn);
  }

  forget(conn: NodeConnection): void {
    this.connections.delete(conn);
  }

  forgetListener(listener: NodeListener): void {
    this.listeners.delete(listener);
  }

  forgetUdp(socket: NodeUdpSocket): void {
    this.udpSockets.delete(socket);
  }
}
