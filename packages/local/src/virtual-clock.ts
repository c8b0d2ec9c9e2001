// Virtual time: a number the scheduler moves forward to the next timer once every task is idle.

/** Where the scheduler reads time from and how it waits for a timer that is not due yet. */
export interface TimeSource {
  readonly virtual: boolean;
  now(): number;
  /**
   * Called when the earliest timer is due at `at` and nothing else can run. A virtual source jumps
   * there and returns true; a real one arranges `wake()` for when it is due and returns false.
   */
  reach(at: number, wake: () => void): boolean;
  /** Forgets any pending real wait. */
  cancel(): void;
}

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
