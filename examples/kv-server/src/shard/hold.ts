// A shard's hold: what makes a command over several shards atomic (MSET, MSETNX, MGET, DEL, UNLINK and EXISTS whose keys span shards; MULTI/EXEC over several shards; EXEC after WATCH).
//
// The worker serving such a command holds every shard it touches, one after another in ascending
// order, runs its parts, and lets go. While a shard is held, every other operation on it waits, in
// arrival order, so a reader sees all of the command or none of it. Taking shards in one global
// order means two such commands never wait for each other in a cycle.
//
// A worker can die holding a shard. A hold kept longer than `checkMs` asks its worker whether the
// command is still running (`stillRunning`: a dead worker's replacement knows nothing of it); the
// hold ends if not, or if the worker cannot be asked, and goes on otherwise, so a slow command
// never loses its holds halfway. After `giveUpMs` it ends regardless (`expired` counts those).
//
// The check runs on a real timer, not the runtime's clock: holds exist only on the threads of a
// thread-per-core runtime, and the timer detects dead threads; it keeps no thread alive (unref).

interface Waiter {
  /** 0: an operation waiting for its turn; else a hold to take. */
  token: number;
  times: HoldTimes;
  go: () => void;
}

export interface HoldTimes {
  /** How long a hold goes before its worker is asked whether the command still runs. */
  checkMs: number;
  /** How long a hold whose worker keeps answering "still running" lasts at most. */
  giveUpMs: number;
}

export class ShardHold {
  private holder = 0;
  private since = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly waiting: Waiter[] = [];
  /** Holds that ended by `giveUpMs` while their worker still ran the command (its parts may then apply halfway). */
  expired = 0;

  constructor(
    private readonly stillRunning: (token: number) => PromiseLike<boolean>,
    private readonly times: HoldTimes,
  ) {}

  /** Nobody holds the shard and nothing waits: an operation may run at once. */
  get free(): boolean {
    return this.holder === 0 && this.waiting.length === 0;
  }

  /** Resolves when an operation arriving now may run: at once when free, else after every hold taken or asked for before it. */
  turn(): Promise<void> {
    if (this.free) return Promise.resolve();
    return new Promise((go) => this.waiting.push({ token: 0, times: this.times, go }));
  }

  /** Holds the shard for `token` once what arrived before is done (at once when free: undefined); `times` for this hold alone. */
  acquire(token: number, times = this.times): Promise<void> | undefined {
    if (this.free) {
      this.take(token, times);
      return undefined;
    }
    return new Promise((go) => this.waiting.push({ token, times, go }));
  }

  holds(token: number): boolean {
    return token !== 0 && this.holder === token;
  }

  /** Lets go of `token`'s hold (nothing when it already ended) and lets the waiting in, in order. */
  release(token: number): void {
    if (!this.holds(token)) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.holder = 0;
    // Operations let in here run as promise jobs, before the next holder's parts, which come as later tasks.
    while (this.holder === 0 && this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      if (next.token !== 0) this.take(next.token, next.times);
      next.go();
    }
  }

  private take(token: number, times: HoldTimes): void {
    this.holder = token;
    this.since = performance.now();
    this.check(token, times);
  }

  private check(token: number, times: HoldTimes): void {
    const timer = setTimeout(() => {
      if (!this.holds(token)) return;
      if (performance.now() - this.since >= times.giveUpMs) {
        this.expired++;
        return this.release(token);
      }
      Promise.resolve(this.stillRunning(token)).then(
        (running) => (running ? this.holds(token) && this.check(token, times) : this.release(token)),
        () => this.release(token), // its worker cannot be asked: gone
      );
    }, times.checkMs);
    (timer as { unref?: () => void }).unref?.();
    this.timer = timer;
  }
}
