// NodeConnection: the contract's Connection over a net.Socket (or a tls.TLSSocket).
//
// HOW reading works: the socket flows, and each 'data' chunk (or, for a client socket, each read
// through node:net's `onread`: client-reads.ts) either goes straight to a waiting read() or into a
// small queue. Once the queue holds HIGH_WATER bytes the socket is paused (the
// kernel's receive window then pushes back on the peer), and it resumes when reads bring the queue
// under LOW_WATER — memory stays bounded however slow the reader. An aborted read removes only its
// own waiter, so no chunk is ever handed to a read that already gave up.
//
// HOW writing works: every socket.write() carries the connection's one callback (made once, so Node
// batches the callbacks of a burst into one tick), which counts writes Node has finished. write()
// resolves when its bytes went to the kernel: at once when socket.write() wrote them all synchronously
// (the usual case: no promise is made), else when the count reaches that write's number (Node calls
// write callbacks in write order). A peer that stops reading fills the kernel buffers, the count
// stalls, and so does the writer: backpressure without an unbounded user-space buffer, and the caller
// may reuse its buffer. (No empty write marks the spot: Deno's TLS socket fails one with EPERM.)
//
// PUSH MODE (PUSH_IO, for node-compat's NodeSocket): an attached sink takes each 'data' chunk as it
// comes, and pauses the socket when it wants no more; writes call back instead of resolving a promise.
// Chunks that came before the sink asked for them wait in the same queue the reads use.
//
// WHY so lean: a 1-byte ping-pong costs a few microseconds a round trip, and a callback per write
// (Node then schedules its completion) or a closure and record per read are a measurable share of it.
import type { Socket } from 'node:net';
import { PUSH_IO, type Connection, type PushIO, type PushSink, type SocketAddress } from '@runtime-traits/core';
import { abortError, checkData, checkOptions, checkSignal } from '@runtime-traits/core/kit';
import { untilEnd } from '@runtime-traits/kit';
import { epipe, toNetError } from './errors.js';

/** Pause the socket when this many bytes wait unread. */
const HIGH_WATER = 256 * 1024;
/** Resume it when fewer than this many bytes wait. */
const LOW_WATER = 64 * 1024;
/** How long close() lets unflushed writes drain before it destroys the socket anyway. */
const CLOSE_FLUSH_MS = 2000;

const RESOLVED = Promise.resolve();

// Captures a promise's resolve/reject during its construction: no closure per read.
let captureResolve: ((chunk: Uint8Array | null) => void) | undefined;
let captureReject: ((error: unknown) => void) | undefined;
function capture(resolve: (chunk: Uint8Array | null) => void, reject: (error: unknown) => void): void {
  captureResolve = resolve;
  captureReject = reject;
}

/**
 * A write that did not finish inside socket.write(): the caller waits on it. (A write that did finish
 * there gets no object at all.)
 */
class PendingWrite {
  /** undefined: not finished; null: finished fine; an Error: failed. */
  error: Error | null | undefined = undefined;
  private resolve: (() => void) | undefined;
  private reject: ((error: unknown) => void) | undefined;

  /**
   * `number`: which write this is on its connection (finished once that many writes called back);
   * `done`: the push-mode callback (a write without one is waited on with wait()).
   */
  constructor(readonly number: number, private readonly done?: (error?: Error | null) => void) {}

  settle(error: Error | null | undefined): void {
    this.error = error ? toNetError(error, 'EPIPE') : null;
    if (this.done) this.done(this.error);
    else if (this.error) this.reject?.(this.error);
    else this.resolve?.();
  }

  wait(signal: AbortSignal | undefined): Promise<void> {
    if (this.error !== undefined) return this.error ? Promise.reject(this.error) : RESOLVED;
    return new Promise<void>((resolve, reject) => {
      if (!signal) {
        this.resolve = resolve;
        this.reject = reject;
        return;
      }
      const onAbort = (): void => reject(abortError(signal.reason));
      signal.addEventListener('abort', onAbort, { once: true });
      this.resolve = () => { signal.removeEventListener('abort', onAbort); resolve(); };
      this.reject = (error) => { signal.removeEventListener('abort', onAbort); reject(error); };
    });
  }
}

/** Who tracks this connection (the reactor), told once it is fully closed. */
export interface ConnectionOwner {
  forget(conn: NodeConnection): void;
}

interface Reader {
  resolve(chunk: Uint8Array | null): void;
  reject(error: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

type ReadOpts = { signal?: AbortSignal } | undefined;

export class NodeConnection implements Connection {
  readonly localAddress: SocketAddress;
  readonly remoteAddress: SocketAddress;
  readonly closed: Promise<void>;

  // Read side. Invariant: `sole` and `readers` wait only while the queue is empty and the stream is
  // open; `sole` (a read without a signal, the common case) is always older than any of `readers`.
  private soleResolve: ((chunk: Uint8Array | null) => void) | undefined = undefined;
  private soleReject: ((error: unknown) => void) | undefined = undefined;
  private chunks: Array<Uint8Array | undefined> = [];
  private head = 0;
  private queuedBytes = 0;
  private paused = false;
  private readers: Reader[] = [];
  private eof = false;
  private failure: Error | undefined;
  // Push mode: the sink, whether it takes chunks now, and whether it was told the end (or the failure).
  private sink: PushSink | undefined = undefined;
  private sinkWants = false;
  private sinkDone = false;
  private pushIO: PushIO | undefined = undefined;

  // Lifecycle: writeClosed after closeWrite()/close(); localClosed after close(); isClosed after 'close'.
  private writeClosed = false;
  private localClosed = false;
  private isClosed = false;
  private markClosed!: () => void;

  // Write side: writes handed to socket.write(), and how many of them Node has called back; the
  // writes still waiting, oldest first (only writes that did not finish synchronously are here).
  private writesIssued = 0;
  private writesDone = 0;
  private waitingWrites: PendingWrite[] = [];
  private readonly onWritten = (error?: Error | null): void => {
    this.writesDone++;
    const waiting = this.waitingWrites;
    if (error) {
      this.waitingWrites = [];
      for (const pending of waiting) pending.settle(error);
      return;
    }
    let settled = 0;
    while (settled < waiting.length && waiting[settled]!.number <= this.writesDone) waiting[settled++]!.settle(null);
    if (settled > 0) waiting.splice(0, settled);
  };

  constructor(readonly socket: Socket, private readonly owner: ConnectionOwner | undefined, addresses: { local: SocketAddress; remote: SocketAddress }) {
    this.localAddress = addresses.local;
    this.remoteAddress = addresses.remote;
    this.closed = new Promise<void>((resolve) => { this.markClosed = resolve; });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('error', (error) => this.onError(error));
    socket.on('close', () => this.onClose());
  }

  read(opts?: ReadOpts): Promise<Uint8Array | null> {
    const signal = opts === undefined ? undefined : checkSignal(checkOptions<{ signal?: AbortSignal }>(opts)?.signal, 'opts.signal');
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    if (this.sink) return Promise.reject(new Error('This connection hands its bytes to a push consumer (PUSH_IO): read() is not available'));
    if (this.localClosed) return Promise.resolve(null);
    if (this.head < this.chunks.length) return Promise.resolve(this.take());
    // Once end of stream was read it stays so, even if a later write fails.
    if (this.eof) return Promise.resolve(null);
    if (this.failure) return Promise.reject(this.failure);
    if (this.isClosed) return Promise.resolve(null);
    if (!signal && !this.soleResolve && this.readers.length === 0) {
      const waiting = new Promise<Uint8Array | null>(capture);
      this.soleResolve = captureResolve;
      this.soleReject = captureReject;
      return waiting;
    }
    return new Promise<Uint8Array | null>((resolve, reject) => {
      const reader: Reader = { resolve, reject, signal, onAbort: undefined };
      if (signal) {
        reader.onAbort = () => {
          const at = this.readers.indexOf(reader);
          if (at >= 0) this.readers.splice(at, 1);
          reject(abortError(signal.reason));
        };
        signal.addEventListener('abort', reader.onAbort, { once: true });
      }
      this.readers.push(reader);
    });
  }

  write(data: Uint8Array | string, opts?: { signal?: AbortSignal }): Promise<void> {
    checkData(data);
    const signal = opts === undefined ? undefined : checkSignal(checkOptions<{ signal?: AbortSignal }>(opts)?.signal, 'opts.signal');
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    if (this.writeClosed || this.isClosed) return Promise.reject(epipe());
    if (this.failure) return Promise.reject(this.failure);
    const socket = this.socket;
    const number = ++this.writesIssued;
    socket.write(data, this.onWritten);
    // Everything went to the kernel inside write(): the caller may go on (and reuse its buffer) now.
    if (socket.writableLength === 0 && !socket.destroyed) return RESOLVED;
    const pending = new PendingWrite(number);
    this.waitingWrites.push(pending);
    return pending.wait(signal);
  }

  /** Push-mode IO (see PushIO in core): what node-compat's NodeSocket uses instead of read() and write(). */
  get [PUSH_IO](): PushIO {
    return this.pushIO ??= {
      attach: (sink) => this.attachSink(sink),
      resume: () => this.resumeSink(),
      write: (data, done) => this.writeWithCallback(data, done),
    };
  }

  private attachSink(sink: PushSink): boolean {
    if (this.sink || this.soleResolve || this.readers.length > 0) return false;
    this.sink = sink;
    return true;
  }

  private resumeSink(): void {
    const sink = this.sink;
    if (!sink || this.sinkDone || this.localClosed) return;
    this.sinkWants = true;
    while (this.head < this.chunks.length) {
      if (!sink.data(this.take())) {
        this.stopSink();
        return;
      }
      if (this.sinkDone || this.localClosed) return; // the sink closed us from its data()
    }
    // What read() would answer once the queue is empty: end of stream, else the failure, else end once closed.
    if (this.eof) this.endSink();
    else if (this.failure) this.failSink(this.failure);
    else if (this.isClosed) this.endSink();
    else if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private stopSink(): void {
    this.sinkWants = false;
    if (!this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private endSink(): void {
    if (this.sinkDone || this.localClosed) return;
    this.sinkDone = true;
    this.sink!.end();
  }

  private failSink(failure: Error): void {
    if (this.sinkDone || this.localClosed) return;
    this.sinkDone = true;
    this.sinkWants = false;
    this.sink!.error(failure);
  }

  private writeWithCallback(data: Uint8Array, done: (error?: Error | null) => void): void {
    if (this.writeClosed || this.isClosed) {
      done(epipe());
      return;
    }
    if (this.failure) {
      done(this.failure);
      return;
    }
    const socket = this.socket;
    const number = ++this.writesIssued;
    socket.write(data, this.onWritten);
    if (socket.writableLength === 0 && !socket.destroyed) done();
    else this.waitingWrites.push(new PendingWrite(number, done));
  }

  closeWrite(): Promise<void> {
    if (this.writeClosed || this.isClosed) return Promise.resolve();
    this.writeClosed = true;
    const socket = this.socket;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        socket.off('finish', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('finish', done);
      socket.on('close', done);
      socket.end();
    });
  }

  /** Flushes what was written (for a short while), then closes both directions. Idempotent. */
  close(): Promise<void> {
    if (!this.localClosed) {
      this.localClosed = true;
      this.writeClosed = true;
      this.endReaders(null);
      this.dropQueue();
      const socket = this.socket;
      if (socket.writableLength === 0 || socket.destroyed) socket.destroy();
      else {
        const timer = setTimeout(() => socket.destroy(), CLOSE_FLUSH_MS).unref();
        socket.once('finish', () => { clearTimeout(timer); socket.destroy(); });
        socket.once('close', () => clearTimeout(timer));
        if (!socket.writableEnded) socket.end();
      }
    }
    return this.closed;
  }

  /** Closes at once, dropping unflushed writes (shutdown). */
  destroy(): void {
    this.localClosed = true;
    this.writeClosed = true;
    this.endReaders(null);
    this.dropQueue();
    this.socket.destroy();
  }

  /** Reads until end of stream; breaking out leaves the connection open. */
  [Symbol.asyncIterator](): AsyncIterableIterator<Uint8Array> {
    return untilEnd(() => this.read());
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** A chunk read through node:net's `onread` (a client socket: see client-reads.ts), as 'data' brings the others. */
  readonly received = (chunk: Buffer): void => this.onData(chunk);

  // ── socket events ──────────────────────────────────────────────────────────
  private onData(chunk: Buffer): void {
    if (this.localClosed) return;
    if (this.sinkWants) {
      if (!this.sink!.data(chunk)) this.stopSink();
      return;
    }
    const sole = this.soleResolve;
    if (sole) {
      this.soleResolve = this.soleReject = undefined;
      sole(chunk);
      return;
    }
    const reader = this.readers.shift();
    if (reader) {
      if (reader.onAbort) reader.signal!.removeEventListener('abort', reader.onAbort);
      reader.resolve(chunk);
      return;
    }
    this.chunks.push(chunk);
    this.queuedBytes += chunk.length;
    if (!this.paused && this.queuedBytes >= HIGH_WATER) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private onEnd(): void {
    this.eof = true;
    if (this.sink) {
      if (this.sinkWants) this.endSink(); // else after the queued chunks, at resume()
      return;
    }
    this.endReaders(null);
  }

  private onError(error: Error): void {
    if (this.localClosed) return;
    this.failure ??= toNetError(error);
    if (this.sink) {
      this.failSink(this.failure); // as node:net: a failed socket drops what it had not handed out yet
      return;
    }
    const sole = this.soleReject;
    this.soleResolve = this.soleReject = undefined;
    sole?.(this.failure);
    const readers = this.readers;
    this.readers = [];
    for (const reader of readers) {
      if (reader.onAbort) reader.signal!.removeEventListener('abort', reader.onAbort);
      reader.reject(this.failure);
    }
  }

  private onClose(): void {
    this.isClosed = true;
    this.writeClosed = true;
    if (this.sinkWants) this.endSink();
    this.endReaders(null);
    this.owner?.forget(this);
    this.markClosed();
  }

  // ── queue ──────────────────────────────────────────────────────────────────
  private take(): Uint8Array {
    const chunk = this.chunks[this.head]!;
    this.chunks[this.head++] = undefined;
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    }
    this.queuedBytes -= chunk.length;
    if (this.paused && this.queuedBytes < LOW_WATER) {
      this.paused = false;
      this.socket.resume();
    }
    return chunk;
  }

  private dropQueue(): void {
    this.chunks = [];
    this.head = 0;
    this.queuedBytes = 0;
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private endReaders(value: null): void {
    const sole = this.soleResolve;
    this.soleResolve = this.soleReject = undefined;
    sole?.(value);
    if (this.readers.length === 0) return;
    const readers = this.readers;
    this.readers = [];
    for (const reader of readers) {
      if (reader.onAbort) reader.signal!.removeEventListener('abort', reader.onAbort);
      reader.resolve(value);
    }
  }
}

/** The addresses of a connected socket; `path` is the Unix socket's path when there is one. */
export function socketAddresses(socket: Socket, path?: { local?: string; remote?: string }): { local: SocketAddress; remote: SocketAddress } {
  if (path) return { local: { path: path.local ?? '' }, remote: { path: path.remote ?? '' } };
  return {
    local: { host: socket.localAddress ?? '', port: socket.localPort ?? 0 },
    remote: { host: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 },
  };
}
