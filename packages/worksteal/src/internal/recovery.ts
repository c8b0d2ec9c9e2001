// What the main thread does for a pool thread that died: nobody may wait forever on what it held.
//
//   1. every slot RUNNING with RUNNER = the dead thread gets a WorkerCrashedError result and DONE;
//      a JOIN slot's joiner is notified / unparked, any other slot goes to its owner's ring (owner woken);
//      slots the thread finished itself in its exit handler are already DONE and are left alone;
//      a slot it had claimed but not started (FLAG_LOADING: its module was still loading) goes back
//      to QUEUED and into the queue it came from, so only tasks that really ran on the dead thread fail;
//   2. the dead worker's deque is emptied into the injector (tasks that never started run elsewhere)
//      and reset, so the replacement starts with an empty deque and the same endpoint number.
// Scanning every slot is O(slots), fine for an event as rare as a thread dying.
import { writeResult } from './endpoint.js';
import { E, FLAG_LOADING, Layout, S, SlotMode, SlotState } from './layout.js';
import type { Shared } from './shared.js';
import { PState } from '../parker.js';

export function failSlotsRunOn(shared: Shared, dead: number, error: Error): void {
  const s = shared.slots;
  for (let slot = 0; slot < shared.layout.totalSlots; slot++) {
    const h = Layout.slotWord(slot);
    if (Atomics.load(s, h + S.STATE) !== SlotState.RUNNING || Atomics.load(s, h + S.RUNNER) !== dead) continue;
    if ((Atomics.load(s, h + S.FLAGS) & FLAG_LOADING) !== 0) {
      Atomics.and(s, h + S.FLAGS, ~FLAG_LOADING);
      Atomics.store(s, h + S.RUNNER, -1);
      Atomics.store(s, h + S.STATE, SlotState.QUEUED);
      (shared.layout.isWorker(dead) ? shared.injector : shared.blockingQueue).push(slot);
      continue;
    }
    writeResult(s, shared.payload, slot, false, error);
    Atomics.store(s, h + S.STATE, SlotState.DONE);
    const owner = s[h + S.OWNER]!;
    if (s[h + S.MODE] === SlotMode.JOIN) {
      Atomics.notify(s, h + S.STATE); // the main thread waits on STATE, a pool thread parks (join.ts)
      if (owner !== 0) shared.parker.unpark(owner);
      continue;
    }
    shared.rings[owner]!.push(slot);
    shared.parker.unpark(owner);
  }
}

export function requeueDeque(shared: Shared, dead: number): void {
  const deque = shared.layout.isWorker(dead) ? shared.deques[dead] : undefined;
  if (deque) {
    for (let t = deque.steal(); t >= 0 || deque.length > 0; t = deque.steal()) if (t >= 0) shared.injector.push(t);
    deque.reset();
  }
  Atomics.store(shared.control, shared.layout.endpointBase(dead) + E.PSTATE, PState.ACTIVE);
}
