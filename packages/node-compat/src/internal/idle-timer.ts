// A socket's idle timer on a runtime's time: fires `ms` after the last activity, as node:net's refreshed timeout does.
//
// HOW: activity only records `now()` (no timer is touched on the hot path). One wait is pending at a
// time; when it ends, the timer looks at how long the socket has really been idle: idle for `ms`
// → 'timeout' fires; not yet → it waits the rest. After firing, it waits no more until the next
// activity re-arms it (node's `timeout.refresh()` on a fired timer), so an idle socket gets one
// 'timeout', not one every `ms`.
// WHY on the runtime's time: under a Simulation the clock is virtual; a host timer would fire in real
// time, out of step with everything else, and the run would no longer replay from its seed. The
// waits are the Clock's sleeps — one per list of waits of one length (clockTimers below) — or (a
// socket of a withNodeApis scope) the scope's own unref'd timers: http stops and restarts a socket's
// timer on every request, so neither costs a sleep or an AbortController per restart.
import { CancelledError, type Clock } from '@runtime-traits/core';

/** Where an idle timer's waits come from. */
export interface TimerSource {
  now(): number;
  /** Calls `fire` once after `ms`, unless the returned function cancels it first. */
  start(ms: number, fire: () => void): () => void;
}

/** The reason a pending sleep is aborted with: one shared error, so stopping a timer builds no error and stack. */
const STOPPED = new CancelledError('idle timer stopped');
const ignore = (): void => {};

/** One wait of a clock's timer list. */
interface Entry {
  deadline: number;
  fire: (() => void) | undefined;
  prev: Entry | undefined;
  next: Entry | undefined;
}

/**
 * The waits of one length on one clock, in deadline order (each is `now() + ms` when it starts, and
 * `now()` only grows), under one clock sleep for the earliest. Cancelling a wait unlinks it; only a
 * list left empty aborts its sleep.
 */
class TimerList {
  private head: Entry | undefined = undefined;
  private tail: Entry | undefined = undefined;
  /** Aborts the pending sleep (undefined when none is pending). */
  private sleeping: AbortController | undefined = undefined;
  private firing = false;

  constructor(private readonly clock: Clock, private readonly ms: number, private readonly lists: Map<number, TimerList>) {}

  start(fire: () => void): () => void {
    const entry: Entry = { deadline: this.clock.now() + this.ms, fire, prev: this.tail, next: undefined };
    if (this.tail) this.tail.next = entry;
    else this.head = entry;
    this.tail = entry;
    if (!this.sleeping && !this.firing) this.sleepUntil(entry.deadline);
    return () => this.cancel(entry);
  }

  private cancel(entry: Entry): void {
    if (entry.fire === undefined) return; // fired or cancelled already
    entry.fire = undefined;
    this.unlink(entry);
    if (this.head === undefined && !this.firing) this.idle();
  }

  private unlink(entry: Entry): void {
    if (entry.prev) entry.prev.next = entry.next;
    else this.head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    else this.tail = entry.prev;
    entry.prev = entry.next = undefined;
  }

  /** Nothing waits: the sleep goes, and the list with it. */
  private idle(): void {
    this.sleeping?.abort(STOPPED);
    this.sleeping = undefined;
    if (this.lists.get(this.ms) === this) this.lists.delete(this.ms);
  }

  private sleepUntil(deadline: number): void {
    const controller = new AbortController();
    let slept: Promise<void>;
    try {
      slept = this.clock.sleep(Math.max(0, deadline - this.clock.now()), { signal: controller.signal });
    } catch {
      return; // a clock that refuses (its runtime shut down): no timer
    }
    this.sleeping = controller;
    slept.then(() => this.woke(controller), ignore);
  }

  private woke(controller: AbortController): void {
    if (this.sleeping !== controller) return;
    this.sleeping = undefined;
    const now = this.clock.now();
    this.firing = true;
    try {
      for (let entry = this.head; entry !== undefined && entry.deadline <= now; entry = this.head) {
        const fire = entry.fire!;
        entry.fire = undefined;
        this.unlink(entry);
        fire();
      }
    } finally {
      this.firing = false;
    }
    if (this.head) this.sleepUntil(this.head.deadline);
    else this.idle();
  }
}

const byClock = new WeakMap<Clock, TimerSource>();

/**
 * A TimerSource over a runtime Clock's sleeps, one per clock. Waits of one length share a list and one
 * sleep (as Node keeps one list per timeout duration): http stops and restarts a socket's timer on
 * every request, and a sleep with its own AbortController per restart cost a server ~25 % of its
 * requests/s and, in a worker, ~270 MiB of resident memory under load.
 */
export function clockTimers(clock: Clock): TimerSource {
  let source = byClock.get(clock);
  if (source === undefined) {
    const lists = new Map<number, TimerList>();
    source = {
      now: () => clock.now(),
      start(ms, fire) {
        let list = lists.get(ms);
        if (list === undefined) lists.set(ms, list = new TimerList(clock, ms, lists));
        return list.start(fire);
      },
    };
    byClock.set(clock, source);
  }
  return source;
}

export class IdleTimer {
  /** 0 = off. */
  private ms = 0;
  private lastActive = 0;
  /** Cancels the pending wait; undefined when none is pending. */
  private pending: (() => void) | undefined;
  /** When the pending wait ends. */
  private wakeAt = 0;
  /** Identifies the pending wait (a cancelled one that still fires is ignored). */
  private generation = 0;

  constructor(private readonly timers: TimerSource, private readonly onTimeout: () => void) {}

  /** Starts (or restarts) the timer: 'timeout' after `ms` without activity. */
  arm(ms: number): void {
    this.ms = ms;
    this.lastActive = this.timers.now();
    const due = this.lastActive + ms;
    // A pending wait that ends no later than the new deadline is reused: it waits the rest.
    if (this.pending && this.wakeAt <= due) return;
    this.cancel();
    this.wait(ms);
  }

  /** Activity: a read or a write. Cheap when the timer is off. */
  touch(): void {
    if (this.ms === 0) return;
    this.lastActive = this.timers.now();
    if (!this.pending) this.wait(this.ms);
  }

  stop(): void {
    this.ms = 0;
    this.cancel();
  }

  private cancel(): void {
    const pending = this.pending;
    this.pending = undefined;
    this.generation++;
    pending?.();
  }

  private wait(ms: number): void {
    const generation = ++this.generation;
    this.wakeAt = this.timers.now() + ms;
    this.pending = this.timers.start(ms, () => this.woke(generation));
  }

  private woke(generation: number): void {
    if (this.generation !== generation) return;
    this.pending = undefined;
    if (this.ms === 0) return;
    const idle = this.timers.now() - this.lastActive;
    if (idle >= this.ms) this.onTimeout();
    else this.wait(this.ms - idle);
  }
}
