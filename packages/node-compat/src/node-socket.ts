// NodeSocket: a net.Socket whose bytes travel over a runtime's Connection instead of a libuv handle.
//
// It IS a net.Socket (a subclass), so `instanceof net.Socket` holds and net.Socket's own stream wiring
// applies unchanged: half-open off by default (after the peer's FIN and the last read the socket ends
// its side and closes), `emitClose` off with 'close(hadError)' emitted here once the Connection has
// closed, `destroySoon`, `readyState`, write-after-FIN → EPIPE. What node:net does with its handle is
// done here with the Connection:
//   _read   → one `conn.read()` in flight; each chunk is pushed, and the next read starts only while
//             push() says the stream wants more (so a slow consumer stops the reads, the Connection's
//             own flow control stops the peer: memory stays bounded).
//   _write  → `conn.write()`; the write callback waits for it (backpressure reaches 'drain').
//   _writev → writes corked together go as one `conn.write()` when they are small (http's head + body).
//   _final  → `conn.closeWrite()` (FIN); _destroy → `conn.close()`, then 'close'.
//   connect → `net.connect()` in the background; writes and end() wait for it; 'connect', 'ready'.
//   setTimeout → an IdleTimer on the runtime's Clock, touched by every read and write.
import net, { type AddressInfo } from 'node:net';
import { CancelledError, type Clock, type Connection, type Net, type SocketAddress } from '@runtime-traits/core';
import { checkFunction, checkMs } from '@runtime-traits/core/kit';
import { checkConnectTarget, familyOf, normalizeConnectArgs } from './internal/args.js';
import { IdleTimer } from './internal/idle-timer.js';
import { closedBeforeConnection, codedError, nodeError, socketClosed } from './internal/node-errors.js';

/** Writes corked together up to this many bytes are sent as one `conn.write()`. */
const COALESCE_BYTES = 64 * 1024;

type Done = (error?: Error | null) => void;

/** How a NodeSocket is made (the factories fill it in). */
export interface NodeSocketInit {
  /** An open Connection (an accepted or already connected socket). */
  connection?: Connection;
  /** The network `connect()` dials; without it the socket can only be given a connection. */
  net?: Net;
  /** The clock `setTimeout` runs on; without it `setTimeout(ms > 0)` is refused. */
  clock?: Clock;
  /** Default false, as node:net's: after the peer's end the socket ends its side too. */
  allowHalfOpen?: boolean;
  /** Start paused (a server's `pauseOnConnect`). */
  pauseOnCreate?: boolean;
  /** Asked of the Connection at connect; default: the runtime's (the node runtime: on). */
  noDelay?: boolean;
  readableHighWaterMark?: number;
  writableHighWaterMark?: number;
}

/** A write or end() waiting for the connect to finish. */
interface Deferred {
  run(): void;
  fail(error: Error): void;
}

/** net.Socket fields TypeScript declares read-only (or not at all) that node:net itself writes. */
interface SocketFields {
  connecting: boolean;
  timeout: number | undefined;
  readableFlowing: boolean | null;
  writableBuffer: Array<{ chunk: Buffer | string; encoding: BufferEncoding }>;
  _undestroy(): void;
}

/** What the server bookkeeping of node:net keeps on a socket (see serve.ts). */
interface ServerLink {
  _connections: number;
  _emitCloseIfDrained?: () => void;
}

export class NodeSocket extends net.Socket {
  #net: Net | undefined;
  readonly #clock: Clock | undefined;
  #conn: Connection | undefined;
  #local: SocketAddress | undefined;
  #remote: SocketAddress | undefined;
  /** Aborts the connect in flight. */
  #connecting: AbortController | undefined;
  /** Operations waiting for the connect. */
  #deferred: Deferred[] = [];
  #reading = false;
  /** _read was asked for before there was a connection. */
  #wantRead = false;
  #idle: IdleTimer | undefined;
  #bytesRead = 0;
  #bytesDispatched = 0;
  #noDelay: boolean | undefined;
  #keepAlive = false;
  /** Set by destroy: node:net drops its handle then (pending is true again, address() is {}). */
  #released = false;
  #writeDone: Done | undefined;
  /** The rest of a _writev sent one chunk after another. */
  #writeQueue: Buffer[] = [];

  constructor(init: NodeSocketInit = {}) {
    super({
      allowHalfOpen: init.allowHalfOpen === true,
      readableHighWaterMark: init.readableHighWaterMark,
      writableHighWaterMark: init.writableHighWaterMark,
    } as net.SocketConstructorOpts);
    this.#net = init.net;
    this.#clock = init.clock;
    this.#noDelay = init.noDelay;
    if (init.connection) {
      this.#attach(init.connection);
      if (init.pauseOnCreate) this.#fields.readableFlowing = false;
      else this.read(0);
    }
  }

  // ── connecting ────────────────────────────────────────────────────────────
  /** As net.Socket#connect: `(port, host, cb?)`, `(path, cb?)` or `({ port, host } | { path }, cb?)`. */
  override connect(...args: unknown[]): this {
    const { options, cb } = normalizeConnectArgs(args);
    const to = checkConnectTarget(options);
    if (cb) checkFunction(cb, 'connectListener');
    const network = this.#net;
    if (!network) throw new TypeError('This socket has no Net to connect through: make it with createSocket(reactor) or createConnection(reactor, …)');
    if (this.connecting) throw codedError('ERR_SOCKET_CONNECTING', 'Socket is already connecting');
    if (this.#conn && !this.destroyed) throw codedError('ERR_SOCKET_CONNECTED', 'Socket is already connected');
    if (this.destroyed) this.#renew();
    if (cb) this.once('connect', cb);
    this.#fields.connecting = true;
    const controller = new AbortController();
    this.#connecting = controller;
    let connected: Promise<Connection>;
    try {
      connected = network.connect(to, this.#noDelay === undefined ? { signal: controller.signal } : { signal: controller.signal, noDelay: this.#noDelay });
    } catch (error) {
      connected = Promise.reject(error);
    }
    connected.then((conn) => this.#connected(conn, controller), (error: unknown) => {
      if (this.#connecting !== controller) return; // destroyed meanwhile: the abort is ours
      this.#connecting = undefined;
      this.destroy(nodeError(error, 'connect', 'ECONNREFUSED', to));
    });
    this.#touch();
    return this;
  }

  #connected(conn: Connection, controller: AbortController): void {
    if (this.#connecting !== controller || this.destroyed) {
      void conn.close();
      return;
    }
    this.#connecting = undefined;
    this.#fields.connecting = false;
    this.#attach(conn);
    this.#touch();
    this.emit('connect');
    const deferred = this.#deferred;
    this.#deferred = [];
    for (const op of deferred) op.run();
    this.emit('ready');
    if (this.#wantRead) this.#pull();
    else if (!this.isPaused()) this.read(0);
  }

  #attach(conn: Connection): void {
    this.#conn = conn;
    this.#local = conn.localAddress;
    this.#remote = conn.remoteAddress;
    this.#released = false;
  }

  /** A destroyed socket asked to connect again starts over, as node:net's does. */
  #renew(): void {
    this.#fields._undestroy();
    if (Object.prototype.hasOwnProperty.call(this, 'write')) delete (this as { write?: unknown }).write; // node's writeAfterFIN
    this.#conn = this.#local = this.#remote = undefined;
    this.#reading = this.#wantRead = false;
    this.#bytesRead = this.#bytesDispatched = 0;
  }

  // ── reading ───────────────────────────────────────────────────────────────
  override _read(): void {
    if (!this.#conn) {
      this.#wantRead = true;
      return;
    }
    this.#pull();
  }

  #pull(): void {
    const conn = this.#conn;
    if (this.#reading || !conn || this.destroyed) return;
    this.#reading = true;
    this.#wantRead = false;
    conn.read().then(this.#onChunk, this.#onReadError);
  }

  #onChunk = (chunk: Uint8Array | null): void => {
    this.#reading = false;
    if (this.destroyed) return;
    if (chunk === null) {
      // As node:net does after EOF: read(0) lets 'end' fire even when nobody reads (no 'data' listener).
      this.push(null);
      this.read(0);
      return;
    }
    this.#bytesRead += chunk.byteLength;
    this.#touch();
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.push(buffer)) this.#pull();
  };

  #onReadError = (error: unknown): void => {
    this.#reading = false;
    if (this.destroyed) return;
    // The runtime cancelled its own IO (a Simulation host crashed): the code that owned this socket is
    // gone with it, so the socket just closes; an 'error' nobody listens to would crash the process.
    if (CancelledError.is(error)) this.destroy();
    else this.destroy(nodeError(error, 'read', 'ECONNRESET'));
  };

  // ── writing ───────────────────────────────────────────────────────────────
  override _write(chunk: Buffer | string, encoding: BufferEncoding, done: Done): void {
    this.#send([typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk], done);
  }

  override _writev(chunks: Array<{ chunk: Buffer | string; encoding: BufferEncoding }>, done: Done): void {
    const buffers = chunks.map(({ chunk, encoding }) => (typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk));
    let total = 0;
    for (const b of buffers) total += b.length;
    this.#send(total <= COALESCE_BYTES ? [Buffer.concat(buffers, total)] : buffers, done);
  }

  #send(buffers: Buffer[], done: Done): void {
    if (!this.#conn) {
      if (this.connecting) this.#defer(() => this.#send(buffers, done), done);
      else done(socketClosed());
      return;
    }
    this.#writeDone = done;
    this.#writeQueue = buffers;
    this.#writeNext();
  }

  #writeNext(): void {
    const buffer = this.#writeQueue.shift()!;
    this.#bytesDispatched += buffer.length;
    this.#touch();
    this.#conn!.write(buffer).then(this.#onWritten, this.#onWriteError);
  }

  #onWritten = (): void => {
    this.#touch();
    if (this.#writeQueue.length > 0 && !this.destroyed) {
      this.#writeNext();
      return;
    }
    const done = this.#writeDone;
    this.#writeDone = undefined;
    this.#writeQueue = [];
    done?.();
  };

  #onWriteError = (error: unknown): void => {
    const done = this.#writeDone;
    this.#writeDone = undefined;
    this.#writeQueue = [];
    done?.(nodeError(error, 'write', 'EPIPE'));
  };

  override _final(done: Done): void {
    const conn = this.#conn;
    if (!conn) {
      if (this.connecting) this.#defer(() => this._final(done), done);
      else done();
      return;
    }
    conn.closeWrite().then(() => done(), (error: unknown) => done(nodeError(error, 'shutdown', 'EPIPE')));
  }

  #defer(run: () => void, done: Done): void {
    this.#deferred.push({ run, fail: (error) => done(error) });
  }

  // ── closing ───────────────────────────────────────────────────────────────
  override _destroy(error: Error | null, done: Done): void {
    this.#fields.connecting = false;
    this.#idle?.stop();
    const controller = this.#connecting;
    this.#connecting = undefined;
    controller?.abort();
    const deferred = this.#deferred;
    this.#deferred = [];
    for (const op of deferred) op.fail(closedBeforeConnection());
    const conn = this.#released ? undefined : this.#conn;
    this.#released = true;
    const hadError = !!error;
    done(error);
    // 'close' comes after 'error' (which destroy emits on the next tick), as a handle's close callback does.
    const emitClose = (): void => { this.emit('close', hadError); };
    const later = (): void => { process.nextTick(emitClose); };
    if (conn) conn.close().then(later, later);
    else later();
    const server = (this as unknown as { _server: ServerLink | null })._server;
    if (server) {
      server._connections--;
      server._emitCloseIfDrained?.();
    }
  }

  /**
   * Closes at once. node:net sends a TCP RST; a Connection has no such operation, so the peer sees
   * the runtime's close (a FIN, or an RST where the runtime sends one for data left unread).
   */
  override resetAndDestroy(): this {
    if (this.connecting) this.once('connect', () => this.destroy());
    else if (!this.#conn || this.#released) this.destroy(socketClosed());
    else this.destroy();
    return this;
  }

  // ── timeouts ──────────────────────────────────────────────────────────────
  /** A real idle timer on the runtime's clock: 'timeout' after `msecs` without a read or a write; 0 turns it off. */
  override setTimeout(msecs: number, callback?: () => void): this {
    if (this.destroyed) return this;
    checkMs(msecs, 'msecs');
    if (callback !== undefined) checkFunction(callback, 'callback');
    this.#fields.timeout = msecs;
    if (msecs === 0) {
      this.#idle?.stop();
      if (callback) this.removeListener('timeout', callback);
      return this;
    }
    const clock = this.#clock;
    if (!clock) throw new TypeError('This socket has no clock for setTimeout: make it with toNodeSocket(conn, { clock }) or from a Reactor');
    (this.#idle ??= new IdleTimer(clock, () => this._onTimeout())).arm(msecs);
    if (callback) this.once('timeout', callback);
    return this;
  }

  _onTimeout(): void {
    this.emit('timeout');
  }

  /** node:net's name for "there was activity" (http2 and others call it). */
  _unrefTimer(): void {
    this.#touch();
  }

  get #fields(): SocketFields {
    return this as unknown as SocketFields;
  }

  #touch(): void {
    this.#idle?.touch();
  }

  // ── knobs a Connection does not have ──────────────────────────────────────
  /** Recorded and asked of the runtime at connect; a Connection has no switch once open. */
  override setNoDelay(noDelay = true): this {
    this.#noDelay = Boolean(noDelay);
    return this;
  }

  /** Accepted and recorded: a Connection cannot express keep-alive probes. */
  override setKeepAlive(enable = false, _initialDelay?: number): this {
    this.#keepAlive = Boolean(enable);
    return this;
  }

  /** No-op: whether a Connection keeps the process alive is its runtime's business. */
  override ref(): this {
    return this;
  }

  /** No-op, as `ref()`. */
  override unref(): this {
    return this;
  }

  /** Whether keep-alive was asked for (recorded only). */
  get keepAliveRequested(): boolean {
    return this.#keepAlive;
  }

  // ── addresses ─────────────────────────────────────────────────────────────
  override address(): AddressInfo | Record<string, never> {
    const local = this.#local;
    if (!local || this.#released || !('port' in local)) return {};
    return { address: local.host, family: familyOf(local.host), port: local.port };
  }

  _getsockname(): AddressInfo | Record<string, never> {
    return this.address();
  }

  _getpeername(): AddressInfo | Record<string, never> {
    const remote = this.#remote;
    if (!remote || this.connecting || !('port' in remote)) return {};
    return { address: remote.host, family: familyOf(remote.host), port: remote.port };
  }

  /** The Connection underneath, once connected. */
  get connection(): Connection | undefined {
    return this.#conn;
  }

  static {
    // node:net declares these as accessors on its prototype; TypeScript knows them as plain
    // properties, so they are redefined here rather than in the class body.
    const getters: Record<string, (this: NodeSocket) => unknown> = {
      remoteAddress() { return this._getpeername().address; },
      remotePort() { return this._getpeername().port; },
      remoteFamily() { return this._getpeername().family; },
      localAddress() { return this.address().address; },
      localPort() { return this.address().port; },
      localFamily() { return this.address().family; },
      bytesRead() { return this.#bytesRead; },
      _bytesDispatched() { return this.#bytesDispatched; },
      bytesWritten() {
        let pending = 0;
        for (const { chunk, encoding } of this.#fields.writableBuffer) {
          pending += typeof chunk === 'string' ? Buffer.byteLength(chunk, encoding) : chunk.length;
        }
        for (const buffer of this.#writeQueue) pending += buffer.length;
        return this.#bytesDispatched + pending;
      },
      pending() { return !this.#conn || this.connecting || this.#released; },
      bufferSize() { return this.#conn && !this.#released ? this.writableLength : undefined; },
    };
    for (const [name, get] of Object.entries(getters)) {
      Object.defineProperty(NodeSocket.prototype, name, { get, configurable: true, enumerable: true });
    }
  }
}
