// MpmcRing: a bounded multi-producer multi-consumer queue of task slot numbers in shared memory.
//
// HOW (Dmitry Vyukov's bounded MPMC queue, on an Int32Array):
//
//   words[base + 0]  enqueuePos   CAS'd by producers (main thread spawns, worker overflow, crash recovery)
//   words[base + 1]  dequeuePos   CAS'd by consumers (workers looking for work)
//   words[base + 2 + 2i]     seq_i  cell i's sequence number: written by the producer or consumer that owns
//                                   the cell at that moment, read by everyone
//   words[base + 2 + 2i + 1] val_i  the slot number; written by the producer that claimed the cell,
//                                   read by the consumer that claimed it afterwards
//
//   ┌──────────┬──────────┬────────┬────────┬────────┬────────┬─────┐
//   │ enqueue  │ dequeue  │ seq_0  │ val_0  │ seq_1  │ val_1  │ ... │   capacity cells (a power of two)
//   └──────────┴──────────┴────────┴────────┴────────┴────────┴─────┘
//
//   1. A cell whose seq equals the producer's position is free for that position: the producer claims
//      the position with a CAS on enqueuePos, writes val, then stores seq = pos + 1 (publishes it).
//   2. A cell whose seq equals the consumer's position + 1 holds a value: the consumer claims the
//      position with a CAS on dequeuePos, reads val, then stores seq = pos + capacity (frees the cell
//      for the producer one lap later).
//   2b. A consumer preempted between its CAS and its seq store holds its cell for a while. A producer
//      that comes round a full lap meanwhile finds that cell "not yet free" although the queue holds
//      few values: Vyukov's queue would report it full. push() tells the two apart by the count
//      (enqueuePos - dequeuePos) and waits for the consumer in the second case; the runtime relies on
//      pushes never failing (every queue can hold every slot at once), and a failed push lost a task.
//   3. Positions are 32-bit counters that wrap; every comparison is on the difference `(a - b) | 0`,
//      which is right while fewer than 2^31 operations separate the two counters.
//
// WHY: producers and consumers never share a lock, a cell is touched by one thread at a time, and
// the capacity is fixed, so the whole queue lives in a SharedArrayBuffer. The runtime sizes each
// queue to hold every task slot that could be in it at once, so a push never finds it full in use.
// It serves as the global injector (spawns from outside a worker, overflow, crash recovery), the
// blocking threads' queue, and each thread's completion ring.
//
// Orderings: every access is an `Atomics` operation, which JavaScript makes sequentially consistent.
// The seq store in step 1 is what publishes val (a consumer reads val only after it has read that
// seq); the seq store in step 2 is what hands the cell back (a producer writes val only after it has
// read that seq).
import { EMPTY, SharedRing } from './ring.js';

export { EMPTY } from './ring.js';

/** How long a push waits for a consumer that claimed the cell it needs to hand it back. */
const STALL_MS = 2000;
const nap = new Int32Array(new SharedArrayBuffer(4));

/**
 * Waits until `cell`'s sequence number moves on from `seq` (its consumer stored it): spins, then
 * naps 50 µs at a time so a preempted consumer gets a core. False after STALL_MS.
 */
function waitForConsumer(w: Int32Array, cell: number, seq: number): boolean {
  for (let i = 0; i < 1024; i++) if (Atomics.load(w, cell) !== seq) return true;
  const deadline = Date.now() + STALL_MS;
  while (Atomics.load(w, cell) === seq) {
    if (Date.now() > deadline) return false;
    Atomics.wait(nap, 0, 0, 0.05);
  }
  return true;
}

/** Int32 words a queue of `capacity` cells needs. */
export function mpmcWords(capacity: number): number {
  return 2 + 2 * capacity;
}

export class MpmcRing extends SharedRing {
  /** Writes the initial sequence numbers; called once, by the thread that made the buffer, before sharing it. */
  init(): void {
    Atomics.store(this.words, this.base, 0);
    Atomics.store(this.words, this.base + 1, 0);
    for (let i = 0; i < this.capacity; i++) Atomics.store(this.words, this.base + 2 + 2 * i, i);
  }

  /**
   * Appends `value` (a non-negative slot number); false when full (or a consumer stalled on the
   * cell it needs for longer than STALL_MS: the thread holding it is gone). Any thread.
   */
  push(value: number): boolean {
    const w = this.words;
    const enq = this.base;
    let pos = Atomics.load(w, enq);
    for (;;) {
      const cell = this.base + 2 + 2 * (pos & this.mask);
      const seq = Atomics.load(w, cell);
      const dif = (seq - pos) | 0;
      if (dif === 0) {
        const seen = Atomics.compareExchange(w, enq, pos, (pos + 1) | 0);
        if (seen === pos) {
          Atomics.store(w, cell + 1, value);
          Atomics.store(w, cell, (pos + 1) | 0); // publishes value (step 1)
          return true;
        }
        pos = seen;
      } else if (dif < 0) {
        // The cell still holds the value of one lap ago. Either the queue is full, or a consumer
        // has claimed that value (its CAS on dequeuePos) and not yet handed the cell back: it was
        // preempted between the two stores of step 2. Only the first is full; the second is waited
        // out, since the cell is free the moment that consumer runs again.
        if (((pos - Atomics.load(w, enq + 1)) | 0) >= this.capacity) return false;
        if (!waitForConsumer(w, cell, seq)) return false;
        pos = Atomics.load(w, enq);
      } else {
        pos = Atomics.load(w, enq);
      }
    }
  }

  /** Takes the oldest value, or EMPTY. Any thread. */
  pop(): number {
    const w = this.words;
    const deq = this.base + 1;
    let pos = Atomics.load(w, deq);
    for (;;) {
      const cell = this.base + 2 + 2 * (pos & this.mask);
      const seq = Atomics.load(w, cell);
      const dif = (seq - ((pos + 1) | 0)) | 0;
      if (dif === 0) {
        const seen = Atomics.compareExchange(w, deq, pos, (pos + 1) | 0);
        if (seen === pos) {
          const value = Atomics.load(w, cell + 1);
          Atomics.store(w, cell, (pos + this.capacity) | 0); // hands the cell back (step 2)
          return value;
        }
        pos = seen;
      } else if (dif < 0) {
        return EMPTY;
      } else {
        pos = Atomics.load(w, deq);
      }
    }
  }

  /** Approximate number of queued values (exact when no push or pop is under way). */
  get length(): number {
    const n = (Atomics.load(this.words, this.base) - Atomics.load(this.words, this.base + 1)) | 0;
    return n < 0 ? 0 : n;
  }
}
