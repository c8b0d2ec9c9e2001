// A socket's idle timer on a runtime's time: fires `ms` after the last activity, as node:net's refreshed timeout does.
//
// HOW: activity only records `now()` (no timer is touched on the hot path). One wait is pending at a
// time; when it ends, the timer looks at how long the socket has really been idle: idle for `ms`
// → 'timeout' fires; not yet → it waits the rest. After firing, it waits no more until the next
// activity re-arms it (node's `timeout.refresh()` on a fired timer), so an idle socket gets one
// 'timeout', not one every `ms`.
// WHY on the runtime's time: under a Simulation the clock is virtual; a host timer would fire in real
// time, out of step with everything else, and the run would no longer replay from its seed. The
// waits are the Clock's sleeps, or (a socket of a withNodeApis scope) the scope's own unref'd timers,
// which cost no AbortController per wait — http stops and restarts a socket's timer on every request.
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

/** A TimerSource over a runtime Clock's sleep. */
export function clockTimers(clock: Clock): TimerSource {
  return {
    now: () => clock.now(),
    start(ms, fire) {
      const controller = new AbortController();
      let slept: Promise<void>;
      try {
        slept = clock.sleep(ms, { signal: controller.signal });
      } catch {
        return ignore; // a clock that refuses (its runtime shut down): no timer
      }
      slept.then(fire, ignore);
      return () => controller.abort(STOPPED);
    },
  };
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
