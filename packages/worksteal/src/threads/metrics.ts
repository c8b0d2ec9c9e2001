// The pool's own counters for metrics(): per worker, and totals (steals, parks, wakes, queue depths).
import { E } from '../memory/layout.js';
import type { Shared } from '../memory/shared.js';

export interface WorkerMetrics {
  /** The worker's index, as spawnOn, broadcast and cx.worker count them (from 0). */
  worker: number;
  tasks: number;
  steals: number;
  parks: number;
  wakes: number;
  spawns: number;
  dequeDepth: number;
  /** Thread-per-core: tasks waiting in its placement queue (0 when workers steal). */
  pinnedDepth: number;
}

export function poolMetrics(shared: Shared): {
  workers: WorkerMetrics[]; tasksPerWorker: number[]; steals: number; parks: number; wakes: number;
  injectorDepth: number; dequeDepths: number[]; queueDepths: number[]; queued: number;
} {
  const c = shared.control;
  const workers: WorkerMetrics[] = [];
  for (let w = 1; w <= shared.config.workers; w++) {
    const base = shared.layout.endpointBase(w);
    // Each counter is written by its worker alone (published at the end of a batch); a snapshot.
    workers.push({
      worker: w - 1, // endpoint w (main is endpoint 0) is worker w - 1
      tasks: Atomics.load(c, base + E.TASKS),
      steals: Atomics.load(c, base + E.STEALS),
      parks: Atomics.load(c, base + E.PARKS),
      wakes: Atomics.load(c, base + E.WAKES),
      spawns: Atomics.load(c, base + E.SPAWNS),
      dequeDepth: shared.deques[w]!.length,
      pinnedDepth: shared.pinned[w]?.length ?? 0,
    });
  }
  const sum = (pick: (m: WorkerMetrics) => number): number => workers.reduce((n, m) => n + pick(m), 0);
  const injectorDepth = shared.injector.length;
  return {
    workers,
    tasksPerWorker: workers.map((m) => m.tasks),
    steals: sum((m) => m.steals),
    parks: sum((m) => m.parks),
    wakes: sum((m) => m.wakes),
    injectorDepth,
    dequeDepths: workers.map((m) => m.dequeDepth),
    /** Per worker (by index): what waits for it alone — its deque and its placement queue. */
    queueDepths: workers.map((m) => m.dequeDepth + m.pinnedDepth),
    queued: injectorDepth + sum((m) => m.dequeDepth + m.pinnedDepth),
  };
}
