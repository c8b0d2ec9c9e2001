// A shard's holds: what makes a command over several shards atomic (MSET, MSETNX, MGET, DEL, UNLINK and EXISTS whose keys span shards; MULTI/EXEC over several shards; EXEC after WATCH).
//
// The worker serving such a command holds, on every shard it touches, the keys it touches there, one
// shard after another in ascending order, runs its parts, and lets go. A hold covers keys, or the
// whole shard (`ALL`: a transaction with a keyless command, DBSIZE, FLUSHALL...). Holds and
// operations (`run`) that share a key with an earlier hold or operation still waiting or running
// wait, in arrival order, so a reader sees all of the command or none of it; those on other keys of
// the shard run at once. An operation let in keeps its place until it has run (`done`), so a hold
// asked for after it on the same key is taken only then. Taking shards in one global order, and on
// each shard all of a command's keys at once, means two such commands never wait for each other in a cycle.
//
// A worker can die holding keys. A hold kept longer than `checkMs` asks its worker whether the
// command is still running (`stillRunning`: a dead worker's replacement knows nothing of it); the
// hold ends if not, or if the worker cannot be asked, and goes on otherwise, so a slow command
// never loses its holds halfway. A hold that waited `checkMs` or more before it was taken is asked
// at once (the holds a dead worker left queued on a hot key then end one after another, not one per
// `checkMs`). `giveUpMs` after it was taken it ends regardless, answer or not (`expired` counts those).
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
  /** 0: an operation (waiting, or let in and running); else a hold (taken or waiting to be). */
  readonly token: number;
  readonly keys: Keys;
  readonly times: HoldTimes;
  go: () => void;
  /** A hold taken, or an operation let in. */
  taken: boolean;
  /** When it was asked for. */
  readonly asked: number;
  /** The next check of a hold's worker, and its end at `giveUpMs`. */
  timer: ReturnType<typeof setTimeout> | undefined;
  cap: ReturnType<typeof setTimeout> | undefined;
}

const conflict = (a: Keys, b: Keys): boolean => {
  if ((a !== ALL && a.size === 0) || (b !== ALL && b.size === 0)) return false; // touches no key: nothing to wait for
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

  /**
   * Runs `operation` (which touches `keys` of this shard) at once when nothing before it shares a key,
   * else once what came before on those keys is done; nothing asked for after it on those keys runs
   * or is taken before it has run. Answers what it answers (a promise of it when it waited).
   */
  run<T>(keys: Keys, operation: () => T): T | Promise<T> {
    if (!this.blocks(keys)) return operation();
    const waiter = entry(0, keys, this.times, nothing);
    const letIn = new Promise<void>((go) => { waiter.go = go; });
    this.entries.push(waiter);
    return letIn.then(() => {
      try {
        return operation();
      } finally {
        this.leave(waiter);
      }
    });
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

  /** Whether a hold or an operation, taken or waiting, touches `key` (latin1). */
  covers(key: string): boolean {
    return this.entries.some((e) => e.keys === ALL || e.keys.has(key));
  }

  /** Whether `token` holds keys here now. */
  holds(token: number): boolean {
    return token !== 0 && this.entries.some((e) => e.token === token && e.taken);
  }

  /** Lets go of `token`'s hold (nothing when it already ended) and lets in, in order, what no longer waits on anything. */
  release(token: number): void {
    const at = this.entries.findIndex((e) => e.token === token && e.taken);
    if (token === 0 || at < 0) return;
    const hold = this.entries[at]!;
    clearTimeout(hold.timer);
    clearTimeout(hold.cap);
    this.entries.splice(at, 1);
    this.admit();
  }

  /** An operation let in has run: what waited behind it may go. */
  private leave(operation: Entry): void {
    const at = this.entries.indexOf(operation);
    if (at < 0) return;
    this.entries.splice(at, 1);
    this.admit();
  }

  /** Takes the holds and lets in the operations that share no key with anything before them. */
  private admit(): void {
    for (let i = 0; i < this.entries.length; i++) {
      const waiting = this.entries[i]!;
      if (waiting.taken || this.conflictsBefore(waiting.keys, i)) continue;
      if (waiting.token === 0) waiting.taken = true; // it stays until it has run (leave)
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
    const { token, times } = hold;
    hold.cap = unref(setTimeout(() => {
      if (!this.holds(token)) return;
      this.expired++;
      this.release(token);
    }, times.giveUpMs));
    const waited = performance.now() - hold.asked;
    this.check(hold, waited >= times.checkMs ? 0 : times.checkMs);
  }

  /** Asks the hold's worker, in `ms`, whether its command still runs; again every checkMs while it does. */
  private check(hold: Entry, ms: number): void {
    const { token, times } = hold;
    hold.timer = unref(setTimeout(() => {
      if (!this.holds(token)) return;
      Promise.resolve(this.stillRunning(token)).then(
        (running) => (running ? this.holds(token) && this.check(hold, times.checkMs) : this.release(token)),
        () => this.release(token), // its worker cannot be asked: gone
      );
    }, ms));
  }
}

/** A timer that keeps no thread alive. */
function unref(timer: ReturnType<typeof setTimeout>): ReturnType<typeof setTimeout> {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

function entry(token: number, keys: Keys, times: HoldTimes, go: () => void): Entry {
  return { token, keys, times, go, taken: false, asked: performance.now(), timer: undefined, cap: undefined };
}
