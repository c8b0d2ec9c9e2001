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
// WHY head indexes, not Array.shift: a busy queue would otherwise copy its whole array on every take.
import { checkOptions, checkSignal } from './checks.js';
import { abortError } from './clock-helpers.js';

/** What `schedule` is given: run `wake()` later; `label()` names it for a trace. */
export interface QueueWaker {
  wake(): void;
  label(): string;
}

export interface WaitQueueOptions {
  /** Most items kept while nobody takes them; one more drops the oldest (default: no limit). */
  limit?: number;
  /** Settle waiters through this scheduler instead of inside push() (see the file header). */
  schedule?: (waker: QueueWaker) => void;
  /** The label of a scheduled wake, for the scheduler's trace. */
  label?: () => string;
}

/** Cleared slots at the front of `items` worth compacting away. */
const COMPACT_AT = 1024;

// One executor for every waiter's promise (no closure per wait): it hands the resolvers over.
let making: Waiter<unknown> | undefined;
function capture(resolve: (value: unknown) => void, reject: (error: unknown) => void): void {
  making!.resolve = resolve;
  making!.reject = reject;
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
    making = this as Waiter<unknown>;
    this.promise = new Promise<T | null>(capture as (resolve: (value: T | null) => void, reject: (error: unknown) => void) => void);
    making = undefined;
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

export class WaitQueue<T> {
  // Invariants: items[itemsHead..] are the queued items, oldest first (slots before the head are
  // cleared); waiters[waitersHead..] the unsettled take() calls, oldest first. Without `schedule`,
  // waiters exist only while no item is queued. `isClosed` never goes back to false.
  private items: Array<T | undefined> = [];
  private itemsHead = 0;
  private waiters: Array<Waiter<T> | undefined> = [];
  private waitersHead = 0;
  private isClosed = false;
  private readonly limit: number;
  private readonly schedule: ((waker: QueueWaker) => void) | undefined;
  private readonly labelOf: (() => string) | undefined;

  constructor(opts?: WaitQueueOptions) {
    this.limit = opts?.limit ?? Infinity;
    this.schedule = opts?.schedule;
    this.labelOf = opts?.label;
  }

  /** Items queued and not yet taken. */
  get size(): number {
    return this.items.length - this.itemsHead;
  }

  /** take() calls still waiting. */
  get waiting(): number {
    return this.waiters.length - this.waitersHead;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** The next item; null once closed and drained; CancelledError when `opts.signal` aborts (no item is lost). */
  take(opts?: { signal?: AbortSignal }): Promise<T | null> {
    const signal = opts === undefined ? undefined : checkSignal(checkOptions<{ signal?: AbortSignal }>(opts)?.signal, 'opts.signal');
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    if (this.itemsHead < this.items.length && this.waitersHead === this.waiters.length) return Promise.resolve(this.shiftItem());
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
    if (this.schedule === undefined && this.waitersHead < this.waiters.length) {
      this.shiftWaiter().settle(item);
      return true;
    }
    if (this.size >= this.limit) this.shiftItem();
    this.items.push(item);
    if (this.schedule !== undefined) this.poke();
    return true;
  }

  /** Wakes every waiter with null and refuses later pushes. Queued items stay for take() (see drain()). Idempotent. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    const waiters = this.waiters;
    const from = this.waitersHead;
    this.waiters = [];
    this.waitersHead = 0;
    for (let i = from; i < waiters.length; i++) waiters[i]!.settle(null);
  }

  /** Removes and returns every queued item, oldest first. */
  drain(): T[] {
    const out = this.items.slice(this.itemsHead) as T[];
    this.items = [];
    this.itemsHead = 0;
    return out;
  }

  /** A scheduled waiter's turn: it takes an item (or null once closed) if it is still the oldest. */
  serve(waker: QueueWaker): void {
    const waiter = waker as Waiter<T>;
    if (waiter.done || this.waiters[this.waitersHead] !== waiter) return;
    if (this.isClosed) {
      this.shiftWaiter();
      waiter.settle(null);
    } else if (this.itemsHead < this.items.length) {
      this.shiftWaiter();
      waiter.settle(this.shiftItem());
    }
    this.poke();
  }

  label(): string {
    return this.labelOf?.() ?? '';
  }

  private abandon(waiter: Waiter<T>): void {
    const at = this.waiters.indexOf(waiter, this.waitersHead);
    if (at === this.waitersHead) this.shiftWaiter();
    else if (at > this.waitersHead) this.waiters.splice(at, 1);
    waiter.onAbort = undefined; // `once` already removed it
    if (!waiter.done) {
      waiter.done = true;
      waiter.reject(abortError(waiter.signal!.reason));
    }
    // The next waiter may now be first in line.
    if (this.schedule !== undefined) this.poke();
  }

  private poke(): void {
    const waiter = this.waiters[this.waitersHead];
    if (waiter && !waiter.scheduled && this.itemsHead < this.items.length) {
      waiter.scheduled = true;
      this.schedule!(waiter);
    }
  }

  private shiftItem(): T {
    const item = this.items[this.itemsHead] as T;
    this.items[this.itemsHead++] = undefined;
    if (this.itemsHead === this.items.length) {
      this.items.length = 0;
      this.itemsHead = 0;
    } else if (this.itemsHead >= COMPACT_AT && this.itemsHead * 2 >= this.items.length) {
      // Never empty (a steady trickle): drop the cleared front so the array does not grow forever.
      this.items.splice(0, this.itemsHead);
      this.itemsHead = 0;
    }
    return item;
  }

  private shiftWaiter(): Waiter<T> {
    const waiter = this.waiters[this.waitersHead]!;
    this.waiters[this.waitersHead++] = undefined;
    if (this.waitersHead === this.waiters.length) {
      this.waiters.length = 0;
      this.waitersHead = 0;
    }
    return waiter;
  }
}
