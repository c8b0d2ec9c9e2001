// A clock the test moves by hand, for the store's expiry logic.
export class ManualClock {
  private at = 1000;
  now(): number { return this.at; }
  advance(ms: number): void { this.at += ms; }
}
