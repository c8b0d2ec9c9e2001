// Idle workers: who searches, who sleeps, and who wakes whom — one wake per burst, not one per task.
//
// HOW (after tokio's multi_thread idle.rs). Shared words (see layout.ts):
//   G.SEARCHING        workers looking for work right now; any worker adds/subtracts, pushers read it
//   E.PSTATE of e      ACTIVE → PARKED by thread e itself (about to sleep);
//                      PARKED → ACTIVE by e (found work on its last look);
//                      PARKED → NOTIFIED | NOTIFIED_SEARCH by a waker (CAS, so one waker wins);
//                      NOTIFIED* → ACTIVE by e after it wakes
//   E.PARK of e        the futex word: e stores 0 before sleeping, a waker stores 1 and notifies
//
//   1. A pusher publishes work first, then calls notifyWork(): if any worker is searching it does
//      nothing (that searcher will find the work); otherwise it wakes ONE parked worker and counts it
//      as searching on its behalf. A burst of spawns therefore costs one wake, not one per task.
//   2. A worker that finds no work becomes a searcher (at most half the workers search at once),
//      steals; when it finds work it stops searching and, if it was the last searcher, wakes one more
//      worker (notifyWork) so the rest of the burst spreads out worker by worker.
//   3. A worker that found nothing stops searching, stores PARKED, looks at every queue ONE more time
//      and only then sleeps on E.PARK. Steps 1 and 3 are a Dekker pair on SC atomics: either the
//      pusher sees the PARKED (or searching) state, or the worker's last look sees the work.
//   4. unpark(e) wakes one specific thread (a completion for its task, mail for it) without making
//      it a searcher; the main thread (endpoint 0) sleeps and wakes the same way.
//
// WHY: on these machines a wake (Atomics.notify → a thread running) costs ~44 µs while a look at a
// queue costs ~0.1 µs, so wakes are rationed and looks are not.
import { E, G, type Layout } from '../memory/layout.js';

export const enum PState {
  ACTIVE = 0,
  PARKED = 1,
  /** Woken by unpark(e): has mail or completions, is not a searcher. */
  NOTIFIED = 2,
  /** Woken by notifyWork(): counted in G.SEARCHING on its behalf. */
  NOTIFIED_SEARCH = 3,
}

export class Parker {
  constructor(private readonly control: Int32Array, private readonly layout: Layout) {}

  // ── pushers ──────────────────────────────────────────────────────────────────
  /** After publishing work anyone may take: wakes one parked worker unless someone is searching. */
  notifyWork(): boolean {
    const c = this.control;
    if (Atomics.load(c, G.SEARCHING) > 0) return false;
    const workers = this.layout.config.workers;
    const start = Atomics.load(c, G.WAKE_CURSOR);
    for (let i = 0; i < workers; i++) {
      const w = 1 + ((start + i) % workers + workers) % workers;
      const base = this.layout.endpointBase(w);
      // A plain look first: the common case (nobody parked) costs loads only, no contended RMW.
      if (Atomics.load(c, base + E.PSTATE) !== PState.PARKED) continue;
      if (Atomics.compareExchange(c, base + E.PSTATE, PState.PARKED, PState.NOTIFIED_SEARCH) === PState.PARKED) {
        Atomics.add(c, G.SEARCHING, 1); // before the wake: the woken worker will subtract it
        Atomics.store(c, G.WAKE_CURSOR, w); // the next wake starts after this one
        this.wake(base);
        return true;
      }
    }
    return false;
  }

  /** Wakes endpoint e if it is parked (it has a completion or mail waiting). */
  unpark(e: number): boolean {
    const base = this.layout.endpointBase(e);
    if (Atomics.load(this.control, base + E.PSTATE) !== PState.PARKED) return false;
    if (Atomics.compareExchange(this.control, base + E.PSTATE, PState.PARKED, PState.NOTIFIED) !== PState.PARKED) return false;
    this.wake(base);
    return true;
  }

  /**
   * Makes endpoint e look again at its mail and at its running tasks' cancel flags, even if it is
   * just about to sleep: raises E.MAIL first (the last look before sleeping reads it, after storing
   * PARKED — a Dekker pair with the PSTATE read in unpark), then wakes it if it is parked. A bare
   * unpark() after raising a cancel flag can miss a thread that has not stored PARKED yet.
   */
  nudge(e: number): void {
    Atomics.store(this.control, this.layout.endpointBase(e) + E.MAIL, 1);
    this.unpark(e);
  }

  /** Wakes a parked blocking thread (they do not take part in searching). */
  notifyBlocking(): boolean {
    const { workers, blocking } = this.layout.config;
    for (let e = workers + 1; e <= workers + blocking; e++) if (this.unpark(e)) return true;
    return false;
  }

  private wake(base: number): void {
    Atomics.add(this.control, base + E.WAKES, 1);
    Atomics.store(this.control, base + E.PARK, 1);
    // Every waiter on this word belongs to the one thread that owns it (at most one sync wait, or
    // async waiters left over from parks it left on its own): wake them all.
    Atomics.notify(this.control, base + E.PARK);
  }

  // ── the thread itself ────────────────────────────────────────────────────────
  /** Step 2: becomes a searcher unless half the workers already are. */
  tryStartSearching(): boolean {
    const c = this.control;
    const limit = Math.max(1, this.layout.config.workers >> 1);
    for (;;) {
      const n = Atomics.load(c, G.SEARCHING);
      if (n >= limit) return false;
      if (Atomics.compareExchange(c, G.SEARCHING, n, n + 1) === n) return true;
    }
  }

  /** Stops searching; true when this was the last searcher (the caller then calls notifyWork). */
  stopSearching(): boolean {
    return Atomics.sub(this.control, G.SEARCHING, 1) === 1;
  }

  /** Step 3, first half: announce the intent to sleep. The caller must look at every queue after this. */
  prepareParking(e: number): void {
    const base = this.layout.endpointBase(e);
    Atomics.store(this.control, base + E.PARK, 0);
    Atomics.store(this.control, base + E.PSTATE, PState.PARKED);
  }

  /**
   * The last look found something: back to ACTIVE. Returns the state a waker may have set meanwhile
   * (PARKED when nobody did; NOTIFIED_SEARCH means the caller is now counted as a searcher).
   */
  cancelParking(e: number): PState {
    const base = this.layout.endpointBase(e);
    return Atomics.exchange(this.control, base + E.PSTATE, PState.ACTIVE) as PState;
  }

  /** The word to Atomics.wait on, and the value that means "still asleep". */
  parkWord(e: number): number {
    return this.layout.endpointBase(e) + E.PARK;
  }

  /** After waking (or timing out): ACTIVE again; returns how it was woken. */
  finishParking(e: number): PState {
    return this.cancelParking(e);
  }

  /** Endpoint e's thread died (main thread, during recovery): its replacement starts ACTIVE. */
  forget(e: number): void {
    Atomics.store(this.control, this.layout.endpointBase(e) + E.PSTATE, PState.ACTIVE);
  }

  isParked(e: number): boolean {
    return Atomics.load(this.control, this.layout.endpointBase(e) + E.PSTATE) === PState.PARKED;
  }
}
