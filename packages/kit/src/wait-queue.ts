// WaitQueue: arrived items and the calls waiting for them, handed over oldest to oldest (accept, recv).
//
// HOW: two FIFOs, `items` (arrived, not yet taken) and `waiters` (take() calls not yet settled).
//   take()  1. its signal already aborted → rejects CancelledError (abortError(reason));
//           2. an item is queued and nobody waits ahead of it → resolves that item;
//           3. closed → resolves null (so null comes only once the queue is closed and drained);
//           4. else waits at the back of `waiters`, with one abort listener, removed when it settles.
//   push()  hands the item to the oldest waiter, else queues it (dropping the oldest beyond `limit`).
//   close() wakes every waiter with null; later pushes are refused (return false).
// With `schedule` (a deterministic scheduler), push() does not settle a waiter itself: it asks the
// scheduler to run the oldest waiter's wake(), which then takes the item — so hand-overs happen in
// the scheduler's order, not in the pusher's stack. Close and abort still settle at once.
//
// WHY the kit's Fifo (head/tail indexes over a kept array), not Array.shift or length = 0: a busy queue
// would otherwise copy or reallocate its array on every hand-over.
import { abortError, checkOptions, checkSignal, show } from '@runtime-traits/core/kit';
import { Fifo } from './fifo.js';
import { promiseInto } from './resolvers.js';

/** What `schedule` is given: run `wake()` later; `label()` names it for a trace. */
export interface QueueWaker {
  /** Lets the oldest waiter take the next item (or null once closed); does nothing if it already settled. */
  wake(): void;
  /** The queue's label, for the scheduler's trace. */
  label(): string;
}

/** Options of `new WaitQueue()`. */
export interface WaitQueueOptions {
  /** Most items kept while nobody takes them; one more drops the oldest (default: no limit). */
  limit?: number;
  /** Settle waiters through this scheduler instead of inside push() (see the file header). */
  schedule?: (waker: QueueWaker) => void;
  /** The label of a scheduled wake, for the scheduler's trace. */
  label?: () => string;
}

/** One take() that had to wait. Invariant: `done` is set exactly once, when its promise settles. */
class Waiter<T> implements QueueWaker {
  scheduled = false;
  done = false;
  resolve!: (value: T | null) => void;
  reject!: (error: unknown) => void;
  onAbort: (() => void) | undefined = undefined;
  readonly promise: Promise<T | null>;

  constructor(private readonly queue: WaitQueue<T>, readonly signal: AbortSignal | undefined) {
    this.promise = promiseInto<T | null>(this); // no closure per wait
  }

  settle(value: T | null): void {
    if (this.done) return;
    this.done = true;
    if (this.onAbort) this.signal!.removeEventListener('abort', this.onAbort);
    this.resolve(value);
  }

  wake(): void {
    this.scheduled = false;
    this.queue.serve(this);
  }

  label(): string {
    return this.queue.label();
  }
}

/**
 * Arrived items and the calls waiting for them, handed over oldest to oldest: what a listener's
 * `accept()` or a socket's `recv()` is built on. See the file header for the protocol.
 */
export class WaitQueue<T> {
  // Invariants: `items` holds the queued items and `waiters` the unsettled take() calls, oldest
  // first. Without `schedule`, waiters exist only while no item is queued. `isClosed` never goes
  // back to false.
  private readonly items = new Fifo<T>();
  private readonly waiters = new Fifo<Waiter<T>>();
  private isClosed = false;
  private readonly limit: number;
  private readonly schedule: ((waker: QueueWaker) => void) | undefined;
  private readonly labelOf: (() => string) | undefined;

  /** @throws RangeError when `opts.limit` is below 1. */
  constructor(opts?: WaitQueueOptions) {
    this.limit = opts?.limit ?? Infinity;
    if (!(this.limit >= 1)) throw new RangeError(`opts.limit must be at least 1, got ${show(opts?.limit)}`);
    this.schedule = opts?.schedule;
    this.labelOf = opts?.label;
  }

  /** Items queued and not yet taken. */
  get size(): number {
    return this.items.length;
  }

  /** take() calls still waiting. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** The next item; null once closed and drained; CancelledError when `opts.signal` aborts (no item is lost). */
  take(opts?: { signal?: AbortSignal }): Promise<T | null> {
    const signal = opts === undefined ? undefined : checkSignal(checkOptions<{ signal?: AbortSignal }>(opts)?.signal, 'opts.signal');
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    if (this.items.length > 0 && this.waiters.length === 0) return Promise.resolve(this.items.shift()!);
    if (this.isClosed) return Promise.resolve(null);
    const waiter = new Waiter<T>(this, signal);
    if (signal) {
      waiter.onAbort = () => this.abandon(waiter);
      signal.addEventListener('abort', waiter.onAbort, { once: true });
    }
    this.waiters.push(waiter);
    return waiter.promise;
  }

  /** Hands `item` to the oldest waiter or queues it. False (item not kept) once closed. */
  push(item: T): boolean {
    if (this.isClosed) return false;
    if (this.schedule === undefined && this.waiters.length > 0) {
      this.waiters.shift()!.settle(item);
      return true;
    }
    if (this.items.length >= this.limit) this.items.shift();
    this.items.push(item);
    if (this.schedule !== undefined) this.poke();
    return true;
  }

  /** Wakes every waiter with null and refuses later pushes. Queued items stay for take() (see drain()). Idempotent. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const waiter of this.waiters.clear()) waiter.settle(null);
  }

  /** Removes and returns every queued item, oldest first. */
  drain(): T[] {
    return this.items.clear();
  }

  /** A scheduled waiter's turn: it takes an item (or null once closed) if it is still the oldest. */
  serve(waker: QueueWaker): void {
    const waiter = waker as Waiter<T>;
    if (waiter.done || this.waiters.peek() !== waiter) return;
    if (this.isClosed) {
      this.waiters.shift();
      waiter.settle(null);
    } else if (this.items.length > 0) {
      this.waiters.shift();
      waiter.settle(this.items.shift()!);
    }
    this.poke();
  }

  /** The queue's label for a scheduler's trace (`opts.label()`), or ''. */
  label(): string {
    return this.labelOf?.() ?? '';
  }

  private abandon(waiter: Waiter<T>): void {
    this.waiters.remove(waiter);
    waiter.onAbort = undefined; // `once` already removed it
    if (!waiter.done) {
      waiter.done = true;
      waiter.reject(abortError(waiter.signal!.reason));
    }
    // The next waiter may now be first in line.
    if (this.schedule !== undefined) this.poke();
  }

  private poke(): void {
    const waiter = this.waiters.peek();
    if (waiter && !waiter.scheduled && this.items.length > 0) {
      waiter.scheduled = true;
      this.schedule!(waiter);
    }
  }
}
