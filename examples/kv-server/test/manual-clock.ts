// A clock the test moves by hand, for the store's expiry logic and the server's wall time.
export class ManualClock {
  private at = 1000;
  /** Epoch milliseconds when `now()` was 0. */
  constructor(private readonly epoch = 1_700_000_000_000) {}
  now(): number { return this.at; }
  wallClock(): number { return this.epoch + this.at; }
  advance(ms: number): void { this.at += ms; }
}
