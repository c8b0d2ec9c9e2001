// The blocking threads: separate from the stealing workers, started on first use, fed by their own queue.
//
// spawnBlocking() puts the task's slot on the shared blocking queue (an MpmcRing) and wakes one
// parked blocking thread; a blocking thread runs worker.ts's loop over that queue only and never
// steals, so a task that blocks its thread for seconds never holds up the stealing workers.
import { G } from '../memory/layout.js';
import type { Shared } from '../memory/shared.js';
import type { ThreadHandle } from './thread-handle.js';

export class BlockingPool {
  readonly threads = new Map<number, ThreadHandle>();
  private started = false;

  constructor(private readonly shared: Shared, private readonly start: (endpoint: number) => ThreadHandle) {}

  /** Endpoint numbers of the blocking threads. */
  get endpoints(): number[] {
    const { workers, blocking } = this.shared.config;
    return Array.from({ length: blocking }, (_, i) => workers + 1 + i);
  }

  ensureStarted(): void {
    if (this.started) return;
    this.started = true;
    for (const e of this.endpoints) this.threads.set(e, this.start(e));
    Atomics.store(this.shared.control, G.BLOCKING_STARTED, 1);
  }

  /** Pushes a slot and wakes a blocking thread. */
  submit(slot: number): void {
    this.ensureStarted();
    this.shared.blockingQueue.push(slot);
    this.shared.parker.notifyBlocking();
  }

  get depth(): number {
    return this.shared.blockingQueue.length;
  }
}
