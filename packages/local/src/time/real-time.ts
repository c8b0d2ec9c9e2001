// Real time for clock: 'real': the scheduler waits on the host's own timer for the next deadline.
import { findRealNow, findRealTimer } from '../host-turn.js';
import type { TimeSource } from './time-source.js';

/** Milliseconds since the runtime was created, from the host's monotonic clock. */
export class RealTime implements TimeSource {
  readonly virtual = false;
  private readonly realNow = findRealNow();
  private readonly setTimer = findRealTimer();
  private readonly origin = this.realNow();
  // Invariant: at most one host timer is pending; `pendingAt` is its due time.
  private cancelPending: (() => void) | undefined;
  private pendingAt = Infinity;

  now(): number {
    return this.realNow() - this.origin;
  }

  reach(at: number, wake: () => void): boolean {
    const now = this.now();
    if (at <= now) return true;
    if (this.cancelPending && this.pendingAt <= at) return false;
    this.cancel();
    this.pendingAt = at;
    // Host timers may fire a little early (rounding); the scheduler simply asks again.
    this.cancelPending = this.setTimer(() => {
      this.cancelPending = undefined;
      this.pendingAt = Infinity;
      wake();
    }, Math.max(1, Math.ceil(at - now)));
    return false;
  }

  cancel(): void {
    this.cancelPending?.();
    this.cancelPending = undefined;
    this.pendingAt = Infinity;
  }
}
