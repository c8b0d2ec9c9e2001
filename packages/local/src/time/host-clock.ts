// A host's Clock over the scheduler: sleep is a timer on the heap, woken at exactly now() + ms.
import type { Clock } from '@runtime-traits/core';
import { abortError, checkMs, checkOptions, checkSignal, intervalOver, isThenable, show, timeoutWith, type Deadline } from '@runtime-traits/core/kit';
import { promiseInto } from '@runtime-traits/kit';
import { hostDateNow } from '../host-globals.js';
import type { HostState } from '../sim-net/host-state.js';
import type { Scheduler, TimerItem } from '../scheduler.js';

/** A pending sleep: a heap entry that resolves its promise when woken. */
class SleepTimer implements TimerItem {
  at: number;
  seq = 0;
  slot = -1;
  resolve!: () => void;
  reject!: (error: unknown) => void;
  signal: AbortSignal | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;

  constructor(readonly owner: number, private readonly hostName: string, at: number) {
    this.at = at;
  }

  wake(): void {
    if (this.onAbort) this.signal!.removeEventListener('abort', this.onAbort);
    this.resolve();
  }

  /** The host went away (crash, shutdown): the sleep rejects with `error`. */
  abandon(error: unknown): void {
    if (this.onAbort) this.signal!.removeEventListener('abort', this.onAbort);
    this.reject(error);
  }

  label(): string {
    return `${this.hostName} timer ${this.seq}`;
  }
}

function ignore(): void {}

/** timeout()'s timer (kit's Deadline): a sleep without a signal that leaves the heap when the work wins. */
class DeadlineTimer extends SleepTimer implements Deadline {
  readonly reached: Promise<void>;

  constructor(owner: number, hostName: string, at: number, private readonly scheduler: Scheduler) {
    super(owner, hostName, at);
    this.reached = promiseInto<void>(this);
  }

  cancel(): void {
    this.scheduler.removeTimer(this);
    // A turn may already have taken it off the heap to wake it in this very batch (a compat timer
    // callback earlier in the batch settled the work through a synchronous thenable): it must not
    // fire after that.
    this.resolve = ignore;
  }
}

export class HostClock implements Clock {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly host: HostState,
    /** wallClock() at virtual time 0 (virtual clock), or undefined to use the host's Date.now(). */
    private readonly epoch: number | undefined,
  ) {}

  now(): number {
    return this.scheduler.now();
  }

  wallClock(): number {
    return this.epoch === undefined ? hostDateNow() : this.epoch + this.scheduler.now();
  }

  sleep(ms: number, opts?: { signal?: AbortSignal }): Promise<void> {
    checkMs(ms);
    const signal = opts === undefined ? undefined : checkSignal(checkOptions<{ signal?: AbortSignal }>(opts)?.signal, 'opts.signal');
    if (this.host.status !== 'up') return Promise.reject(this.host.downError());
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    const scheduler = this.scheduler;
    const timer = new SleepTimer(this.host.index, this.host.name, scheduler.now() + ms);
    const promise = promiseInto<void>(timer); // no closure per sleep: the hot path of a million timers
    if (signal) {
      timer.signal = signal;
      timer.onAbort = () => {
        scheduler.removeTimer(timer);
        timer.reject(abortError(signal.reason));
      };
      signal.addEventListener('abort', timer.onAbort, { once: true });
    }
    scheduler.addTimer(timer);
    return promise;
  }

  interval(ms: number, opts?: { signal?: AbortSignal }): AsyncIterableIterator<number> {
    return intervalOver(() => this.now(), (m, o) => this.sleep(m, o), ms, opts);
  }

  timeout<T>(ms: number, work: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T>)): Promise<T> {
    const down = this.host.downError();
    if (down) {
      // The same argument checks first, then the refusal (timeoutWith would wait forever on a refused timer).
      checkMs(ms);
      if (typeof work !== 'function' && !isThenable(work)) throw new TypeError(`work must be a promise or a function (signal) => promise, got ${show(work)}`);
      if (isThenable(work)) Promise.resolve(work).then(undefined, () => undefined);
      return Promise.reject(down);
    }
    return timeoutWith(this.startDeadline, ms, work);
  }

  private readonly startDeadline = (ms: number): Deadline => {
    const scheduler = this.scheduler;
    const timer = new DeadlineTimer(this.host.index, this.host.name, scheduler.now() + ms, scheduler);
    const down = this.host.downError(); // (the work's own call may have taken the host down)
    if (down) timer.reject(down);
    else scheduler.addTimer(timer);
    return timer;
  };
}
