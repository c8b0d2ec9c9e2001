// Virtual time: a number the scheduler moves forward to the next timer once every task is idle.
import type { TimeSource } from './time-source.js';

/**
 * Invariant: `current` never decreases, and changes only in `reach` — that is, only when the
 * scheduler has proved that every task is idle (see scheduler.ts).
 */
export class VirtualTime implements TimeSource {
  readonly virtual = true;
  private current = 0;

  now(): number {
    return this.current;
  }

  reach(at: number): boolean {
    if (at > this.current) this.current = at;
    return true;
  }

  cancel(): void {}
}
