// The entry points: toNodeSocket, createConnection, createSocket, createServer — node:net's factories over a runtime.
import type { Clock, Connection } from '@runtime-traits/core';
import { checkFunction, checkMs, checkOptions, show } from '@runtime-traits/core/kit';
import { normalizeConnectArgs } from './internal/args.js';
import type { DnsOptions } from './internal/lookup.js';
import { checkClock, checkSource, type NetSource } from './internal/source.js';
import { NodeServer, type NodeServerOptions } from './node-server.js';
import { NodeSocket } from './node-socket.js';

/** Options of {@link toNodeSocket}. */
export interface ToNodeSocketOptions {
  /** The runtime's clock, for `setTimeout`; without one, `setTimeout(ms > 0)` throws. */
  clock?: Clock;
  /** Default false. */
  allowHalfOpen?: boolean;
}

/** Options of {@link createSocket} and {@link createConnection}; invalid values throw `TypeError` naming them. */
export interface SocketOptions {
  /** With a bare Net: the runtime's clock (a Reactor brings its own). */
  clock?: Clock;
  /** Default false. */
  allowHalfOpen?: boolean;
  /** Asked of the Connection at connect (default: the runtime's choice; the node runtime's is on). */
  noDelay?: boolean;
  /** Recorded only: a Connection has no keep-alive probes. */
  keepAlive?: boolean;
  /** Recorded only, as `keepAlive`. */
  keepAliveInitialDelay?: number;
  /** Bytes the readable side buffers before it stops reading from the Connection (stream default: 16 KiB). */
  readableHighWaterMark?: number;
  /** Bytes the writable side buffers before `write()` returns false (stream default: 16 KiB). */
  writableHighWaterMark?: number;
}

/** Where {@link createConnection} connects, with the socket's options, as node's `net.createConnection(options)`. */
export type ConnectTarget = ({
  /** Host name or IP address to dial. */
  host: string;
  /** TCP port (a numeric string is accepted, as node:net does). */
  port: number | string;
} | {
  /** Unix socket path to dial. */
  path: string;
}) & SocketOptions & {
  /** `setTimeout(timeout)` before connecting, as node's createConnection does. */
  timeout?: number;
  /**
   * Resolves a host name (not an IP literal) instead of the runtime's lookup, called as node:net calls it
   * (dns.lookup's shape; asked with `all: true` when node:net would be, answered with a list then). The
   * socket emits 'lookup' (err, address, family, host) for the answer, as net.Socket does.
   */
  lookup?: (hostname: string, options: DnsOptions, callback: (error: Error | null, address?: string | Array<{ address: string; family: number }>, family?: number) => void) => void;
  /** The address family to resolve the host to: 4, 6 (or 'IPv4', 'IPv6'); default any. */
  family?: number | string;
  /** getaddrinfo hints handed to the lookup, as node:net hands them. */
  hints?: number;
  /** Whether the lookup is asked for every address (default: node:net's, `net.getDefaultAutoSelectFamily()`). */
  autoSelectFamily?: boolean;
};

function checkConnection(value: unknown): Connection {
  const c = value as Partial<Connection> | null;
  if (typeof c !== 'object' || c === null || typeof c.read !== 'function' || typeof c.write !== 'function'
    || typeof c.closeWrite !== 'function' || typeof c.close !== 'function') {
    throw new TypeError(`conn must be a Connection, got ${show(value)}`);
  }
  return value as Connection;
}

function socketInit(opts: SocketOptions | undefined): { allowHalfOpen: boolean; noDelay: boolean | undefined; readableHighWaterMark?: number; writableHighWaterMark?: number } {
  if (opts?.noDelay !== undefined && typeof opts.noDelay !== 'boolean') throw new TypeError(`options.noDelay must be a boolean, got ${show(opts.noDelay)}`);
  return {
    allowHalfOpen: opts?.allowHalfOpen === true,
    noDelay: opts?.noDelay,
    readableHighWaterMark: opts?.readableHighWaterMark,
    writableHighWaterMark: opts?.writableHighWaterMark,
  };
}

/**
 * A connected NodeSocket over an open Connection (one you accepted or connected yourself). The socket
 * owns the Connection from then on: destroying it closes the Connection.
 *
 * @param conn The open Connection.
 * @param options `clock` for `setTimeout`, `allowHalfOpen`.
 * @throws TypeError when `conn` is not a Connection or an option has the wrong type.
 */
export function toNodeSocket(conn: Connection, options?: ToNodeSocketOptions): NodeSocket {
  const connection = checkConnection(conn);
  const opts = checkOptions<ToNodeSocketOptions>(options, 'options');
  const clock = checkClock(opts?.clock, 'options.clock');
  return new NodeSocket({ connection, clock, allowHalfOpen: opts?.allowHalfOpen === true });
}

/**
 * An unconnected NodeSocket: `.connect(port, host, cb?)`, `.connect(path, cb?)` or
 * `.connect({ port, host } | { path }, cb?)`, as `new net.Socket()`.
 *
 * @param net Where it connects: a Reactor (which brings its clock) or a bare Net (give `options.clock` for timeouts).
 * @param options The socket's options.
 * @throws TypeError when `net` is neither, or an option has the wrong type.
 */
export function createSocket(net: NetSource, options?: SocketOptions): NodeSocket {
  const opts = checkOptions<SocketOptions>(options, 'options');
  const source = checkSource(net, opts?.clock);
  const socket = new NodeSocket({ net: source.net, clock: source.clock, ...socketInit(opts) });
  if (opts?.keepAlive) socket.setKeepAlive(true, opts.keepAliveInitialDelay);
  return socket;
}

/**
 * Returns at once and connects in the background, as net.createConnection: `(net, options, cb?)`,
 * `(net, port, host, cb?)` or `(net, path, cb?)`. Bad arguments throw here; a failed connect is the
 * socket's 'error' event (ECONNREFUSED…), then 'close(true)'.
 */
export function createConnection(net: NetSource, options: ConnectTarget, connectListener?: () => void): NodeSocket;
export function createConnection(net: NetSource, port: number, host: string, connectListener?: () => void): NodeSocket;
export function createConnection(net: NetSource, path: string, connectListener?: () => void): NodeSocket;
export function createConnection(net: NetSource, ...args: unknown[]): NodeSocket {
  const { options, cb } = normalizeConnectArgs(args);
  const socket = createSocket(net, options as SocketOptions);
  if (options.timeout !== undefined) socket.setTimeout(checkMs(options.timeout, 'options.timeout'));
  if (cb) checkFunction(cb, 'connectListener');
  return cb ? socket.connect(options, cb) : socket.connect(options);
}

/** A NodeServer (a net.Server) whose listen() goes through `net`: `(net, options?, connectionListener?)` or `(net, connectionListener)`. */
export function createServer(net: NetSource, options?: NodeServerOptions & { clock?: Clock }, connectionListener?: (socket: NodeSocket) => void): NodeServer;
export function createServer(net: NetSource, connectionListener?: (socket: NodeSocket) => void): NodeServer;
export function createServer(net: NetSource, a?: unknown, b?: unknown): NodeServer {
  const listener = typeof a === 'function' ? a : b;
  const opts = checkOptions<NodeServerOptions & { clock?: Clock }>(typeof a === 'function' ? undefined : a, 'options');
  if (listener !== undefined) checkFunction(listener, 'connectionListener');
  const source = checkSource(net, opts?.clock);
  return new NodeServer(source, opts, listener as ((socket: NodeSocket) => void) | undefined);
}
