// node:net and node:tls inside a scope: connect, createConnection, new Socket() and server.listen go through the scope's runtime.
//
// In a scope whose runtime's Net is node:net itself (the node runtime's, a worksteal worker's; see
// Scope.native), all of it is Node's own: sockets and servers are node:net's, each adopted by the scope
// (open and ref'd, it holds the scope open) and by the runtime's Net (closed at its shutdown). Node code
// then runs at plain Node's speed, with no adapter in between. In any other scope:
//   net.connect / net.createConnection → a NodeSocket over the runtime's Net, owned by the scope
//     (a TCP connect without a host dials 'localhost', as node:net does);
//   new net.Socket() (and net.Stream) → an unconnected NodeSocket: `.connect()` dials through the runtime
//     (pg makes its sockets this way). A subclass, or a socket over a handle or fd, stays Node's own;
//   server.listen(...) on any net.Server (http.Server, a ws server's, https.Server where the runtime has
//     TLS) → the runtime's listener (serve.ts); the host defaults to every interface, as node's does;
//   tls.connect / a TLS server's listen on a simulated runtime without net.tls → UnsupportedError('net.tls').
// What would leave a simulated world is refused with UnsupportedError naming it: a real net.Socket
// connecting (a subclass of net.Socket made before the scope) or a real TCP socket (made outside the
// simulation) written to from inside it. Outside every scope, all of it is Node's own.
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { RuntimeShutdownError, UnsupportedError } from '@runtime-traits/core';
import { normalizeConnectArgs, normalizeListenArgs } from '../internal/args.js';
import { nodeError } from '../internal/node-errors.js';
import { NodeSocket } from '../node-socket.js';
import { listenVia } from '../serve.js';
import { Scope } from '../scope/scope.js';
import { callSite } from './call-site.js';
import type { PatchSet } from './patch-set.js';
import { realClearInterval } from './originals.js';
import { scopeTimerSource } from './timer-objects.js';

type Fn = (...args: unknown[]) => unknown;
type SocketCtor = typeof net.Socket;

const RealSocket = net.Socket;
const real = {
  connect: net.connect as Fn,
  createConnection: net.createConnection as Fn,
  socketConnect: RealSocket.prototype.connect as Fn,
  socketRef: RealSocket.prototype.ref as Fn,
  socketUnref: RealSocket.prototype.unref as Fn,
  serverRef: net.Server.prototype.ref as Fn,
  serverUnref: net.Server.prototype.unref as Fn,
  writeGeneric: (RealSocket.prototype as unknown as { _writeGeneric?: Fn })._writeGeneric,
  listen: net.Server.prototype.listen as Fn,
  tlsConnect: tls.connect as Fn,
};

/** A NodeSocket of `scope`: its Net, clock and owner. */
function scopedSocket(scope: Scope, options: Record<string, unknown> | undefined): NodeSocket {
  return new NodeSocket({
    net: scope.reactor.net,
    clock: scope.reactor.clock,
    owner: scope,
    timers: scopeTimerSource(scope),
    defaultHost: 'localhost',
    allowHalfOpen: options?.allowHalfOpen === true,
    noDelay: typeof options?.noDelay === 'boolean' ? options.noDelay : undefined,
    readableHighWaterMark: typeof options?.readableHighWaterMark === 'number' ? options.readableHighWaterMark : undefined,
    writableHighWaterMark: typeof options?.writableHighWaterMark === 'number' ? options.writableHighWaterMark : undefined,
  });
}

/** node:net's own sockets and servers adopted by a native scope, with that scope. */
const adopted = new WeakMap<object, Scope>();

/**
 * Gives node:net's own `resource`, whose connect() or listen() has just been called, to the runtime's
 * Net (closed at shutdown) and to the scope (open and ref'd, it holds the scope open; the scope closes
 * it if it ends with it unref'd) until the Net lets it go: it has closed for good, or failed to open.
 */
function adoptNative(scope: Scope, resource: net.Socket | net.Server): void {
  if (adopted.has(resource)) return;
  const released = (): void => {
    adopted.delete(resource);
    scope.untrack(resource);
  };
  if (!scope.native!.adopt(resource, released)) return;
  adopted.set(resource, scope);
  if (resource instanceof net.Server) scope.track(resource, () => resource.close());
  else scope.track(resource, () => resource.destroy(), true);
}

/** ref()/unref() on node:net's own sockets and servers: an adopted one (or the socket under an adopted one's TLS) tells its scope. */
function refFor(original: Fn, refed: boolean): Fn {
  return function (this: object, ...args: unknown[]): unknown {
    const target = adopted.has(this) ? this : (this as { _parent?: object | null })._parent;
    if (target) adopted.get(target)?.setRef(target, refed);
    return original.apply(this, args);
  };
}

function overHandle(options: unknown): boolean {
  const o = options as { fd?: unknown; handle?: unknown } | undefined;
  return o !== undefined && o !== null && (o.fd !== undefined || o.handle !== undefined);
}

/**
 * Node's own stdout or stderr over a pipe, made the first time either is used (console.log, a warning):
 * output that leaves the process, not a connection into the world, so a simulated host may make it.
 */
function stdioOutput(options: unknown): boolean {
  const o = options as { fd?: unknown; handle?: unknown; readable?: unknown } | undefined;
  return (o?.fd === 1 || o?.fd === 2) && o.handle === undefined && o.readable === false;
}

function refuseInSimulation(scope: Scope, what: string): never {
  throw new UnsupportedError('net.simulated', `${what} inside simulated host ${scope.name} would reach the real network (at ${callSite()})`);
}

function connect(...args: unknown[]): unknown {
  const scope = Scope.active();
  if (scope === undefined || scope.native) return real.connect(...args); // (a native scope adopts it in socketConnect)
  const { options, cb } = normalizeConnectArgs(args);
  if (overHandle(options) && scope.closedWorld) refuseInSimulation(scope, 'a socket over a file descriptor');
  const socket = scopedSocket(scope, options);
  if (options.keepAlive === true) socket.setKeepAlive(true, options.keepAliveInitialDelay as number | undefined);
  if (typeof options.timeout === 'number' && options.timeout > 0) socket.setTimeout(options.timeout);
  return cb ? socket.connect(options, cb) : socket.connect(options);
}

/** net.Socket as a scope hands it out: `new net.Socket()` in a scope is a NodeSocket; everything else is Node's own. */
const Socket = function Socket(this: unknown, options?: unknown): unknown {
  if (new.target === undefined) {
    // Called as a function: node's own classes built on it (tls.TLSSocket) call it on themselves.
    if (this instanceof RealSocket) return Reflect.apply(RealSocket, this, [options]);
    return new (Socket as unknown as SocketCtor)(options as net.SocketConstructorOpts);
  }
  if (new.target !== Socket) return Reflect.construct(RealSocket, [options], new.target); // a subclass
  const scope = Scope.active();
  if (scope === undefined || scope.native) return Reflect.construct(RealSocket, [options], RealSocket);
  if (overHandle(options)) {
    if (scope.closedWorld && !stdioOutput(options)) refuseInSimulation(scope, 'a net.Socket over a handle or file descriptor');
    return Reflect.construct(RealSocket, [options], RealSocket);
  }
  return scopedSocket(scope, options as Record<string, unknown> | undefined);
} as unknown as SocketCtor;
Socket.prototype = RealSocket.prototype;
Object.setPrototypeOf(Socket, RealSocket);

/**
 * node:net's own socket connecting: in a native scope it is adopted (net.connect, tls.connect and
 * `new net.Socket().connect` all come here); inside a simulated host (a subclass made before the
 * scope, say) it would leave the simulation and is refused.
 */
function socketConnect(this: net.Socket, ...args: unknown[]): unknown {
  const scope = Scope.active();
  if (scope?.native) {
    if (scope.native.closed) {
      // The runtime has shut down: fail as its Net would, a tick later (tls.connect still configures the socket after this returns).
      process.nextTick(() => this.destroy(new RuntimeShutdownError()));
      return this;
    }
    const result = real.socketConnect.apply(this, args); // (bad arguments throw here, before anything is adopted)
    adoptNative(scope, this);
    return result;
  }
  if (scope?.closedWorld) refuseInSimulation(scope, `a real ${this.constructor.name} connecting`);
  return real.socketConnect.apply(this, args);
}

/** Writes to a real TCP socket from inside a simulated host (one made outside it) would leave the simulation. */
function writeGeneric(this: net.Socket, writev: boolean, data: unknown, encoding: unknown, cb: (error?: Error) => void): unknown {
  const scope = Scope.active();
  if (scope?.closedWorld && this.remotePort !== undefined) {
    cb(new UnsupportedError('net.simulated', `a write to a real socket (${this.remoteAddress}:${this.remotePort}, made outside the simulation) `
      + `from simulated host ${scope.name} would reach the real network (at ${callSite()})`));
    return undefined;
  }
  return real.writeGeneric!.call(this, writev, data, encoding, cb);
}

interface ListeningServer extends net.Server {
  _handle: unknown;
}

function listen(this: ListeningServer, ...args: unknown[]): unknown {
  const scope = Scope.active();
  if (scope === undefined) return real.listen.apply(this, args);
  if (scope.native) return listenNative(scope, this, args);
  const first = args[0] as { fd?: unknown; handle?: unknown; _handle?: unknown } | undefined;
  if (typeof first === 'object' && first !== null && (first.fd !== undefined || first.handle !== undefined || first._handle !== undefined)) {
    if (scope.closedWorld) refuseInSimulation(scope, 'listening on a handle or file descriptor');
    return real.listen.apply(this, args);
  }
  if (this instanceof tls.Server) checkTls(scope, 'a TLS server');
  const { at, backlog, cb } = normalizeListenArgs(args, '0.0.0.0');
  if (this._handle) {
    const error = new Error('Listen method has been called more than once without closing.') as Error & { code: string };
    error.code = 'ERR_SERVER_ALREADY_LISTEN';
    throw error;
  }
  if (cb) this.once('listening', cb);
  const signal = (first as { signal?: AbortSignal } | undefined)?.signal;
  if (signal instanceof AbortSignal) {
    if (signal.aborted) return this;
    signal.addEventListener('abort', () => this.close(), { once: true });
  }
  // http.Server checks header/request timeouts on Node's real clock (its own setInterval); in a simulation that would fire in real time.
  if (scope.closedWorld) this.once('listening', () => { stopConnectionsCheck(this); orderConnections(this); });
  listenVia(this as never, { net: scope.reactor.net, clock: scope.reactor.clock, owner: scope, timers: scopeTimerSource(scope) }, at, backlog).catch((error: unknown) => {
    if (scope.frozen || (error as { code?: unknown }).code === 'ERR_SERVER_NOT_RUNNING') return;
    this.emit('error', nodeError(error, 'listen', 'EADDRINUSE', 'path' in at ? at : { host: at.host ?? '0.0.0.0', port: at.port }));
  });
  return this;
}

/** listen() in a native scope: node:net's own, the server adopted; a listen that fails (EADDRINUSE…) never emits 'close', so it is released then. */
function listenNative(scope: Scope, server: net.Server, args: unknown[]): unknown {
  if (scope.native!.closed) {
    process.nextTick(() => server.emit('error', new RuntimeShutdownError()));
    return server;
  }
  const result = real.listen.apply(server, args); // (bad arguments throw here, before anything is adopted)
  adoptNative(scope, server);
  const onListening = (): void => { server.off('error', onError); };
  const onError = (): void => {
    server.off('listening', onListening);
    if (!server.listening) scope.native!.release(server);
  };
  server.once('listening', onListening);
  server.prependOnceListener('error', onError); // before a user's handler, which may listen again (and be adopted anew)
  return result;
}

/** The value an http.Server keeps under its own symbol of that description (Node does not export the symbols). */
function serverSlot<T>(server: object, description: string): T | undefined {
  const key = Object.getOwnPropertySymbols(server).find((symbol) => symbol.description === description);
  return key === undefined ? undefined : (server as Record<symbol, T | undefined>)[key];
}

function stopConnectionsCheck(server: object): void {
  const interval = serverSlot<NodeJS.Timeout>(server, 'http.server.connectionsCheckingInterval');
  if (interval !== undefined) realClearInterval(interval);
}

/**
 * http.Server keeps its connections in a native list that hands out idle ones in the order of their
 * parsers' memory addresses, so close() and closeIdleConnections() (and closeAllConnections(), which
 * ends the active ones last) would destroy them in an order the seed does not decide. On a simulated
 * host the server's list hands them out ordered by their addresses and ports instead (every socket of
 * one listener has its own peer address and port).
 */
function orderConnections(server: object): void {
  const list = serverSlot<Record<string, unknown> | null>(server, 'http.server.connections');
  if (list === undefined || list === null) return;
  for (const name of ['all', 'idle']) {
    const original = list[name];
    if (typeof original !== 'function') continue;
    Object.defineProperty(list, name, {
      configurable: true,
      writable: true,
      value(this: unknown, ...args: unknown[]): unknown {
        const found = Reflect.apply(original, this, args);
        return Array.isArray(found) ? found.sort(byPeer) : found;
      },
    });
  }
}

function byPeer(a: { socket?: net.Socket | null }, b: { socket?: net.Socket | null }): number {
  const x = peerKey(a.socket);
  const y = peerKey(b.socket);
  return x < y ? -1 : x > y ? 1 : 0;
}

function peerKey(socket: net.Socket | null | undefined): string {
  return socket ? `${socket.remoteAddress ?? ''}|${String(socket.remotePort ?? '').padStart(5, '0')}` : '';
}

function checkTls(scope: Scope, what: string): void {
  if (scope.closedWorld && !scope.runtime.capabilities.has('net.tls')) {
    throw new UnsupportedError('net.tls', `${what} inside simulated host ${scope.name}: this runtime has no TLS (net.tls); use plain TCP in the simulation (at ${callSite()})`);
  }
}

function tlsConnect(...args: unknown[]): unknown {
  const scope = Scope.active();
  if (scope !== undefined) checkTls(scope, 'tls.connect');
  return real.tlsConnect(...args);
}

/** Patches node:net and node:tls. */
export function installNet(patches: PatchSet): void {
  patches.set(net, 'connect', connect);
  patches.set(net, 'createConnection', connect);
  patches.set(net, 'Socket', Socket);
  patches.set(net, 'Stream', Socket);
  // http.Agent took net.createConnection when it loaded: its sockets (http.get's, the global agent's) come from here.
  patches.set(http.Agent.prototype, 'createConnection', connect);
  patches.set(RealSocket.prototype, 'connect', socketConnect);
  if (real.writeGeneric) patches.set(RealSocket.prototype, '_writeGeneric', writeGeneric);
  patches.set(net.Server.prototype, 'listen', listen);
  patches.set(RealSocket.prototype, 'ref', refFor(real.socketRef, true));
  patches.set(RealSocket.prototype, 'unref', refFor(real.socketUnref, false));
  patches.set(net.Server.prototype, 'ref', refFor(real.serverRef, true));
  patches.set(net.Server.prototype, 'unref', refFor(real.serverUnref, false));
  patches.set(tls, 'connect', tlsConnect);
}
