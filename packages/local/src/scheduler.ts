// The deterministic scheduler: one ready queue, one timer heap, one clock; time moves one host macrotask at a time, ready wakes also run as promise jobs.
//
// HOW (one turn = one host macrotask, see host-turn.ts):
//   1. If the ready queue is empty, nothing has been woken since the last turn and — because a
//      macrotask only runs once the microtask queue is drained — every task has run as far as it
//      can: it waits on a timer, on the network, on another task, or on a foreign promise.
//      a. timers queued (and no hold): move time to the earliest one (virtual: jump; real: wait
//         for the host timer) and move EVERY timer due at that instant to the ready queue — one
//         turn per instant, however many timers share it;
//      b. nothing queued (or, under virtual time, only weak timers: unref'd ones) and no hold: the
//         runtime is idle. Idle watchers (run()'s deadlock check) are told; no further turn is
//         asked for, so an idle runtime holds no host handle.
//      c. the earliest timer lies beyond `timeLimit` (virtual time only): the watchers are told
//         'limit', and time stops there — a runaway simulation ends instead of spinning forever.
//   2. Wake the ready queue in an order drawn from the seeded PRNG (Fisher–Yates over the batch).
//      Waking resolves the awaitable a task is blocked on; its continuation runs as a microtask
//      after this turn. Wakes caused synchronously by a wake (a segment delivered → its reader
//      woken) join a new batch, shuffled and woken in the same turn.
//   3. Ask for another turn: the continuations may wake more, and the next turn sees the result.
//
// Promise-job turns: a turn that only wakes what is ready (step 2) needs no macrotask. When a task is
// put on an empty-handed ready queue, a turn is queued as a promise job as well; it wakes the batch
// (step 2 only) and asks for a macrotask turn, which alone may move time or declare idleness (step 1
// needs the microtask queue drained). So a chain of spawns, yields and wakes that never waits on
// time runs inside one microtask checkpoint, as plain promise code does. It stays deterministic: the
// promise jobs of one checkpoint run in an order the program alone fixes. At most
// PROMISE_TURNS_IN_ROW such turns run between two macrotask turns, so a task that yields forever
// cannot starve the host's IO and timers. A Simulation (beforeTurn set) turns in macrotasks only:
// the current-simulation pointer (sim-context.ts) relies on each checkpoint belonging to one turn.
//
// WHY this is deterministic: JavaScript runs one microtask at a time in FIFO order, so what the
// tasks do between turns depends only on the order in which they were woken, and that order comes
// from the seed. Nothing else (no real time, no host IO) enters the simulation.
//
// WHY holds: some waits are foreign by nature (resolving a TaskDef imports a module). Under virtual
// time a hold freezes the simulation (no wake, no time step) and keeps idleness undecided until it
// is released, however many turns that takes, so the import's real duration cannot leak into the
// order of events.
//
// Invariants: `ready` is appended to by wakeSoon(), by turn() (due timers) and by the last hold's
// release; `turnPending` is true iff a host turn is queued; time moves only inside turn() step 1a.
import { youngArray } from '@runtime-traits/kit';
import { findMacrotaskTurn } from './host-turn.js';
import { TimerHeap, type Timed } from './time/timer-heap.js';
import { Rng } from './rng.js';
import { Trace } from './trace.js';
import type { TimeSource } from './time/time-source.js';

/** Why the watchers are told: nothing left to do, the time limit, or a failed `always` assertion. */
export type WatchReason = 'idle' | 'limit' | 'failed';

/** Something the ready queue can wake. `label()` is called only when a trace is kept; '' records nothing. */
export interface Wakeable {
  wake(): void;
  label(): string;
}

/** A timer: due at `at`, woken through the ready queue. `owner` is the host it belongs to (-1: none). */
export interface TimerItem extends Timed, Wakeable {
  readonly owner: number;
  /** Weak: does not keep an idle runtime busy (see step 1b). */
  readonly weak?: boolean;
  /** Called instead of wake() when the owning host crashes or shuts down. */
  abandon?(error: unknown): void;
}

const RESOLVED = Promise.resolve();

/** Promise-job turns allowed between two macrotask turns. */
const PROMISE_TURNS_IN_ROW = 4096;

export class Scheduler {
  readonly timers = new TimerHeap<TimerItem>();
  readonly rng: Rng;
  readonly trace: Trace | null;
  private ready = youngArray<Wakeable>();
  private spare = youngArray<Wakeable>();
  /** Items for the next turn, never the one running (see wakeNextTurn). */
  private nextTurn = youngArray<Wakeable>();
  private holds = 0;
  private holdSeq = 0;
  /** Items released by holds while others are still held. */
  private held = youngArray<{ seq: number; item: Wakeable }>();
  private turnPending = false;
  /** True while a promise-job turn is queued, or while the ready queue is being woken. */
  private promiseTurnPending = false;
  /** Promise-job turns since the last macrotask turn. */
  private promiseTurns = 0;
  private readonly onPromiseTurn = (): void => this.promiseTurn();
  private stopped = false;
  private readonly macrotask = findMacrotaskTurn();
  private readonly onTurn = (): void => this.turn();
  private readonly onDue = (): void => this.kick();
  private readonly idleWatchers = new Set<(why: WatchReason) => void>();
  /** Called at the start of every turn (a Simulation makes itself the thread's current one there). */
  beforeTurn: (() => void) | undefined = undefined;
  /** Virtual time never moves past this (Infinity: no limit). */
  timeLimit = Infinity;
  /**
   * Virtual time moves only while a run() watches (a Simulation: `host.run(main)` drives the world).
   * Between runs, work that is ready still runs, but a background loop (a heartbeat) cannot push time
   * on by as much as the real time between two runs allows: what the next run sees does not depend on it.
   */
  timeOnlyInRuns = false;
  /** Counters for metrics(). */
  turns = 0;
  woken = 0;

  constructor(readonly time: TimeSource, seed: number | string, trace: Trace | null) {
    this.rng = new Rng(seed);
    this.trace = trace;
  }

  now(): number {
    return this.time.now();
  }

  /** True when a trace is kept: callers on hot paths build their line only then. */
  get tracing(): boolean {
    return this.trace !== null;
  }

  /** Adds a trace line (when a trace is kept). */
  record(what: string): void {
    this.trace?.record(this.time.now(), what);
  }

  /** Puts `item` on the ready queue; it is woken in a later turn (or later in this one). */
  wakeSoon(item: Wakeable): void {
    this.ready.push(item);
    if (!this.promiseTurnPending && this.beforeTurn === undefined && this.promiseTurns < PROMISE_TURNS_IN_ROW && !this.stopped) {
      this.promiseTurnPending = true;
      this.promiseTurns++;
      void RESOLVED.then(this.onPromiseTurn);
      return; // the promise turn asks for the macrotask turn
    }
    if (!this.turnPending) this.kick();
  }

  /**
   * Puts `item` on the ready queue of the NEXT turn, never the one running — so the microtasks that
   * whatever queued it set off all run first (a compat layer's callbacks: Node drains them between two).
   */
  wakeNextTurn(item: Wakeable): void {
    this.nextTurn.push(item);
    if (!this.turnPending) this.kick();
  }

  addTimer(item: TimerItem): void {
    this.timers.push(item);
    if (!this.turnPending) this.kick();
  }

  removeTimer(item: TimerItem): void {
    this.timers.remove(item);
  }

  /**
   * Keeps time still and idleness undecided until the returned function is called. The item handed
   * to release joins the ready queue only once every hold is released, in the order the holds were
   * taken — so concurrent foreign waits (imports) that end in any order still wake in one order.
   */
  hold(): (item?: Wakeable) => void {
    this.holds++;
    const seq = this.holdSeq++;
    let released = false;
    return (item) => {
      if (released) return;
      released = true;
      this.holds--;
      if (item) this.held.push({ seq, item });
      if (this.holds === 0 && this.held.length > 0) {
        const held = this.held.sort((a, b) => a.seq - b.seq);
        this.held = youngArray();
        for (const { item: next } of held) this.ready.push(next);
      }
      this.kick();
    };
  }

  /** `fn` runs (inside a turn) each time the scheduler finds nothing at all left to do (or `alert` is called). */
  watchIdle(fn: (why: WatchReason) => void): () => void {
    this.idleWatchers.add(fn);
    this.kick();
    return () => this.idleWatchers.delete(fn);
  }

  /** Tasks waiting to be woken (for metrics). */
  get readyCount(): number {
    return this.ready.length + this.nextTurn.length;
  }

  /** Stops driving: no more turns, no host timer left behind. */
  stop(): void {
    this.stopped = true;
    this.time.cancel();
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  private kick(): void {
    if (this.turnPending || this.stopped) return;
    this.turnPending = true;
    this.macrotask(this.onTurn);
  }

  /** Step 2 alone, as a promise job (see the header); then a macrotask turn is asked for. */
  private promiseTurn(): void {
    this.promiseTurnPending = false;
    if (this.stopped) return;
    // Under virtual time a hold freezes everything; its release asks for a (macrotask) turn.
    if (this.holds > 0 && this.time.virtual) return;
    if (this.ready.length > 0) {
      this.turns++;
      this.wakeReady();
    }
    this.kick();
  }

  private turn(): void {
    this.turnPending = false;
    this.promiseTurns = 0;
    if (this.stopped) return;
    this.turns++;
    this.beforeTurn?.();
    // Virtual time: a hold (a foreign wait such as a module import) freezes the whole simulation,
    // so when the foreign wait ends cannot change what the tasks see. release() kicks us again.
    if (this.holds > 0 && this.time.virtual) return;
    if (this.nextTurn.length > 0) {
      for (const item of this.nextTurn) this.ready.push(item);
      this.nextTurn.length = 0;
    }
    if (this.ready.length === 0) {
      const first = this.timers.peek();
      // Only weak timers left (unref'd ones) under virtual time: idle, as a process with nothing but
      // unref'd timers exits. A later wake or strong timer moves time on to them again.
      if (first === undefined || (this.time.virtual && this.timers.strongSize === 0)) {
        if (this.holds === 0) this.idle('idle');
        return;
      }
      if (this.timeOnlyInRuns && this.time.virtual && this.idleWatchers.size === 0) return; // (watchIdle kicks again)
      const at = first.at;
      if (at > this.timeLimit && this.time.virtual) {
        this.idle('limit');
        return;
      }
      if (!this.time.reach(at, this.onDue)) return; // real time: the host timer will kick us
      // Every timer due by now (virtual: exactly at `at`) wakes in this one turn.
      const due = this.time.virtual ? at : this.time.now();
      const ready = this.ready;
      const timers = this.timers;
      let next: TimerItem | undefined = first;
      while (next !== undefined && next.at <= due) {
        ready.push(timers.pop()!);
        next = timers.peek();
      }
    }
    this.wakeReady();
    this.kick();
  }

  private wakeReady(): void {
    const rng = this.rng;
    const trace = this.trace;
    // What a wake puts on the ready queue is woken below, in this turn: no promise turn for it.
    this.promiseTurnPending = true;
    while (this.ready.length > 0) {
      const batch = this.ready;
      this.ready = this.spare;
      const size = batch.length;
      if (size > 1) rng.shuffle(batch);
      const now = trace ? this.time.now() : 0;
      for (let i = 0; i < size; i++) {
        const item = batch[i]!;
        if (trace) {
          const label = item.label();
          if (label !== '') trace.record(now, label);
        }
        item.wake();
      }
      this.woken += size;
      if (size === 1) batch.pop(); // `length = 0` is a runtime call: a batch of one is the common case
      else batch.length = 0;
      this.spare = batch;
    }
    this.promiseTurnPending = false;
  }

  /** Tells the watchers at once: 'failed' when an `always` assertion of the simulation failed. */
  alert(why: WatchReason): void {
    this.idle(why);
  }

  private idle(why: WatchReason): void {
    if (this.idleWatchers.size === 0) return;
    for (const watcher of [...this.idleWatchers]) watcher(why);
  }
}
