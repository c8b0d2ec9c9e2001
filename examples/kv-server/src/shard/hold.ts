// A shard's hold: what makes a command over several shards atomic (MSET, MSETNX, MGET, DEL, UNLINK and EXISTS whose keys span shards).
//
// The worker serving such a command holds every shard it touches, one after another in ascending
// order, runs its parts, and lets go. While a shard is held, every other operation on it waits, in
// arrival order, so a reader sees all of the command or none of it. Taking shards in one global
// order means two such commands never wait for each other in a cycle. A hold that is not let go
// within its lease (its worker died mid-command) ends by itself: a shard never waits forever.

interface Waiter {
  /** 0: an operation waiting for its turn; else a hold to take. */
  token: number;
  leaseMs: number;
  go: () => void;
}

export class ShardHold {
  private holder = 0;
  private lease: ReturnType<typeof setTimeout> | undefined;
  private readonly waiting: Waiter[] = [];
  /** Holds that ended by their lease rather than by their worker letting go. */
  expired = 0;

  /** Nobody holds the shard and nothing waits: an operation may run at once. */
  get free(): boolean {
    return this.holder === 0 && this.waiting.length === 0;
  }

  /** Resolves when an operation arriving now may run: after every hold taken or asked for before it. */
  turn(): Promise<void> {
    return new Promise((go) => this.waiting.push({ token: 0, leaseMs: 0, go }));
  }

  /** Holds the shard for `token` once what arrived before is done (at once when free: undefined); ends by itself after `leaseMs`. */
  acquire(token: number, leaseMs: number): Promise<void> | undefined {
    if (this.free) {
      this.take(token, leaseMs);
      return undefined;
    }
    return new Promise((go) => this.waiting.push({ token, leaseMs, go }));
  }

  holds(token: number): boolean {
    return token !== 0 && this.holder === token;
  }

  /** Lets go of `token`'s hold (nothing when it already ended by its lease) and lets the waiting in, in order. */
  release(token: number): void {
    if (!this.holds(token)) return;
    clearTimeout(this.lease);
    this.lease = undefined;
    this.holder = 0;
    // Operations let in here run as promise jobs, before the next holder's parts, which come as later tasks.
    while (this.holder === 0 && this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      if (next.token !== 0) this.take(next.token, next.leaseMs);
      next.go();
    }
  }

  private take(token: number, leaseMs: number): void {
    this.holder = token;
    const lease = setTimeout(() => {
      this.expired++;
      this.release(token);
    }, leaseMs);
    (lease as { unref?: () => void }).unref?.();
    this.lease = lease;
  }
}
