// One pool thread's place in the idle protocol (parker.ts): whether it searches, and whether it sleeps in waitAsync.
//
// Only the thread itself touches these fields. The shared words they mirror (G.SEARCHING, its
// E.PSTATE and E.PARK) are moved through the Parker, which documents who may move them.
import { PState, type Parker } from './parker.js';

export class ParkState {
  /** Counted in G.SEARCHING (it looked for work and has not found any yet). */
  searching = false;
  /** Parked with Atomics.waitAsync: the event loop goes on, and a local event may end the park first. */
  asyncWaiting = false;
  /** A waitAsync promise is still outstanding on the park word (from this park or an earlier one). */
  waiterPending = false;

  constructor(
    private readonly parker: Parker,
    private readonly me: number,
    /** Schedules the thread's loop to run again (its waker). */
    private readonly resume: () => void,
  ) {}

  /** Step 2 of parker.ts: becomes a searcher unless enough workers already are. */
  startSearching(): void {
    if (!this.searching) this.searching = this.parker.tryStartSearching();
  }

  /** Found work (or gives up looking): the last searcher to find work wakes one more worker, so a burst spreads. */
  stopSearching(): void {
    this.searching = false;
    if (this.parker.stopSearching()) this.parker.notifyWork();
  }

  /** Gives up searching without waking anyone (about to park: there was nothing to find). */
  quitSearching(): void {
    if (!this.searching) return;
    this.searching = false;
    this.parker.stopSearching();
  }

  /**
   * Task code is about to run outside the loop (a promise continuation: a def's module finished
   * loading, an async task resumed and joins). While it runs, this thread must not look PARKED (a
   * pusher's notifyWork would "wake" it, count it as searching and then wake nobody else) nor hold a
   * searcher's place: either would keep the other workers asleep for as long as the task runs. Being
   * ACTIVE, nobody will wake it either: its loop is scheduled to resume after the task code.
   */
  awake(): void {
    if (this.asyncWaiting) {
      this.leaveAsyncPark();
      this.resume();
    }
    if (this.searching) this.stopSearching();
  }

  leaveAsyncPark(): void {
    this.asyncWaiting = false;
    this.woke(this.parker.finishParking(this.me));
  }

  /** After a park ended (or was called off): a notifyWork that woke it counted it as a searcher. */
  woke(state: PState): void {
    if (state === PState.NOTIFIED_SEARCH) this.searching = true;
  }
}
