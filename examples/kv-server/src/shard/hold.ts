// A shard's holds: what makes a command over several shards atomic (MSET, MSETNX, MGET, DEL, UNLINK and EXISTS whose keys span shards; MULTI/EXEC over several shards; EXEC after WATCH).
//
// The worker serving such a command holds, on every shard it touches, the keys it touches there, one
// shard after another in ascending order, runs its parts, and lets go. A hold covers keys, or the
// whole shard (`ALL`: a transaction with a keyless command, DBSIZE, FLUSHALL...). Holds and
// operations that share a key with an earlier hold or waiter wait, in arrival order, so a reader sees
// all of the command or none of it; those on other keys of the shard run at once. Taking shards in
// one global order, and on each shard all of a command's keys at once, means two such commands never
// wait for each other in a cycle.
//
// A worker can die holding keys. A hold kept longer than `checkMs` asks its worker whether the
// command is still running (`stillRunning`: a dead worker's replacement knows nothing of it); the
// hold ends if not, or if the worker cannot be asked, and goes on otherwise, so a slow command
// never loses its holds halfway. After `giveUpMs` it ends regardless (`expired` counts those).
//
// The check runs on a real timer, not the runtime's clock: holds exist only on the threads of a
// thread-per-core runtime, and the timer detects dead threads; it keeps no thread alive (unref).

/** Every key of the shard: what a keyless command touches. */
export const ALL = 'all';

/** The keys an operation or a hold touches on one shard (latin1), or the whole shard. */
export type Keys = ReadonlySet<string> | typeof ALL;

export interface HoldTimes {
  /** How long a hold goes before its worker is asked whether the command still runs. */
  checkMs: number;
  /** How long a hold whose worker keeps answering "still running" lasts at most. */
  giveUpMs: number;
}

interface Entry {
  /** 0: an operation waiting for its turn; else a hold (taken or waiting to be). */
  readonly token: number;
  readonly keys: Keys;
  readonly times: HoldTimes;
  readonly go: () => void;
  taken: boolean;
  since: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const conflict = (a: Keys, b: Keys): boolean => {
  if (a === ALL || b === ALL) return true;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const key of small) if (large.has(key)) return true;
  return false;
};

const nothing = (): void => {};

export class ShardHold {
  /** Holds taken and everything waiting, in arrival order. */
  private readonly entries: Entry[] = [];
  /** Holds that ended by `giveUpMs` while their worker still ran the command (its parts may then apply halfway). */
  expired = 0;

  constructor(
    private readonly stillRunning: (token: number) => PromiseLike<boolean>,
    private readonly times: HoldTimes,
  ) {}

  /** No hold is taken and nothing waits: any operation may run at once. */
  get free(): boolean {
    return this.entries.length === 0;
  }

  /** Whether an operation on `keys` arriving now must wait (a hold or a waiter before it shares a key). */
  blocks(keys: Keys): boolean {
    return this.conflictsBefore(keys, this.entries.length);
  }

  /** Resolves when an operation on `keys` arriving now may run: at once when nothing before it shares a key. */
  turn(keys: Keys = ALL): Promise<void> {
    if (!this.blocks(keys)) return Promise.resolve();
    return new Promise((go) => this.entries.push(entry(0, keys, this.times, go)));
  }

  /**
   * Holds `keys` for `token` once what arrived before on those keys is done (at once when nothing
   * shares a key: undefined); `times` for this hold alone.
   */
  acquire(token: number, keys: Keys = ALL, times = this.times): Promise<void> | undefined {
    if (!this.blocks(keys)) {
      this.take(entry(token, keys, times, nothing));
      return undefined;
    }
    return new Promise((go) => this.entries.push(entry(token, keys, times, go)));
  }

  /** Whether `token` holds keys here now. */
  holds(token: number): boolean {
    return token !== 0 && this.entries.some((e) => e.token === token && e.taken);
  }

  /** Lets go of `token`'s hold (nothing when it already ended) and lets in, in order, what no longer waits on anything. */
  release(token: number): void {
    const at = this.entries.findIndex((e) => e.token === token && e.taken);
    if (token === 0 || at < 0) return;
    clearTimeout(this.entries[at]!.timer);
    this.entries.splice(at, 1);
    // Operations let in here run as promise jobs, before the parts of a hold taken here, which come as later tasks.
    for (let i = 0; i < this.entries.length; i++) {
      const waiting = this.entries[i]!;
      if (waiting.taken || this.conflictsBefore(waiting.keys, i)) continue;
      if (waiting.token === 0) this.entries.splice(i--, 1);
      else this.start(waiting);
      waiting.go();
    }
  }

  private conflictsBefore(keys: Keys, end: number): boolean {
    for (let i = 0; i < end; i++) if (conflict(this.entries[i]!.keys, keys)) return true;
    return false;
  }

  private take(hold: Entry): void {
    this.entries.push(hold);
    this.start(hold);
  }

  private start(hold: Entry): void {
    hold.taken = true;
    hold.since = performance.now();
    this.check(hold);
  }

  private check(hold: Entry): void {
    const { token, times } = hold;
    const timer = setTimeout(() => {
      if (!this.holds(token)) return;
      if (performance.now() - hold.since >= times.giveUpMs) {
        this.expired++;
        return this.release(token);
      }
      Promise.resolve(this.stillRunning(token)).then(
        (running) => (running ? this.holds(token) && this.check(hold) : this.release(token)),
        () => this.release(token), // its worker cannot be asked: gone
      );
    }, times.checkMs);
    (timer as { unref?: () => void }).unref?.();
    hold.timer = timer;
  }
}

function entry(token: number, keys: Keys, times: HoldTimes, go: () => void): Entry {
  return { token, keys, times, go, taken: false, since: 0, timer: undefined };
}
