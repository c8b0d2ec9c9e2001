// A simulated TCP (or Unix) listener: an accept queue of connections the handshake already established.
import type { Connection, Listener, SocketAddress } from '@runtime-traits/core';
import { abortError, checkOptions, checkSignal } from '@runtime-traits/core/kit';
import type { HostState } from '../host-state.js';
import type { Scheduler, Wakeable } from '../scheduler.js';
import type { TcpEndpoint } from './tcp.js';

class AcceptWaiter implements Wakeable {
  scheduled = false;
  done = false;
  resolve!: (value: Connection | null) => void;
  reject!: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  readonly promise = new Promise<Connection | null>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });

  constructor(private readonly listener: TcpListener) {}

  settle(value: Connection | null, error?: unknown): void {
    if (this.done) return;
    this.done = true;
    if (this.onAbort) this.signal!.removeEventListener('abort', this.onAbort);
    if (error !== undefined) this.reject(error);
    else this.resolve(value);
  }

  wake(): void {
    this.scheduled = false;
    this.listener.serve(this);
  }

  label(): string {
    return `${this.listener.host.name} accept woken`;
  }
}

export class TcpListener implements Listener {
  // Invariant: `backlog` holds established, not yet accepted ends; `isClosed` never goes back to false.
  private readonly backlogQueue: TcpEndpoint[] = [];
  private readonly waiters: AcceptWaiter[] = [];
  private isClosed = false;

  constructor(
    private readonly scheduler: Scheduler,
    readonly host: HostState,
    readonly address: SocketAddress,
    /** The address bound: an IP (0.0.0.0 for all) or '' for a Unix path. */
    readonly boundIp: string,
    readonly backlog: number,
    private readonly unregister: () => void,
  ) {}

  get closed(): boolean {
    return this.isClosed;
  }

  /** Room for one more established connection? (A full backlog drops the SYN; the client retries.) */
  get full(): boolean {
    return this.backlogQueue.length >= this.backlog;
  }

  accept(opts?: { signal?: AbortSignal }): Promise<Connection | null> {
    const signal = checkSignal(checkOptions<{ signal?: AbortSignal }>(opts)?.signal, 'opts.signal');
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    if (this.isClosed) return Promise.resolve(null);
    if (this.waiters.length === 0 && this.backlogQueue.length > 0) return Promise.resolve(this.backlogQueue.shift()!);
    const waiter = new AcceptWaiter(this);
    this.waiters.push(waiter);
    if (signal) {
      waiter.signal = signal;
      waiter.onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        waiter.settle(null, abortError(signal.reason));
        this.poke();
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
    }
    return waiter.promise;
  }

  close(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    this.isClosed = true;
    this.unregister();
    this.scheduler.record(`${this.host.name} listener ${show(this.address)} closed`);
    for (const waiter of this.waiters.splice(0)) waiter.settle(null);
    for (const end of this.backlogQueue.splice(0)) end.abort();
    return Promise.resolve();
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

  /** The handshake completed: `end` waits here for accept(). */
  enqueue(end: TcpEndpoint): void {
    this.backlogQueue.push(end);
    this.poke();
  }

  serve(waiter: AcceptWaiter): void {
    if (waiter.done || this.waiters[0] !== waiter) return;
    if (this.isClosed) {
      this.waiters.shift();
      waiter.settle(null);
    } else if (this.backlogQueue.length > 0) {
      this.waiters.shift();
      waiter.settle(this.backlogQueue.shift()!);
    }
    this.poke();
  }

  private poke(): void {
    const waiter = this.waiters[0];
    if (waiter && !waiter.scheduled && this.backlogQueue.length > 0) {
      waiter.scheduled = true;
      this.scheduler.wakeSoon(waiter);
    }
  }
}

export function show(address: SocketAddress): string {
  return 'path' in address ? address.path : `${address.host}:${address.port}`;
}
