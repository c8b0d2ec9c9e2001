// serve(): an existing net.Server (an http.Server, a ws server's, a NodeServer) accepts through a runtime's Listener.
//
// HOW: node:net's Server keeps its state in a few fields that its own methods read — `_handle` (the
// listening handle: `listening`, `address()`, `close()`, `ref()`/`unref()` go through it),
// `_connections` (counted up per connection here, down by each socket's destroy) and
// `_emitCloseIfDrained()` (emits 'close' once the handle is gone and no connection is left). serve()
// gives the server a handle of its own over the Listener and then behaves as node's listen does:
// 'listening' on the next tick (http.Server starts its headersTimeout/requestTimeout checks on it),
// every accepted Connection becomes a NodeSocket emitted as 'connection' (honouring allowHalfOpen,
// pauseOnConnect, highWaterMark and maxConnections → 'drop'), and server.close() closes the Listener,
// with 'close' once every connection has ended — so http.Server#close() and closeIdleConnections() work.
import type net from 'node:net';
import { NetError, RuntimeError, type ListenAddress, type Listener, type SocketAddress } from '@runtime-traits/core';
import { checkCount, checkListenAddress, checkOptions, show } from '@runtime-traits/core/kit';
import { familyOf } from './internal/args.js';
import { codedError } from './internal/node-errors.js';
import { OwnerLink } from './internal/owner.js';
import { checkSource, type NetSource, type Source } from './internal/source.js';
import { NodeSocket } from './node-socket.js';

/** The fields of node:net's Server that its methods read (lib/net.js: listen, close, address, onconnection). */
interface ServerState {
  _handle: ListenHandle | null;
  _connections: number;
  _listeningId: number;
  _pipeName?: string;
  _emitCloseIfDrained(): void;
  allowHalfOpen: boolean;
  pauseOnConnect: boolean;
  highWaterMark?: number;
  maxConnections?: number;
}

/** What node:net's Server calls on its handle. `getsockname` only for TCP (a pipe server answers `_pipeName`). */
interface ListenHandle {
  getsockname?: (out: Record<string, unknown>) => number;
  close(): void;
  ref(): void;
  unref(): void;
}

/** Options of {@link serve}. */
export interface ServeOptions {
  /** Passed to the runtime's `listen` as `backlog`. */
  backlog?: number;
  /**
   * Several listeners share the port and the kernel spreads connections (a server per core, each on
   * its own thread). Needs the Net's `net.reusePort`: without it serve() rejects UnsupportedError.
   */
  reusePort?: boolean;
  /** The clock for the sockets' timeouts when `net` is a bare Net. */
  clock?: import('@runtime-traits/core').Clock;
}

function checkServer(value: unknown): net.Server & ServerState {
  const s = value as Partial<ServerState> & { emit?: unknown; listen?: unknown } | null;
  if (typeof s !== 'object' || s === null || typeof s.emit !== 'function' || typeof s.listen !== 'function'
    || typeof s._emitCloseIfDrained !== 'function' || typeof s._connections !== 'number') {
    throw new TypeError(`server must be a node:net Server (net.Server, http.Server, a NodeServer), got ${show(value)}`);
  }
  return value as net.Server & ServerState;
}

/**
 * Makes `server` listen at `at` through `net` (a Reactor, or a Net with `options.clock`): resolves
 * with the address once it listens ('listening' follows on the next tick), rejects with the Net's
 * error (EADDRINUSE…) — or ERR_SERVER_NOT_RUNNING if the server was closed before it got to listen.
 */
export function serve(server: net.Server, net: NetSource, at: ListenAddress, options?: ServeOptions): Promise<SocketAddress> {
  const target = checkServer(server);
  const opts = checkOptions<ServeOptions>(options, 'options');
  const source = checkSource(net, opts?.clock, 'net', 'options.clock');
  const where = checkListenAddress(at, 'at');
  const backlog = opts?.backlog === undefined ? undefined : checkCount(opts.backlog, 'options.backlog', 0);
  if (opts?.reusePort !== undefined && typeof opts.reusePort !== 'boolean') throw new TypeError(`options.reusePort must be a boolean, got ${show(opts.reusePort)}`);
  if (target._handle) throw codedError('ERR_SERVER_ALREADY_LISTEN', 'Listen method has been called more than once without closing.');
  return listenVia(target, source, where, backlog, opts?.reusePort === true);
}

/** serve() after its checks (NodeServer#listen calls this directly). */
export async function listenVia(server: net.Server & ServerState, source: Source, at: ListenAddress, backlog: number | undefined, reusePort = false): Promise<SocketAddress> {
  const id = ++server._listeningId; // node's close() and listen() bump it: a stale listen is dropped
  const owner = new OwnerLink(source.owner, server);
  const listener = await source.net.listen(at, backlog === undefined && !reusePort ? undefined : { ...(backlog === undefined ? {} : { backlog }), ...(reusePort ? { reusePort } : {}) });
  if (owner.frozen) return new Promise<never>(() => {}); // its scope's host is gone: nothing more happens
  if (server._listeningId !== id || server._handle) {
    void listener.close();
    throw codedError('ERR_SERVER_NOT_RUNNING', 'The server was closed (or listened elsewhere) before it got to listen');
  }
  const address = listener.address;
  const handle: ListenHandle = {
    close() {
      // 'close' must wait for the Listener to be closed for real: it counts as a connection until then.
      server._connections++;
      const done = (): void => {
        if (owner.frozen) return;
        owner.closed();
        server._connections--;
        server._emitCloseIfDrained();
      };
      listener.close().then(done, done);
    },
    ref() { owner.setRef(true); },
    unref() { owner.setRef(false); },
  };
  if ('port' in address) {
    handle.getsockname = (out) => {
      out.address = address.host;
      out.family = familyOf(address.host);
      out.port = address.port;
      return 0;
    };
  } else {
    server._pipeName = address.path;
  }
  server._handle = handle;
  owner.open(() => server.close());
  process.nextTick(() => {
    if (server._handle === handle && !owner.frozen) server.emit('listening');
  });
  void acceptLoop(server, listener, handle, source, owner);
  return address;
}

async function acceptLoop(server: net.Server & ServerState, listener: Listener, handle: ListenHandle, source: Source, owner: OwnerLink): Promise<void> {
  for (;;) {
    let conn;
    try {
      conn = await listener.accept();
    } catch (error) {
      if (server._handle !== handle || owner.frozen) return;
      if (RuntimeError.is(error) && !NetError.is(error)) {
        // The runtime took the listener away (shut down, host crashed): the server is closed, as after close().
        server._handle = null;
        owner.closed();
        server._emitCloseIfDrained();
        return;
      }
      // node emits accept errors on the server; a Listener that fails to accept stays failed.
      process.nextTick(() => server.emit('error', error));
      return;
    }
    if (conn === null || owner.frozen) return;
    if (server._handle !== handle) {
      void conn.close();
      return;
    }
    if (server.maxConnections && server._connections >= server.maxConnections) {
      server.emit('drop', dropInfo(conn.localAddress, conn.remoteAddress));
      void conn.close();
      continue;
    }
    const socket = new NodeSocket({
      connection: conn,
      clock: source.clock,
      net: source.net,
      allowHalfOpen: server.allowHalfOpen,
      pauseOnCreate: server.pauseOnConnect,
      readableHighWaterMark: server.highWaterMark,
      writableHighWaterMark: server.highWaterMark,
      owner: source.owner,
      timers: source.timers,
    });
    server._connections++;
    Object.assign(socket, { server, _server: server });
    try {
      server.emit('connection', socket);
    } catch (error) {
      // A throwing 'connection' listener is an uncaught exception in node; so it is here, not a rejection.
      process.nextTick(() => { throw error; });
    }
  }
}

function dropInfo(local: SocketAddress, remote: SocketAddress): Record<string, unknown> {
  const info: Record<string, unknown> = {};
  if ('port' in local) Object.assign(info, { localAddress: local.host, localPort: local.port, localFamily: familyOf(local.host) });
  if ('port' in remote) Object.assign(info, { remoteAddress: remote.host, remotePort: remote.port, remoteFamily: familyOf(remote.host) });
  return info;
}
