// What the main thread does for a pool thread that died: nobody may wait forever on what it held.
//
//   1. every slot RUNNING with RUNNER = the dead thread gets a WorkerCrashedError result and DONE
//      (task/runner.ts deliver): a JOIN slot's joiner is woken if it sleeps, any other slot goes to
//      its owner's ring (owner woken); slots the thread finished itself in its exit handler are
//      already DONE and are left alone; a slot it had claimed but not started (marked loading: its
//      def's module was still being imported) goes back to QUEUED and into the queue it came from
//      (putBackUnstarted), so only tasks that really ran on the dead thread fail. Thread-per-core: in
//      the order the thread claimed them, ahead of its placement queue (one placer's tasks start in
//      the order placed; a placement another worker makes onto the dead one while this runs may land
//      among them);
//   2. big results the dead thread announced but never sent fail with the same error;
//   3. unless the runtime is closing or still starting (create() then rejects: a replacement would
//      only fail the same way): the dead worker's deque is emptied into the injector (tasks that
//      never started run elsewhere; in thread-per-core into its placement queue, for the replacement) and reset, and a replacement takes over the same endpoint number
//      (and the dead thread's slots still in flight, freed when they come back).
// Scanning every slot is O(slots), fine for an event as rare as a thread dying.
import { WorkerCrashedError } from '@runtime-traits/core';
import { show } from '@runtime-traits/core/kit';
import type { Shared } from '../memory/shared.js';
import { writeResult } from '../memory/slot-payload.js';
import { EMPTY } from '../queues/ring.js';
import { deliver } from '../task/runner.js';
import { claimOrderOf, isLoading, modeOf, ownerOf, putBackUnstarted, runnerOf, SlotState, stateOf } from '../task/slot-state.js';
import type { MainThread } from './main-thread.js';
import type { ThreadPool } from './pool.js';

/**
 * Endpoint `dead`'s thread died of `cause`. Runs on the main thread (from the exit event, or from a
 * blocked join). `final`: the runtime is closing or not yet started, so nothing is replaced.
 */
export function recover(shared: Shared, main: MainThread, pool: ThreadPool, dead: number, cause: unknown, final: boolean): WorkerCrashedError {
  const error = new WorkerCrashedError(`${shared.layout.threadName(dead)} died: ${cause instanceof Error ? cause.message : show(cause)}`, { cause });
  failSlotsRunOn(shared, dead, error);
  main.owner.failSideResultsFrom(dead, error);
  // Closing (a body that called shutdown() dies, say): whoever waits on the dead thread was told above.
  // Not started yet: create() rejects; a replacement would only fail the same way.
  if (final) return error;
  requeueDeque(shared, dead);
  pool.replace(dead);
  main.armWait();
  shared.parker.notifyWork();
  return error;
}

function failSlotsRunOn(shared: Shared, dead: number, error: Error): void {
  const s = shared.slots;
  const unstarted: Array<{ slot: number; order: number }> = [];
  for (let slot = 0; slot < shared.layout.totalSlots; slot++) {
    if (stateOf(s, slot) !== SlotState.RUNNING || runnerOf(s, slot) !== dead) continue;
    if (isLoading(s, slot)) {
      unstarted.push({ slot, order: claimOrderOf(s, slot) });
      continue;
    }
    writeResult(s, shared.payload, slot, false, error);
    deliver(shared, slot, ownerOf(s, slot), modeOf(s, slot));
  }
  if (unstarted.length === 0) return;
  unstarted.sort((x, y) => x.order - y.order);
  const queue = shared.layout.isWorker(dead) ? shared.homeQueue(dead) : shared.blockingQueue;
  // Thread-per-core: they were claimed before anything still in the dead worker's placement queue,
  // so they go in front of it (only that worker pops it, and it is dead: nobody pops meanwhile).
  const placed = shared.pinned[dead];
  const later: number[] = [];
  if (placed) for (let t = placed.pop(); t !== EMPTY; t = placed.pop()) later.push(t);
  for (const { slot } of unstarted) if (putBackUnstarted(s, slot)) queue.push(slot);
  for (const t of later) queue.push(t);
}

function requeueDeque(shared: Shared, dead: number): void {
  const deque = shared.layout.isWorker(dead) ? shared.deques[dead] : undefined;
  if (deque) {
    const home = shared.homeQueue(dead); // thread-per-core: they wait for the replacement, on the same worker
    for (let t = deque.steal(); t >= 0 || deque.length > 0; t = deque.steal()) if (t >= 0) home.push(t);
    deque.reset();
  }
  shared.parker.forget(dead);
}
