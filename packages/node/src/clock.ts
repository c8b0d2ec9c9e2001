// NodeClock: monotonic time (the system's, shared by every thread), sleeps on Node timers, interval/timeout from the kit.
//
// HOW: sleeps are grouped by the millisecond their deadline falls in (its ceiling on this thread's
// performance.now()): one Node timer per group, however many sleeps share it. 10k sleeps made in
// one burst cost one Timeout, not 10k. When a group's timer fires, every sleep whose deadline has
// passed resolves (in deadline order) and the others — Node counts timers from the event loop's
// cached time, so a timer may fire a little before `now() + ms` on performance.now() — go back into
// the group of their own deadline. A timer cannot be longer than 2^31-1 ms: a longer group fires
// early the same way and is re-armed. An aborted sleep leaves its group at once; the group's timer
// is cleared when its last live sleep leaves. `close()` clears every timer and rejects every
// pending sleep with RuntimeShutdownError.
import { performance } from 'node:perf_hooks';
import { RuntimeShutdownError, type Clock } from '@runtime-traits/core';
import { abortError, checkMs, checkOptions, checkSignal, intervalOver, timeoutWith, type Deadline } from '@runtime-traits/core/kit';
import { promiseInto } from '@runtime-traits/kit';

/**
 * performance.now() counts from this thread's start, so two threads disagree. Adding the thread's
 * timeOrigin puts every thread on one time line (High Resolution Time's shared monotonic clock, in ms
 * since the epoch): a `now()` taken on a worker thread compares with the main thread's, on Node, Bun
 * and Deno alike. (process.hrtime would do on Node only: Bun and Deno count it per thread, hundreds of
 * milliseconds apart.) Deadlines are kept on performance.now() itself: small numbers, integer keys.
 */
const THREAD_OFFSET = performance.timeOrigin;

/** The longest delay setTimeout accepts. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const unset = (): void => {};

// Fields are assigned in the constructors (cheaper than define-semantics class fields on this path).
class Sleep {
  /** The group it waits in; undefined once settled or aborted. */
  declare group: Group | undefined;
  declare onAbort: (() => void) | undefined;
  declare resolve: (value: void) => void;
  declare reject: (error: unknown) => void;
  declare readonly deadline: number;
  declare readonly signal: AbortSignal | undefined;

  constructor(deadline: number, signal: AbortSignal | undefined) {
    this.group = undefined;
    this.onAbort = undefined;
    this.resolve = unset;
    this.reject = unset;
    this.deadline = deadline;
    this.signal = signal;
  }
}

/** timeout()'s timer (kit's Deadline): a sleep without a signal that leaves its group when the work wins. */
class DeadlineSleep extends Sleep implements Deadline {
  declare readonly reached: Promise<void>;

  constructor(deadline: number, refused: Error | undefined) {
    super(deadline, undefined);
    this.reached = refused ? Promise.reject(refused) : promiseInto<void>(this);
  }

  cancel(): void {
    this.group?.owner.release(this);
  }
}

/** The sleeps whose deadline lies in one millisecond (`key` is its ceiling), under one Node timer. */
class Group {
  timer: NodeJS.Timeout | undefined = undefined;
  readonly sleeps: Sleep[] = [];
  /** Sleeps in `sleeps` still waiting here (aborted or settled ones stay in the array, skipped). */
  live = 0;
  /** False once a sleep was added with an earlier deadline than the one before it. */
  ordered = true;

  constructor(readonly owner: SleepGroups, readonly key: number) {}
}

function fire(group: Group): void {
  group.owner.fire(group);
}

function byDeadline(a: Sleep, b: Sleep): number {
  return a.deadline - b.deadline;
}

export class NodeClock implements Clock {
  private readonly sleeps = new SleepGroups();
  private closing = false;

  /** How many sleeps are pending. */
  get pendingCount(): number {
    return this.sleeps.count;
  }

  /** How many Node timers the pending sleeps hold. */
  get timerCount(): number {
    return this.sleeps.size;
  }

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
    const now = performance.now();
    const sleep = new Sleep(now + ms, signal);
    const promise = promiseInto<void>(sleep);
    if (signal) {
      sleep.onAbort = () => {
        this.sleeps.release(sleep);
        sleep.reject(abortError(signal.reason));
      };
      signal.addEventListener('abort', sleep.onAbort, { once: true });
    }
    this.sleeps.add(sleep, now);
    return promise;
  }

  interval(ms: number, opts?: { signal?: AbortSignal }): AsyncIterableIterator<number> {
    return intervalOver(() => this.now(), (t, o) => this.sleep(t, o), ms, opts);
  }

  timeout<T>(ms: number, work: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T>)): Promise<T> {
    if (this.closing) {
      checkMs(ms);
      return Promise.reject(new RuntimeShutdownError());
    }
    return timeoutWith(this.startDeadline, ms, work);
  }

  /** timeout()'s timer: a sleep without a signal, called off by `cancel()` when the work wins. */
  private readonly startDeadline = (ms: number): Deadline => {
    const now = performance.now();
    // (the work's own call may have closed the reactor)
    const sleep = new DeadlineSleep(now + ms, this.closing ? new RuntimeShutdownError() : undefined);
    if (this.closing) return sleep;
    this.sleeps.add(sleep, now);
    return sleep;
  };

  /** Clears every timer; pending and later sleeps reject with RuntimeShutdownError. Idempotent. */
  close(): void {
    this.closing = true;
    this.sleeps.rejectAll(new RuntimeShutdownError());
  }
}

/**
 * The pending sleeps, in groups by millisecond (see the header). A class of its own rather than
 * NodeClock's methods: `fire` and `release` take this module's private types, and NodeClock is public
 * (a reactor's `clock`).
 */
class SleepGroups {
  /** Groups with live sleeps, by key. */
  private readonly groups = new Map<number, Group>();
  /** The group used last (a burst of sleeps lands in one group: no Map lookup). */
  private last: Group | undefined;
  /** Sleeps added and not yet released. */
  count = 0;

  /** How many Node timers the pending sleeps hold. */
  get size(): number {
    return this.groups.size;
  }

  /** Adds a new sleep to the group of its deadline. */
  add(sleep: Sleep, now: number): void {
    this.count++;
    this.place(sleep, now);
  }

  /** Clears every timer and rejects every pending sleep with `error`. */
  rejectAll(error: Error): void {
    const groups = [...this.groups.values()];
    this.groups.clear();
    this.last = undefined;
    for (const group of groups) {
      clearTimeout(group.timer);
      group.timer = undefined;
      for (const sleep of group.sleeps) {
        if (sleep.group !== group) continue;
        this.release(sleep);
        sleep.reject(error);
      }
    }
  }

  /** Runs when a group's timer fires: resolves what is due, puts back what is not (yet). */
  fire(group: Group): void {
    group.timer = undefined;
    if (this.groups.get(group.key) === group) this.groups.delete(group.key);
    if (this.last === group) this.last = undefined;
    const sleeps = group.sleeps;
    if (!group.ordered) sleeps.sort(byDeadline);
    const now = performance.now();
    for (let i = 0; i < sleeps.length; i++) {
      const sleep = sleeps[i]!;
      if (sleep.group !== group) continue; // aborted
      if (sleep.deadline <= now) {
        this.release(sleep);
        sleep.resolve();
      } else {
        this.place(sleep, now);
      }
    }
  }

  /** Puts a sleep in the group of its deadline's millisecond, making (and arming) the group if needed. */
  private place(sleep: Sleep, now: number): void {
    const key = Math.ceil(sleep.deadline);
    let group = this.last;
    if (group === undefined || group.key !== key) {
      group = this.groups.get(key);
      if (group === undefined) {
        group = new Group(this, key);
        group.timer = setTimeout(fire, Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(key - now))), group);
        this.groups.set(key, group);
      }
      this.last = group;
    }
    const sleeps = group.sleeps;
    if (sleeps.length > 0 && sleeps[sleeps.length - 1]!.deadline > sleep.deadline) group.ordered = false;
    sleeps.push(sleep);
    group.live++;
    sleep.group = group;
  }

  /** Takes a pending sleep out of its group and drops its abort listener; the caller settles it (or, for a cancelled Deadline, nobody). */
  release(sleep: Sleep): void {
    if (sleep.onAbort) sleep.signal!.removeEventListener('abort', sleep.onAbort);
    sleep.onAbort = undefined;
    const group = sleep.group;
    if (group === undefined) return;
    sleep.group = undefined;
    this.count--;
    if (--group.live === 0 && group.timer !== undefined) {
      clearTimeout(group.timer);
      group.timer = undefined;
      if (this.groups.get(group.key) === group) this.groups.delete(group.key);
      if (this.last === group) this.last = undefined;
    }
  }
}
