// A socket's idle timer on a runtime Clock: fires `ms` after the last activity, as node:net's refreshed timeout does.
//
// HOW: activity only records `clock.now()` (no timer is touched on the hot path). One sleep is pending
// at a time; when it ends, the timer looks at how long the socket has really been idle: idle for `ms`
// → 'timeout' fires; not yet → it sleeps the rest. After firing, it sleeps no more until the next
// activity re-arms it (node's `timeout.refresh()` on a fired timer), so an idle socket gets one
// 'timeout', not one every `ms`.
// WHY on the runtime's clock: under a Simulation the clock is virtual; a host timer would fire in real
// time, out of step with everything else, and the run would no longer replay from its seed.
import type { Clock } from '@runtime-traits/core';

export class IdleTimer {
  /** 0 = off. */
  private ms = 0;
  private lastActive = 0;
  /** The pending sleep's controller, undefined when none is pending. */
  private pending: AbortController | undefined;
  /** When the pending sleep ends. */
  private wakeAt = 0;

  constructor(private readonly clock: Clock, private readonly onTimeout: () => void) {}

  /** Starts (or restarts) the timer: 'timeout' after `ms` without activity. */
  arm(ms: number): void {
    this.ms = ms;
    this.lastActive = this.clock.now();
    const due = this.lastActive + ms;
    // A pending sleep that ends no later than the new deadline is reused: it re-sleeps the rest.
    if (this.pending && this.wakeAt <= due) return;
    this.cancel();
    this.sleep(ms);
  }

  /** Activity: a read or a write. Cheap when the timer is off. */
  touch(): void {
    if (this.ms === 0) return;
    this.lastActive = this.clock.now();
    if (!this.pending) this.sleep(this.ms);
  }

  stop(): void {
    this.ms = 0;
    this.cancel();
  }

  private cancel(): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.abort();
  }

  private sleep(ms: number): void {
    const controller = new AbortController();
    this.pending = controller;
    this.wakeAt = this.clock.now() + ms;
    let slept: Promise<void>;
    try {
      slept = this.clock.sleep(ms, { signal: controller.signal });
    } catch {
      this.pending = undefined; // a clock that refuses (its runtime shut down): no timer
      return;
    }
    slept.then(() => this.woke(controller), () => {
      if (this.pending === controller) this.pending = undefined;
    });
  }

  private woke(controller: AbortController): void {
    if (this.pending !== controller) return;
    this.pending = undefined;
    if (this.ms === 0) return;
    const idle = this.clock.now() - this.lastActive;
    if (idle >= this.ms) this.onTimeout();
    else this.sleep(this.ms - idle);
  }
}
