// Where the scheduler reads time from: virtual (virtual-time.ts) or the host's real clock (real-time.ts).

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
