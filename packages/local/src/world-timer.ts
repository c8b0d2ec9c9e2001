// A timer that belongs to the simulation rather than a host: what Simulation.at() schedules (fault plans, say).
import type { Scheduler, TimerItem } from './scheduler.js';

export class WorldTimer implements TimerItem {
  seq = 0;
  slot = -1;
  /** No host owns it: a crash or shutdown of any host leaves it in place. */
  readonly owner = -1;

  constructor(readonly at: number, private readonly what: string, private readonly fn: () => void) {}

  wake(): void {
    this.fn();
  }

  label(): string {
    return this.what;
  }

  static schedule(scheduler: Scheduler, at: number, what: string, fn: () => void): () => void {
    const timer = new WorldTimer(Math.max(at, scheduler.now()), what, fn);
    scheduler.addTimer(timer);
    return () => scheduler.removeTimer(timer);
  }
}
