// A timer that belongs to the simulation rather than a host: what Simulation.at() schedules (fault plans, say).
import { captureContext, runInContext, type CapturedContext } from './host-globals.js';
import type { Scheduler, TimerItem } from './scheduler.js';

export class WorldTimer implements TimerItem {
  seq = 0;
  slot = -1;
  /** No host owns it: a crash or shutdown of any host leaves it in place. */
  readonly owner = -1;
  /** The async context of the call that scheduled it (no host's: `fn` belongs to the simulation). */
  private readonly context: CapturedContext | undefined;

  constructor(readonly at: number, private readonly what: string, private readonly fn: () => void, owner: object) {
    this.context = captureContext(owner);
  }

  wake(): void {
    runInContext(this.context, this.fn);
  }

  label(): string {
    return this.what;
  }

  static schedule(scheduler: Scheduler, at: number, what: string, fn: () => void): () => void {
    const timer = new WorldTimer(Math.max(at, scheduler.now()), what, fn, scheduler);
    scheduler.addTimer(timer);
    return () => scheduler.removeTimer(timer);
  }
}
