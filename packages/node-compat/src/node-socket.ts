// NodeSocket: a stream.Duplex that behaves as net.Socket, its bytes travelling over a runtime's Connection.
//
// It has net.Socket's shape and stream wiring — half-open off by default (after the peer's FIN and the
// last read the socket ends its side and closes), 'close(hadError)' emitted here once the Connection has
// closed (node's emitClose is off too), write-after-FIN → EPIPE, `destroySoon`, `readyState` — and does
// with the Connection what node:net does with its handle:
//   _read   → one `conn.read()` in flight; each chunk is pushed, and the next read starts only while
//             push() says the stream wants more (so a slow consumer stops the reads, the Connection's
//             own flow control stops the peer: memory stays bounded).
//   _write  → `conn.write()`; the write callback waits for it (backpressure reaches 'drain').
//   _writev → writes corked together go as one `conn.write()` when they are small (http's head + body).
//   _final  → `conn.closeWrite()` (FIN); _destroy → `conn.close()`, then 'close'.
//   connect → a host name resolved as node:net resolves it (options.lookup or the Net's lookup, 'lookup'
//             events; internal/lookup.ts), then `net.connect()` in the background; writes and end() wait
//             for it; 'connect', 'ready'.
//   setTimeout → an IdleTimer on the runtime's Clock, touched by every read and write.
// A Connection that offers PUSH_IO (the node runtime's, over a net.Socket) is driven without a promise
// per chunk: it pushes each chunk into the stream, is paused while push() says the stream is full and
// resumed by _read; its writes call back. A 1-byte ping-pong costs a few microseconds a round trip,
// and the two promises per direction of the read()/write() path were a large share of it.
// Under withNodeApis a socket has an owner (internal/owner.ts): open, it holds the owner open unless
// unref()'d; once the owner is gone (its host crashed) every callback above is dropped.
// WHY not a subclass of net.Socket: node's TLS (tls.connect({ socket }), which pg and postgres.js use to
// upgrade) treats a net.Socket without a libuv handle as still connecting and waits for a 'connect'
// that has already happened; any other Duplex it wraps and starts at once.
import type { AddressInfo } from 'node:net';
import { Duplex } from 'node:stream';
import { CancelledError, NetError, PUSH_IO, RuntimeError, type Connection, type Net, type PushIO, type PushSink, type SocketAddress } from '@runtime-traits/core';
import { checkFunction, checkMs } from '@runtime-traits/core/kit';
import { addressInfo, checkConnectTarget, normalizeConnectArgs } from './internal/args.js';
import { clockTimers, IdleTimer, type TimerSource } from './internal/idle-timer.js';
import { allFailed, dialOrder, lookupPlan, ofFamily, type Found, type LookupPlan } from './internal/lookup.js';
import { closedBeforeConnection, codedError, lookupError, nodeError, socketClosed } from './internal/node-errors.js';
import { OwnerLink } from './internal/owner.js';
import { onReadableEnd } from './internal/write-after-fin.js';
import { batch, WritePump, type Done } from './internal/write-pump.js';
import type { Deferred, NodeSocketInit, ServerLink, StreamFields } from './internal/socket-types.js';

export type { NodeSocketInit };

/**
 * A `stream.Duplex` that behaves as `net.Socket`, its bytes travelling over a runtime's Connection, so
 * Node libraries (http, tls, undici, ws, pg, ioredis) run on any runtime. Make one with
 * {@link toNodeSocket}, {@link createConnection} or {@link createSocket}; a NodeServer hands out accepted ones.
 * Errors carry node:net's codes (`ECONNREFUSED`, `EPIPE`…).
 */
export class NodeSocket extends Duplex {
  /** True from connect() until 'connect' (or failure), as net.Socket#connecting. */
  connecting = false;
  /** The idle timeout last given to setTimeout (ms; 0 = none), as net.Socket#timeout. */
  timeout: number | undefined = undefined;
  /** The server that accepted this socket (set by serve()), as net.Socket#server. */
  server: unknown = null;
  /** @internal node:net's private name for `server`, read by node:http; set by serve(). */
  _server: ServerLink | null = null;

  #net: Net | undefined;
  /** Where the idle timer's waits come from: the scope's timers, or the runtime clock's sleeps. */
  readonly #timers: TimerSource | undefined;
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
  #pump: WritePump | undefined;
  /** The Connection's push-mode IO, when it has one (then there is no pump). */
  #io: PushIO | undefined;
  /** Bytes handed to #io so far. */
  #ioWritten = 0;
  /** Bytes of writes held until the connect completes. */
  #heldBytes = 0;
  /** The stream's callback for the write in flight through #io (the stream sends one at a time). */
  #ioDone: Done | undefined;
  #noDelay: boolean | undefined;
  #keepAlive = false;
  /** Set by destroy: node:net drops its handle then (pending is true again, address() is {}). */
  #released = false;
  /** The peer's address as first read while connected (kept after close, as node:net keeps it). */
  #peername: AddressInfo | Record<string, never> | undefined;
  /** Its tie to the withNodeApis scope it belongs to (if any): open from connect (or attach) until 'close'. */
  readonly #owner: OwnerLink;
  readonly #teardown = (): void => { this.destroy(); };
  /** The host a TCP connect without one dials ('localhost' under withNodeApis, as node:net; none in layer 1). */
  readonly #defaultHost: string | undefined;

  constructor(init: NodeSocketInit = {}) {
    super({
      allowHalfOpen: init.allowHalfOpen === true,
      emitClose: false, // 'close(hadError)' is emitted by _destroy once the Connection has closed
      autoDestroy: true,
      decodeStrings: false,
      readableHighWaterMark: init.readableHighWaterMark,
      writableHighWaterMark: init.writableHighWaterMark,
    });
    this.on('end', onReadableEnd);
    this.#net = init.net;
    this.#timers = init.timers ?? (init.clock ? clockTimers(init.clock) : undefined);
    this.#noDelay = init.noDelay;
    this.#owner = new OwnerLink(init.owner, this, true);
    this.#defaultHost = init.defaultHost;
    if (init.connection) {
      this.#attach(init.connection);
      if (init.pauseOnCreate) this.#fields.readableFlowing = false;
      else this.read(0);
    }
  }

  // ── connecting ────────────────────────────────────────────────────────────
  /** As net.Socket#connect: `(port, host, cb?)`, `(path, cb?)` or `({ port, host } | { path }, cb?)`. */
  connect(...args: unknown[]): this {
    const { options, cb } = normalizeConnectArgs(args);
    const to = checkConnectTarget(options, 'options', this.#defaultHost);
    const plan = 'host' in to ? lookupPlan(options, to.host) : undefined;
    if (cb) checkFunction(cb, 'connectListener');
    const network = this.#net;
    if (!network) throw new TypeError('This socket has no Net to connect through: make it with createSocket(reactor) or createConnection(reactor, …)');
    if (this.connecting) throw codedError('ERR_SOCKET_CONNECTING', 'Socket is already connecting');
    if (this.#conn && !this.destroyed) throw codedError('ERR_SOCKET_CONNECTED', 'Socket is already connected');
    if (this.destroyed) this.#renew();
    if (cb) this.once('connect', cb);
    this.#owner.open(this.#teardown);
    this.connecting = true;
    const controller = new AbortController();
    this.#connecting = controller;
    if (plan) this.#lookupAndConnect(network, plan, options.port, (to as { port: number }).port, controller);
    else this.#dial(network, to, controller, undefined, undefined);
    this.#touch();
    return this;
  }

  /**
   * Dials `to`; if that fails with a network error, the next of `rest` (the other addresses of a lookup,
   * in node:net's order; tried one after another, see the README), and once none is left the socket is
   * destroyed with the error — with all of them (node:net's AggregateError) when several were tried.
   */
  #dial(network: Net, to: SocketAddress, controller: AbortController, rest: Found[] | undefined, errors: Error[] | undefined): void {
    let connected: Promise<Connection>;
    try {
      connected = network.connect(to, this.#noDelay === undefined ? { signal: controller.signal } : { signal: controller.signal, noDelay: this.#noDelay });
    } catch (error) {
      connected = Promise.reject(error);
    }
    connected.then((conn) => this.#connected(conn, controller), (error: unknown) => {
      if (this.#connecting !== controller || this.#owner.frozen) return; // destroyed meanwhile: the abort is ours
      const failure = nodeError(error, 'connect', 'ECONNREFUSED', to);
      if (rest !== undefined && rest.length > 0 && NetError.is(failure)) {
        (errors ??= []).push(failure);
        this.#dial(network, { host: rest[0]!.address, port: (to as { port: number }).port }, controller, rest.slice(1), errors);
        return;
      }
      this.#connecting = undefined;
      this.destroy(errors && NetError.is(failure) ? allFailed([...errors, failure]) : failure);
    });
  }

  /**
   * As node:net's lookupAndConnect: resolves the host name with `options.lookup` or else the runtime's
   * Net, emits 'lookup' (err, address, family, host) for each address of the answer, then dials them.
   * The lookup is called at once, as node:net calls it: one that answers synchronously emits 'lookup'
   * before connect() returns. A lookup error is emitted with 'lookup', then destroys the socket (a tick
   * later, as node:net's connectErrorNT). A socket destroyed meanwhile never dials.
   */
  #lookupAndConnect(network: Net, plan: LookupPlan, portOption: unknown, port: number, controller: AbortController): void {
    const { host, options: dnsOptions } = plan;
    const answer = (error: unknown, found?: unknown, family?: unknown): void => {
      if (this.#owner.frozen) return;
      // node:net: asked for every address, a socket destroyed meanwhile hears nothing; asked for one, it still hears 'lookup'.
      if (this.#connecting !== controller && dnsOptions.all) return;
      if (error) {
        this.emit('lookup', error, dnsOptions.all ? undefined : found, dnsOptions.all ? undefined : family, host);
        if (this.#connecting === controller) process.nextTick(() => this.#lookupFailed(controller, error));
        return;
      }
      // Either answer shape is taken whatever was asked (node:net fails a lookup that ignores `all`).
      const list: Found[] = Array.isArray(found) ? found as Found[] : [{ address: found as string, family: family as number }];
      for (const entry of list) {
        this.emit('lookup', error, entry?.address, entry?.family, host);
        if (this.#connecting !== controller) return;
      }
      const order = dialOrder(list, host, portOption);
      if (order instanceof Error) {
        process.nextTick(() => this.#lookupFailed(controller, order));
        return;
      }
      this.#touch();
      this.#dial(network, { host: order[0]!.address, port }, controller, order.slice(1), undefined);
    };
    if (plan.lookup) {
      plan.lookup(host, dnsOptions, answer);
      return;
    }
    // The runtime resolves (a Simulation's own names, deterministically; the node runtime's getaddrinfo).
    let looked: Promise<string[]>;
    try {
      looked = network.lookup(host);
    } catch (error) {
      looked = Promise.reject(error);
    }
    looked.then((addresses) => {
      const found = ofFamily(addresses, dnsOptions.family);
      if (found.length === 0) answer(lookupError(host, 'ENOTFOUND'));
      else if (dnsOptions.all) answer(null, found);
      else answer(null, found[0]!.address, found[0]!.family);
    }, (error: unknown) => {
      const code = (error as { code?: unknown } | null)?.code;
      answer(RuntimeError.is(error) && !NetError.is(error) ? error : lookupError(host, typeof code === 'string' ? code : 'ENOTFOUND', error));
    });
  }

  #lookupFailed(controller: AbortController, error: unknown): void {
    if (this.#connecting !== controller || this.#owner.frozen) return;
    this.#connecting = undefined;
    this.destroy(error as Error);
  }

  #connected(conn: Connection, controller: AbortController): void {
    if (this.#owner.frozen) return;
    if (this.#connecting !== controller || this.destroyed) {
      void conn.close();
      return;
    }
    this.#connecting = undefined;
    this.connecting = false;
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
    this.#owner.open(this.#teardown);
    this.#conn = conn;
    const io = (conn as { [PUSH_IO]?: PushIO })[PUSH_IO];
    if (io?.attach(this.#sink)) this.#io = io;
    else this.#pump = new WritePump(conn, () => this.#touch(), () => this.#owner.frozen);
    this.#local = conn.localAddress;
    this.#remote = conn.remoteAddress;
    this.#peername = undefined;
    this.#released = false;
  }

  /** A destroyed socket asked to connect again starts over, as node:net's does. */
  #renew(): void {
    this.#fields._undestroy();
    if (Object.prototype.hasOwnProperty.call(this, 'write')) delete (this as { write?: unknown }).write; // writeAfterFIN
    this.#conn = this.#local = this.#remote = this.#pump = this.#io = this.#ioDone = undefined;
    this.#reading = this.#wantRead = false;
    this.#bytesRead = this.#ioWritten = 0;
  }

  // ── reading ───────────────────────────────────────────────────────────────
  /** @internal stream.Duplex hook: starts one `conn.read()` (see the file header). */
  override _read(): void {
    if (!this.#conn) {
      this.#wantRead = true;
      return;
    }
    this.#pull();
  }

  #pull(): void {
    const conn = this.#conn;
    if (this.#io) {
      if (!this.destroyed) this.#io.resume();
      return;
    }
    if (this.#reading || !conn || this.destroyed) return;
    this.#reading = true;
    this.#wantRead = false;
    conn.read().then(this.#onChunk, this.#onReadError);
  }

  #onChunk = (chunk: Uint8Array | null): void => {
    this.#reading = false;
    if (this.destroyed || this.#owner.frozen) return;
    if (chunk === null) {
      // As node:net does after EOF: read(0) lets 'end' fire even when nobody reads (no 'data' listener).
      this.push(null);
      this.read(0);
      return;
    }
    if (this.#deliver(chunk)) this.#pull();
  };

  /** Counts a chunk read, touches the idle timer and pushes it; push()'s answer: whether to read on. */
  #deliver(chunk: Uint8Array): boolean {
    this.#bytesRead += chunk.byteLength;
    this.#touch();
    return this.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }

  /** Where a PUSH_IO Connection hands its chunks: as #onChunk, but push()'s answer pauses the Connection. */
  readonly #sink: PushSink = {
    data: (chunk) => {
      if (this.destroyed || this.#owner.frozen) return false;
      return this.#deliver(chunk);
    },
    end: () => this.#onChunk(null),
    error: (error) => this.#onReadError(error),
  };

  #onReadError = (error: unknown): void => {
    this.#reading = false;
    if (this.destroyed || this.#owner.frozen) return;
    // The runtime cancelled its own IO (a Simulation host crashed): the code that owned this socket is
    // gone with it, so the socket just closes; an 'error' nobody listens to would crash the process.
    if (CancelledError.is(error)) this.destroy();
    else this.destroy(nodeError(error, 'read', 'ECONNRESET'));
  };

  // ── writing ───────────────────────────────────────────────────────────────
  /** @internal stream.Duplex hook: one `conn.write()`; `done` waits for it. */
  override _write(chunk: Buffer | string, encoding: BufferEncoding, done: Done): void {
    this.#send([typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk], done);
  }

  /** @internal stream.Duplex hook: corked writes as one `conn.write()` when small. */
  override _writev(chunks: Array<{ chunk: Buffer | string; encoding: BufferEncoding }>, done: Done): void {
    this.#send(batch(chunks), done);
  }

  #send(buffers: Buffer[], done: Done): void {
    const refused = this.#owner.checkUse('written to');
    if (refused) {
      done(refused);
      return;
    }
    const io = this.#io;
    if (io) {
      this.#sendDirect(io, buffers, done);
      return;
    }
    const pump = this.#pump;
    if (!pump) {
      if (!this.connecting) {
        done(socketClosed());
        return;
      }
      // Held until connected; counted in bytesWritten meanwhile, as net.Socket counts its pending data.
      let bytes = 0;
      for (const buffer of buffers) bytes += buffer.length;
      this.#heldBytes += bytes;
      this.#defer(() => {
        this.#heldBytes -= bytes;
        this.#send(buffers, done);
      }, (error) => {
        this.#heldBytes -= bytes;
        done(error);
      });
      return;
    }
    pump.send(buffers, done);
  }

  /** Every buffer to the Connection at once (it keeps them in order); `done` once the last went to the kernel. */
  #sendDirect(io: PushIO, buffers: Buffer[], done: Done): void {
    this.#ioDone = done;
    this.#touch();
    const last = buffers.length - 1;
    for (let i = 0; i < last; i++) {
      this.#ioWritten += buffers[i]!.length;
      io.write(buffers[i]!, this.#afterEarlierWrite);
    }
    this.#ioWritten += buffers[last]!.length;
    io.write(buffers[last]!, this.#afterWrite);
  }

  /** A batch's earlier buffer went out: only a failure matters (it ends the batch). */
  readonly #afterEarlierWrite = (error?: Error | null): void => {
    if (error) this.#afterWrite(error);
  };

  readonly #afterWrite = (error?: Error | null): void => {
    const done = this.#ioDone;
    this.#ioDone = undefined;
    if (!done || this.#owner.frozen) return;
    this.#touch();
    done(error ? nodeError(error, 'write', 'EPIPE') : undefined);
  };

  /** @internal stream.Duplex hook: `conn.closeWrite()` (FIN), after the connect when one is in flight. */
  override _final(done: Done): void {
    const conn = this.#conn;
    if (!conn) {
      if (this.connecting) this.#defer(() => this._final(done), done);
      else done();
      return;
    }
    conn.closeWrite().then(() => { if (!this.#owner.frozen) done(); }, (error: unknown) => { if (!this.#owner.frozen) done(nodeError(error, 'shutdown', 'EPIPE')); });
  }

  #defer(run: () => void, fail: Done): void {
    this.#deferred.push({ run, fail: (error) => fail(error) });
  }

  // ── closing ───────────────────────────────────────────────────────────────
  /** @internal stream.Duplex hook: cancels a connect in flight, closes the Connection, then emits 'close'. */
  override _destroy(error: Error | null, done: Done): void {
    this.connecting = false;
    this.#idle?.stop();
    const controller = this.#connecting;
    this.#connecting = undefined;
    controller?.abort();
    const deferred = this.#deferred;
    this.#deferred = [];
    for (const op of deferred) op.fail(closedBeforeConnection());
    const conn = this.#released ? undefined : this.#conn;
    this.#released = true;
    if (this.#pump) this.#pump.stopped = true;
    const hadError = !!error;
    done(error);
    // 'close' comes after 'error' (which destroy emits on the next tick), as a handle's close callback does.
    const emitClose = (): void => {
      this.#owner.closed();
      this.emit('close', hadError);
    };
    const later = (): void => { if (!this.#owner.frozen) process.nextTick(emitClose); };
    if (conn) conn.close().then(later, later);
    else later();
    const server = this._server;
    if (server) {
      server._connections--;
      server._emitCloseIfDrained?.();
    }
  }

  /**
   * Closes at once. node:net sends a TCP RST; a Connection has no such operation, so the peer sees
   * the runtime's close (a FIN, or an RST where the runtime sends one for data left unread).
   */
  resetAndDestroy(): this {
    if (this.connecting) this.once('connect', () => this.destroy());
    else if (!this.#conn || this.#released) this.destroy(socketClosed());
    else this.destroy();
    return this;
  }

  // ── timeouts ──────────────────────────────────────────────────────────────
  /** A real idle timer on the runtime's clock: 'timeout' after `msecs` without a read or a write; 0 turns it off. */
  setTimeout(msecs: number, callback?: () => void): this {
    if (this.destroyed) return this;
    checkMs(msecs, 'msecs');
    if (callback !== undefined) checkFunction(callback, 'callback');
    this.timeout = msecs;
    if (msecs === 0) {
      this.#idle?.stop();
      if (callback) this.removeListener('timeout', callback);
      return this;
    }
    const timers = this.#timers;
    if (!timers) throw new TypeError('This socket has no clock for setTimeout: make it with toNodeSocket(conn, { clock }) or from a Reactor');
    (this.#idle ??= new IdleTimer(timers, () => { if (!this.#owner.frozen) this._onTimeout(); })).arm(msecs);
    if (callback) this.once('timeout', callback);
    return this;
  }

  /** @internal node:net's idle-timer callback (emits 'timeout'); http overrides it on its sockets. */
  _onTimeout(): void {
    this.emit('timeout');
  }

  /** node:net's name for "there was activity" (http2 and others call it). */
  _unrefTimer(): void {
    this.#touch();
  }

  get #fields(): StreamFields {
    return this as unknown as StreamFields;
  }

  #touch(): void {
    this.#idle?.touch();
  }

  // ── knobs a Connection does not have ──────────────────────────────────────
  /** Recorded and asked of the runtime at connect; a Connection has no switch once open. */
  setNoDelay(noDelay = true): this {
    this.#noDelay = Boolean(noDelay);
    return this;
  }

  /** Accepted and recorded: a Connection cannot express keep-alive probes. */
  setKeepAlive(enable = false, _initialDelay?: number): this {
    this.#keepAlive = Boolean(enable);
    return this;
  }

  // Without withNodeApis no-ops (whether a Connection keeps the process alive is its runtime's business);
  // under withNodeApis an open socket holds its scope open unless unref'd, as a handle holds a process.
  /** As net.Socket#ref: under withNodeApis an open socket holds its scope open again; otherwise a no-op. */
  ref(): this { this.#owner.setRef(true); return this; }
  /** As net.Socket#unref: under withNodeApis an open socket no longer holds its scope open; otherwise a no-op. */
  unref(): this { this.#owner.setRef(false); return this; }

  /** Whether keep-alive was asked for (recorded only). */
  get keepAliveRequested(): boolean {
    return this.#keepAlive;
  }

  // ── addresses ─────────────────────────────────────────────────────────────
  /** This side's `{ address, family, port }` as net.Socket#address; `{}` before connecting and once destroyed. */
  address(): AddressInfo | Record<string, never> {
    return this.#released ? {} : addressInfo(this.#local);
  }

  /** @internal node:net's handle call behind address(); some libraries call it directly. */
  _getsockname(): AddressInfo | Record<string, never> {
    return this.address();
  }

  /** @internal node:net's handle call behind the remote* getters. */
  _getpeername(): AddressInfo | Record<string, never> {
    if (this.connecting) return {};
    // Once closed, only what was read while connected (node:net keeps the answer it got from its handle).
    if (this.#released) return this.#peername ?? {};
    return (this.#peername ??= addressInfo(this.#remote));
  }

  /** The Connection underneath, once connected. Its reads belong to this socket (one with PUSH_IO refuses `read()`). */
  get connection(): Connection | undefined {
    return this.#conn;
  }

  /** The peer's IP address (or undefined: connecting, a Unix socket, destroyed). */
  get remoteAddress(): string | undefined { return this._getpeername().address; }
  /** The peer's port (undefined as for `remoteAddress`). */
  get remotePort(): number | undefined { return this._getpeername().port; }
  /** `'IPv4'` or `'IPv6'` for the peer (undefined as for `remoteAddress`). */
  get remoteFamily(): string | undefined { return this._getpeername().family; }
  /** This side's IP address (undefined before connecting, on a Unix socket, once destroyed). */
  get localAddress(): string | undefined { return this.address().address; }
  /** This side's port (undefined as for `localAddress`). */
  get localPort(): number | undefined { return this.address().port; }
  /** `'IPv4'` or `'IPv6'` for this side (undefined as for `localAddress`). */
  get localFamily(): string | undefined { return this.address().family; }
  /** Bytes received so far. */
  get bytesRead(): number { return this.#bytesRead; }

  /** Bytes handed to the Connection plus those still buffered, as net.Socket counts them. */
  get bytesWritten(): number {
    let pending = 0;
    for (const { chunk, encoding } of this.#fields.writableBuffer) {
      pending += typeof chunk === 'string' ? Buffer.byteLength(chunk, encoding) : chunk.length;
    }
    return this.#ioWritten + (this.#pump?.dispatched ?? 0) + (this.#pump?.queuedBytes ?? 0) + this.#heldBytes + pending;
  }

  /** True until connected, and again once destroyed, as net.Socket (which then has no handle). */
  get pending(): boolean { return !this.#conn || this.connecting || this.#released; }
  /** Deprecated in node:net: bytes queued to write (`writableLength`); undefined when not connected. */
  get bufferSize(): number | undefined { return (this.#conn || this.connecting) && !this.#released ? this.writableLength : undefined; }
  /** @internal node:net's private name for `connecting`, read by node:tls and others. */
  get _connecting(): boolean { return this.connecting; }

  /** As net.Socket#readyState: `opening` while connecting, then which sides are still open. */
  get readyState(): 'opening' | 'open' | 'readOnly' | 'writeOnly' | 'closed' {
    if (this.connecting) return 'opening';
    if (this.readable && this.writable) return 'open';
    if (this.readable) return 'readOnly';
    if (this.writable) return 'writeOnly';
    return 'closed';
  }

  /** Ends the writable side, then destroys once it has finished, as net.Socket#destroySoon. */
  destroySoon(): void {
    if (this.writable) this.end();
    if (this.writableFinished) this.destroy();
    else this.once('finish', () => this.destroy());
  }
}
