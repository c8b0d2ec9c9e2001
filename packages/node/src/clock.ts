// NodeClock: monotonic time (the system's, shared by every thread), sleeps on Node timers, interval/timeout from the kit.
//
// HOW: each sleep owns one timer and at most one abort listener. Node's timers count from the event
// loop's cached time, so one may fire a little before `now() + ms` on performance.now(); and a timer
// cannot be longer than 2^31-1 ms. Both are handled the same way: when the timer fires, the sleep
// re-arms for whatever remains until its deadline. `close()` clears every timer and rejects every
// pending sleep with RuntimeShutdownError.
import { performance } from 'node:perf_hooks';
import { RuntimeShutdownError, type Clock } from '@runtime-traits/core';
import { abortError, checkMs, checkOptions, checkSignal, intervalOver, timeoutOver } from '@runtime-traits/core/kit';

/**
 * performance.now() counts from this thread's start, so two threads disagree. Adding the thread's
 * timeOrigin puts every thread on one time line (High Resolution Time's shared monotonic clock, in ms
 * since the epoch): a `now()` taken on a worker thread compares with the main thread's, on Node, Bun
 * and Deno alike. (process.hrtime would do on Node only: Bun and Deno count it per thread, hundreds of
 * milliseconds apart.)
 */
const THREAD_OFFSET = performance.timeOrigin;

/** The longest delay setTimeout accepts. */
const MAX_TIMER_MS = 2 ** 31 - 1;

class Sleep {
  timer: NodeJS.Timeout | undefined;
  onAbort: (() => void) | undefined;
  /** Links of the clock's intrusive list of pending sleeps (a Set costs ~0.3 µs a sleep here). */
  prev: Sleep | undefined;
  next: Sleep | undefined;

  constructor(
    readonly owner: NodeClock,
    readonly deadline: number,
    readonly resolve: () => void,
    readonly reject: (error: unknown) => void,
    readonly signal: AbortSignal | undefined,
  ) {}

  arm(ms: number): void {
    this.timer = setTimeout(fire, Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(ms))), this);
  }

  /** Releases the timer and the abort listener; idempotent. */
  release(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.onAbort) this.signal!.removeEventListener('abort', this.onAbort);
    this.onAbort = undefined;
    this.owner.unlink(this);
  }
}

function monotonic(): number {
  return performance.now() + THREAD_OFFSET;
}

function fire(sleep: Sleep): void {
  const remaining = sleep.deadline - monotonic();
  if (remaining > 0) {
    sleep.arm(remaining);
    return;
  }
  sleep.release();
  sleep.resolve();
}

export class NodeClock implements Clock {
  /** Sleeps not yet settled, as a list through the sleeps; only this clock and its Sleeps touch it. */
  private head: Sleep | undefined;
  private count = 0;

  /** How many sleeps are pending (each holds one timer). */
  get pendingCount(): number {
    return this.count;
  }
  private closing = false;

  now(): number {
    return performance.now() + THREAD_OFFSET;
  }

  wallClock(): number {
    return Date.now();
  }

  sleep(ms: number, opts?: { signal?: AbortSignal }): Promise<void> {
    checkMs(ms);
    const signal = opts === undefined ? undefined : checkSignal(checkOptions<{ signal?: AbortSignal }>(opts)?.signal, 'opts.signal');
    if (this.closing) return Promise.reject(new RuntimeShutdownError());
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    const deadline = monotonic() + ms;
    return new Promise<void>((resolve, reject) => {
      const sleep = new Sleep(this, deadline, resolve, reject, signal);
      if (signal) {
        sleep.onAbort = () => {
          sleep.release();
          reject(abortError(signal.reason));
        };
        signal.addEventListener('abort', sleep.onAbort, { once: true });
      }
      this.link(sleep);
      sleep.arm(ms);
    });
  }

  interval(ms: number, opts?: { signal?: AbortSignal }): AsyncIterableIterator<number> {
    return intervalOver(() => this.now(), (t, o) => this.sleep(t, o), ms, opts);
  }

  timeout<T>(ms: number, work: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T>)): Promise<T> {
    if (this.closing) {
      checkMs(ms);
      return Promise.reject(new RuntimeShutdownError());
    }
    return timeoutOver((t, o) => this.sleep(t, o), ms, work);
  }

  /** Clears every timer; pending and later sleeps reject with RuntimeShutdownError. Idempotent. */
  close(): void {
    this.closing = true;
    const error = new RuntimeShutdownError();
    while (this.head) {
      const sleep = this.head;
      sleep.release();
      sleep.reject(error);
    }
  }

  private link(sleep: Sleep): void {
    sleep.next = this.head;
    if (this.head) this.head.prev = sleep;
    this.head = sleep;
    this.count++;
  }

  /** Idempotent: a sleep already unlinked is left alone. */
  unlink(sleep: Sleep): void {
    if (!sleep.prev && this.head !== sleep) return;
    if (sleep.prev) sleep.prev.next = sleep.next;
    else this.head = sleep.next;
    if (sleep.next) sleep.next.prev = sleep.prev;
    sleep.prev = sleep.next = undefined;
    this.count--;
  }
}
