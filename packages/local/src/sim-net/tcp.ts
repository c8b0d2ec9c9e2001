// One end of a simulated TCP connection: a byte stream with a bounded window, half-close, FIN and RST.
//
// HOW the window works: `unread` counts bytes this end sent that the peer's application has not
// read yet (on the wire + in the peer's receive queue); it never exceeds `window`. write() sends
// what fits at once and resolves when all of its bytes are sent; the rest waits in `writers` until
// the peer reads (the peer's read lowers our `unread` and wakes our first writer). So a writer whose
// peer does not read stops after one window, however big its writes or fast its loop. (Window
// updates take effect at once, without a return trip.)
//
// HOW the ends close:
//   closeWrite() sends FIN after the data — writes still waiting for the window go out first, and
//                it resolves once they have — and new writes fail EPIPE: the peer reads it all, then null.
//   close()      sends FIN — or RST when the peer's writes wait for our window (Linux resets when
//                its receive buffer holds unread data; the node runtime reads the socket ahead of
//                the application, so only a full one counts) — and reads return null from now
//                on; data that still arrives is answered with RST. Writes already
//                waiting for the window go out first (2 s at most, as the node runtime's close()
//                flushes), then FIN; close() then resolves once they have.
//   a write whose signal aborts rejects, but its bytes stay in line (never a torn stream).
//   RST          fails pending and later reads/writes with ECONNRESET (a read after a FIN that
//                already arrived still gives the data, then null; writes then fail EPIPE, as Linux
//                reports a reset in CLOSE_WAIT).
//   `closed` resolves once both directions have ended, on RST, or on local close(); never rejects.
import type { Connection, SocketAddress } from '@runtime-traits/core';
import { NetError, type NetErrorCode } from '@runtime-traits/core';
import { abortError, checkData, checkOptions, checkSignal } from '@runtime-traits/core/kit';
import { deferred, type Deferred, Fifo, promiseInto, untilEnd, youngArray } from '@runtime-traits/kit';
import type { HostState } from './host-state.js';
import type { Scheduler, TimerItem, Wakeable } from '../scheduler.js';
import { Flow, SegmentKind, type FlowReceiver, type Segment } from './flow.js';
import type { Network } from './network.js';
import { encodeUtf8 } from './utf8.js';

type SignalOpts = { signal?: AbortSignal };

/** Largest segment on the wire, so one huge write() arrives as several reads. */
const SEGMENT = 65536;
/** How long close() lets writes already waiting go out (the node runtime's figure). */
const CLOSE_FLUSH_MS = 2000;

/** The end of close()'s flush: a timer of the closing end's host. */
class CloseFlush implements TimerItem {
  at: number;
  seq = 0;
  slot = -1;
  readonly owner: number;

  constructor(private readonly end: TcpEndpoint, at: number) {
    this.at = at;
    this.owner = end.host.index;
  }

  wake(): void {
    this.end.flushExpired();
  }

  /** The host shut down: as a process that exits, what was not sent yet is dropped and FIN sent. A crash leaves the end to TcpEndpoint.die(). */
  abandon(): void {
    if (this.end.host.status === 'shutdown') this.end.flushExpired();
  }

  label(): string {
    return `${this.end.host.name} #${this.end.id} close gave up flushing`;
  }
}

/** A read() or write() that has to wait; woken through the ready queue. */
class Waiter<T> implements Wakeable {
  scheduled = false;
  done = false;
  resolve!: (value: T) => void;
  reject!: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  readonly promise: Promise<T>;

  constructor(private readonly end: TcpEndpoint, private readonly kind: 'read' | 'write', public data: Uint8Array | null) {
    this.signal = undefined;
    this.onAbort = undefined;
    this.promise = promiseInto<T>(this); // no closure per wait
  }

  settle(ok: boolean, value: unknown): void {
    if (this.done) return;
    this.done = true;
    if (this.onAbort) this.signal!.removeEventListener('abort', this.onAbort);
    if (ok) this.resolve(value as T);
    else this.reject(value);
  }

  wake(): void {
    this.scheduled = false;
    if (this.kind === 'read') {
      if (!this.done) this.end.serveReader(this as unknown as Waiter<Uint8Array | null>);
    } else {
      this.end.serveWriter(this as unknown as Waiter<void>); // (settled by an abort, its bytes are still owed)
    }
  }

  label(): string {
    return `${this.end.host.name} #${this.end.id} ${this.kind} woken`;
  }
}

export class TcpEndpoint implements Connection, FlowReceiver {
  readonly id: number;
  peer!: TcpEndpoint;
  out!: Flow;
  // Receive side. Invariant: `queue` holds the unread chunks, `queued` their total bytes.
  private readonly queue = new Fifo<Uint8Array>();
  private queued = 0;
  private finReceived = false;
  private resetError: Error | undefined;
  // Send side.
  /** Bytes sent by this end and not yet read by the peer's application. */
  unread = 0;
  /** closeWrite()/close() was called: new writes fail EPIPE. */
  private writeEnded = false;
  /** FIN is on the wire (after the writes queued before closeWrite() went out). */
  private finSent = false;
  private localClosed = false;
  /** A closeWrite() that waits for writes already waiting, then FIN. */
  private finWait: Deferred<void> | undefined;
  /** close() waits for writes already waiting (CLOSE_FLUSH_MS at most) before it sends FIN. */
  private flushing: CloseFlush | undefined;
  private readonly readers = youngArray<Waiter<Uint8Array | null>>();
  /** Writes waiting for the window (read by the peer's close()). */
  readonly writers = youngArray<Waiter<void>>();
  private readonly closedSignal = deferred<void>();
  private closedDone = false;
  /** Called once when this end no longer needs its port (closed, reset, dead). */
  onRelease: (() => void) | undefined;
  readonly closed: Promise<void> = this.closedSignal.promise;

  constructor(
    private readonly net: Network,
    private readonly scheduler: Scheduler,
    readonly host: HostState,
    readonly incarnation: number,
    readonly localAddress: SocketAddress,
    readonly remoteAddress: SocketAddress,
    private readonly window: number,
  ) {
    this.id = net.nextConnId();
    host.endpoints.add(this);
  }

  /** Joins two fresh ends into a connection. */
  static pair(a: TcpEndpoint, b: TcpEndpoint): void {
    a.peer = b;
    b.peer = a;
    a.out = new Flow(a.net, a.scheduler, a.host, a, b);
    b.out = new Flow(b.net, b.scheduler, b.host, b, a);
  }

  get finished(): boolean {
    return this.closedDone;
  }

  private get stale(): boolean {
    return this.host.incarnation !== this.incarnation;
  }

  // ── Connection ─────────────────────────────────────────────────────────────
  read(opts?: SignalOpts): Promise<Uint8Array | null> {
    const signal = checkSignal(checkOptions<SignalOpts>(opts)?.signal, 'opts.signal');
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    if (this.readers.length === 0) {
      if (this.queued > 0) return Promise.resolve(this.take());
      if (this.localClosed || this.finReceived) return Promise.resolve(null);
      if (this.resetError) return Promise.reject(asSyscall(this.resetError, 'read'));
    }
    const waiter = new Waiter<Uint8Array | null>(this, 'read', null);
    this.park(waiter, this.readers, signal);
    return waiter.promise;
  }

  write(data: Uint8Array | string, opts?: SignalOpts): Promise<void> {
    checkData(data);
    const signal = checkSignal(checkOptions<SignalOpts>(opts)?.signal, 'opts.signal');
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    const failure = this.writeFailure();
    if (failure) return Promise.reject(failure);
    let bytes = typeof data === 'string' ? encodeUtf8(data) : data.slice();
    if (bytes.length === 0) return Promise.resolve();
    if (this.writers.length === 0) {
      const room = this.window - this.unread;
      if (bytes.length <= room) {
        this.transmit(bytes);
        return Promise.resolve();
      }
      // What fits goes now; the rest waits for the peer to read.
      if (room > 0) {
        this.transmit(bytes.subarray(0, room));
        bytes = bytes.subarray(room);
      }
    }
    const waiter = new Waiter<void>(this, 'write', bytes);
    this.park(waiter, this.writers, signal);
    return waiter.promise;
  }

  closeWrite(): Promise<void> {
    if (this.finWait) return this.finWait.promise;
    if (this.writeEnded || this.resetError || this.stale) return Promise.resolve();
    this.writeEnded = true;
    // Writes already waiting still go out (as a socket's end() flushes them); FIN follows the last,
    // and closeWrite() resolves then, as the node runtime's resolves once its socket has finished.
    if (this.writers.length === 0) {
      this.sendFin();
      return Promise.resolve();
    }
    this.finWait = deferred<void>();
    return this.finWait.promise;
  }

  close(): Promise<void> {
    return this.closeLocally(true);
  }

  /** The host shuts down: as the node runtime's shutdown destroys its sockets, writes still waiting are dropped; what was sent still arrives, then FIN. */
  closeAtShutdown(): void {
    if (this.localClosed) this.flushExpired(); // (a close() flushing since before)
    else void this.closeLocally(false);
  }

  private closeLocally(flushWrites: boolean): Promise<void> {
    if (this.localClosed) return this.flushing ? this.closed : Promise.resolve();
    this.localClosed = true;
    for (const reader of this.readers.splice(0)) reader.settle(true, null);
    let flush = false;
    if (!this.resetError && !this.stale) {
      // The peer's writes wait for our window (as a kernel's full receive buffer): RST. Data already
      // here but unread is dropped quietly, as the node runtime's Connection drops what it had read
      // from the socket; data still on the wire is answered with RST when it arrives.
      if (this.peer.writers.length > 0) {
        this.out.drop();
        this.out.send(SegmentKind.Rst, null);
      } else if (this.writers.length > 0 && flushWrites) {
        flush = true; // writes still waiting go out first and FIN after them, as the node runtime's close() flushes
      } else if (!this.finSent) {
        this.sendFin();
      }
    }
    if (!flush && this.writers.length > 0) this.failAll(this.writers, this.pipeError()); // (an error costs its stack: only when someone gets it)
    this.writeEnded = true;
    // What was received and not read is dropped as if read (the node runtime had read it off the
    // socket): the peer's window opens, and what it sends next is answered with RST.
    this.peer.unread -= this.queued;
    this.queue.clear();
    this.queued = 0;
    if (flush) {
      this.flushing = new CloseFlush(this, this.scheduler.now() + CLOSE_FLUSH_MS);
      this.scheduler.addTimer(this.flushing);
      return this.closed;
    }
    this.finish();
    return Promise.resolve();
  }

  /** close()'s flush ran out of time (the peer does not read): what is left is dropped and FIN sent, as the node runtime destroys its socket. */
  flushExpired(): void {
    if (!this.flushing) return;
    this.scheduler.removeTimer(this.flushing); // (a no-op when it is the timer that fired)
    this.flushing = undefined;
    this.failAll(this.writers, this.pipeError());
    if (!this.finSent && !this.resetError && !this.stale) this.sendFin();
    this.finish();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Uint8Array> {
    return untilEnd(() => this.read());
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ── From the wire ──────────────────────────────────────────────────────────
  receive(segment: Segment): void {
    const scheduler = this.scheduler;
    if (segment.kind === SegmentKind.Data) {
      const bytes = segment.data!;
      if (this.flushing && !this.resetError && !this.stale) {
        // close() is still sending: what arrives is read and dropped, as the node runtime's socket
        // keeps reading while its close() flushes (RST only once the socket is gone).
        this.peer.unread -= bytes.length;
        this.peer.pokeWriter();
        return;
      }
      if (this.localClosed || this.resetError || this.stale) {
        // Nobody will read this: the sender learns it with a reset.
        this.peer.unread -= bytes.length;
        this.answerWithReset();
        return;
      }
      this.queue.push(bytes);
      this.queued += bytes.length;
      if (scheduler.trace) scheduler.record(`${this.host.name} #${this.id} received ${bytes.length} bytes from ${this.peer.host.name} sent ${segment.sent}`);
      this.pokeReader();
    } else if (segment.kind === SegmentKind.Fin) {
      scheduler.record(`${this.host.name} #${this.id} received FIN`);
      this.finReceived = true;
      for (const reader of this.readers) if (!reader.scheduled) { reader.scheduled = true; scheduler.wakeSoon(reader); }
      this.checkClosed();
    } else {
      scheduler.record(`${this.host.name} #${this.id} received RST`);
      // After the peer's FIN (CLOSE_WAIT) Linux records a reset as EPIPE: node:net's next write fails so.
      this.reset(this.finReceived
        ? new NetError('EPIPE', 'write EPIPE: the peer closed the connection', { syscall: 'write' })
        : new NetError('ECONNRESET', 'read ECONNRESET: the connection was reset by the peer', { syscall: 'read' }));
    }
  }

  timedOut(): void {
    this.reset(new NetError('ETIMEDOUT', 'The connection timed out: the peer stopped answering', { syscall: 'write' }));
  }

  /** The host crashed: this end vanishes, and the peer is told with RST. */
  die(error: Error): void {
    this.out.drop();
    this.out.send(SegmentKind.Rst, null);
    this.failAll(this.readers, error);
    this.failAll(this.writers, error);
    this.resetError ??= error;
    this.finish();
  }

  /** Closes an end nobody accepted (its listener closed): as close() would, or RST if its host crashed meanwhile. */
  closeUnaccepted(): void {
    if (this.stale) this.abort();
    else void this.close();
  }

  /** Sent RST from this end (an aborted connect, an unaccepted end of a crashed host). */
  abort(): void {
    if (this.resetError || this.localClosed) return;
    this.out.drop();
    this.out.send(SegmentKind.Rst, null);
    this.localClosed = true;
    this.finish();
  }

  // ── Served from the ready queue ────────────────────────────────────────────
  serveReader(waiter: Waiter<Uint8Array | null>): void {
    if (this.readers[0] !== waiter) return; // an earlier reader goes first; this one is poked later
    if (this.queued > 0) {
      this.readers.shift();
      waiter.settle(true, this.take());
    } else if (this.finReceived || this.localClosed) {
      this.readers.shift();
      waiter.settle(true, null);
    } else if (this.resetError) {
      this.readers.shift();
      waiter.settle(false, asSyscall(this.resetError, 'read'));
    }
    this.pokeReader();
  }

  serveWriter(waiter: Waiter<void>): void {
    if (this.writers[0] !== waiter) return;
    // Not writeFailure(): a write queued before closeWrite() (or a flushing close()) is still owed to the peer.
    const failure = this.stale || this.resetError || (this.localClosed && !this.flushing) ? this.writeFailure() ?? this.pipeError() : undefined;
    if (failure) {
      this.failAll(this.writers, failure);
      return;
    }
    const room = this.window - this.unread;
    if (room <= 0) return;
    const rest = waiter.data!;
    if (rest.length > room) {
      this.transmit(rest.subarray(0, room));
      waiter.data = rest.subarray(room);
      return; // still first in line; the peer's next read wakes it again
    }
    this.writers.shift();
    this.transmit(rest);
    waiter.settle(true, undefined);
    if (this.writers.length === 0 && this.writeEnded && !this.finSent) this.sendFin();
    else this.pokeWriter();
  }

  private sendFin(): void {
    this.finSent = true;
    this.out.send(SegmentKind.Fin, null);
    this.finWait?.resolve();
    if (this.flushing) this.finish(); // close() has flushed its writes
    else this.checkClosed();
  }

  // ── Internals ──────────────────────────────────────────────────────────────
  private take(): Uint8Array {
    const chunk = this.queue.shift()!;
    this.queued -= chunk.length;
    const peer = this.peer;
    peer.unread -= chunk.length;
    peer.pokeWriter();
    return chunk;
  }

  /** Sends `bytes` as segments of at most SEGMENT bytes (a loopback-sized MSS). */
  private transmit(bytes: Uint8Array): void {
    this.unread += bytes.length;
    if (bytes.length <= SEGMENT) {
      this.out.send(SegmentKind.Data, bytes);
      return;
    }
    for (let at = 0; at < bytes.length; at += SEGMENT) this.out.send(SegmentKind.Data, bytes.subarray(at, at + SEGMENT));
  }

  private pokeReader(): void {
    const reader = this.readers[0];
    if (reader && !reader.scheduled && (this.queued > 0 || this.finReceived || this.resetError)) {
      reader.scheduled = true;
      this.scheduler.wakeSoon(reader);
    }
  }

  pokeWriter(): void {
    const writer = this.writers[0];
    if (writer && !writer.scheduled && (this.unread < this.window || this.writeFailure())) {
      writer.scheduled = true;
      this.scheduler.wakeSoon(writer);
    }
  }

  private park<T>(waiter: Waiter<T>, list: Waiter<T>[], signal: AbortSignal | undefined): void {
    list.push(waiter);
    if (signal) {
      waiter.signal = signal;
      waiter.onAbort = () => {
        waiter.settle(false, abortError(signal.reason));
        // An aborted read leaves the line (the next reader may now be first). An aborted write stops
        // only the caller's wait: its bytes stay in line, as the node runtime's socket keeps a write it
        // was handed, so the stream is never torn.
        if (list !== (this.readers as unknown)) return;
        const i = list.indexOf(waiter);
        if (i >= 0) list.splice(i, 1);
        this.pokeReader();
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
    }
  }

  private writeFailure(): Error | undefined {
    if (this.stale) return this.host.downError() ?? new NetError('ECONNRESET', 'write ECONNRESET', { syscall: 'write' });
    if (this.writeEnded) return this.pipeError();
    return this.resetError && asSyscall(this.resetError, 'write');
  }

  private pipeError(): NetError {
    return new NetError('EPIPE', 'write EPIPE: this end of the connection was closed for writing', { syscall: 'write' });
  }

  private failAll<T>(list: Waiter<T>[], error: unknown): void {
    for (const waiter of list.splice(0)) waiter.settle(false, error);
  }

  private answerWithReset(): void {
    if (this.resetError) return;
    this.out.drop();
    this.out.send(SegmentKind.Rst, null);
    this.resetError = new NetError('ECONNRESET', 'ECONNRESET: the connection was reset', { syscall: 'read' });
    if (this.writers.length > 0) this.failAll(this.writers, asSyscall(this.resetError, 'write')); // (a flushing close()'s)
    this.finish();
  }

  private reset(error: Error): void {
    if (this.resetError) return;
    this.resetError = error;
    this.out.drop();
    // Readers fail, unless a FIN already promised them the rest of the data and then null.
    if (!this.finReceived) this.failAll(this.readers, asSyscall(error, 'read'));
    else this.pokeReader();
    this.failAll(this.writers, asSyscall(error, 'write'));
    this.finish();
  }

  private checkClosed(): void {
    if (this.finSent && this.finReceived) this.finish();
  }

  private finish(): void {
    if (this.flushing) {
      this.scheduler.removeTimer(this.flushing);
      this.flushing = undefined;
    }
    this.finWait?.resolve(); // (its writes failed, or the connection is gone)
    if (this.closedDone) return;
    this.closedDone = true;
    this.host.endpoints.delete(this);
    this.onRelease?.();
    this.closedSignal.resolve();
  }
}

/** A reset as the operation that meets it reports it (Node's `read ECONNRESET` / `write ECONNRESET`, syscall and all). */
function asSyscall(error: Error, syscall: 'read' | 'write'): Error {
  if (!NetError.is(error) || error.syscall === syscall) return error;
  const message = /^(read|write) /.test(error.message) ? error.message.replace(/^(read|write) /, `${syscall} `)
    : error.message.startsWith(error.code) ? `${syscall} ${error.message}` : error.message;
  return new NetError(error.code as NetErrorCode, message, { syscall, cause: error.cause });
}
