// A worker's run queue: a bounded Chase-Lev work-stealing deque of task slot numbers in shared memory.
//
// HOW (Chase & Lev 2005, bounded, in the sequentially consistent form of Lê et al. 2013):
//
//   words[base + 0]  top      oldest item; advanced only by CAS (thieves, and the owner taking the last item)
//   words[base + 1]  bottom   one past the newest item; written only by the owner thread
//   words[base + 2 + i]       ring of `capacity` slot numbers (a power of two); cell i is written only
//                             by the owner (push) while it is outside [top, bottom), read by whoever
//                             then claims it
//
//        top                         bottom
//         ▼                            ▼
//   ┌────┬────┬────┬────┬────┬────┬────┬────┐
//   │    │ t0 │ t1 │ t2 │ t3 │ t4 │    │    │   thieves take from the top (oldest, FIFO),
//   └────┴────┴────┴────┴────┴────┴────┴────┘   the owner pushes and pops at the bottom (LIFO)
//
//   push (owner):  b = bottom; t = top; if b - t == capacity → full (caller overflows to the injector);
//                  ring[b] = task; bottom = b + 1 (publishes it to thieves).
//   pop (owner):   b = bottom - 1; bottom = b (reserves the newest item); t = top;
//                  if t > b → empty, restore bottom = b + 1;
//                  if t < b → ring[b] is ours, nobody can reach it;
//                  if t = b → last item: race the thieves with CAS top t → t + 1; restore bottom = b + 1.
//   steal (thief): t = top; b = bottom; if t >= b → empty; task = ring[t]; CAS top t → t + 1 decides
//                  who got it (a failed CAS means another thief or the owner did: retry or give up).
//   stealHalf:     repeats steal up to ceil(size / 2) times (one CAS per item, so the owner's pop
//                  protocol above stays exactly the classic one).
//
// Indices are 32-bit counters that wrap; sizes are computed as `(b - t) | 0`.
//
// WHY these orderings suffice: every access is an `Atomics` operation (sequentially consistent).
// The owner's store of bottom after writing the ring cell publishes the cell to a thief that loads
// bottom. In pop, the owner's store of bottom (reservation) and its following load of top form a
// Dekker pair with a thief's CAS of top and its load of bottom: under SC at least one side sees the
// other, so the owner and a thief never both take the same item without one of them losing the CAS
// on the last item. A thief reads the ring cell before its CAS; if the owner could have overwritten
// that cell since, top has moved on and the CAS fails, so a stale value is never returned. `top` only
// grows, so a CAS cannot succeed on a recycled value (ABA needs 2^32 steals in between).

import { EMPTY, SharedRing } from './ring.js';

export { EMPTY } from './ring.js';

/** Int32 words a deque of `capacity` cells needs. */
export function dequeWords(capacity: number): number {
  return 2 + capacity;
}

export class Deque extends SharedRing {
  /** Empties the deque. Only while no thread uses it (creation, or after its owner died and it was drained). */
  reset(): void {
    Atomics.store(this.words, this.base, 0);
    Atomics.store(this.words, this.base + 1, 0);
  }

  /** Owner only. False when full: the caller sends the task (and usually half the deque) to the injector. */
  push(task: number): boolean {
    const w = this.words;
    const b = Atomics.load(w, this.base + 1);
    const t = Atomics.load(w, this.base);
    if (((b - t) | 0) >= this.capacity) return false;
    Atomics.store(w, this.base + 2 + (b & this.mask), task);
    Atomics.store(w, this.base + 1, (b + 1) | 0); // publishes the cell to thieves
    return true;
  }

  /** Owner only: the newest task, or EMPTY. */
  pop(): number {
    const w = this.words;
    const bottom = this.base + 1;
    const b = (Atomics.load(w, bottom) - 1) | 0;
    Atomics.store(w, bottom, b); // reserve the newest item before looking at top (Dekker with steal)
    const t = Atomics.load(w, this.base);
    const size = (b - t) | 0;
    if (size < 0) {
      Atomics.store(w, bottom, (b + 1) | 0);
      return EMPTY;
    }
    const task = Atomics.load(w, this.base + 2 + (b & this.mask));
    if (size > 0) return task; // more than one item: thieves stop at top < b, this one is ours
    // The last item: whoever moves top first owns it.
    const won = Atomics.compareExchange(w, this.base, t, (t + 1) | 0) === t;
    Atomics.store(w, bottom, (b + 1) | 0);
    return won ? task : EMPTY;
  }

  /** Any thread: the oldest task, or EMPTY (also when it lost a race; callers just look elsewhere). */
  steal(): number {
    const w = this.words;
    const t = Atomics.load(w, this.base);
    const b = Atomics.load(w, this.base + 1);
    if (((b - t) | 0) <= 0) return EMPTY;
    const task = Atomics.load(w, this.base + 2 + (t & this.mask));
    return Atomics.compareExchange(w, this.base, t, (t + 1) | 0) === t ? task : EMPTY;
  }

  /**
   * Any thread but the owner: takes about half of the tasks (at least one when there are any) into
   * `out`, oldest first, and returns how many it took. Retries a lost race a few times.
   */
  stealHalf(out: number[], max: number): number {
    const size = this.length;
    if (size === 0) return 0;
    const want = Math.min(max, (size + 1) >> 1);
    let got = 0;
    let misses = 0;
    while (got < want && misses < 4) {
      const task = this.steal();
      if (task === EMPTY) {
        if (this.length === 0) break;
        misses++;
        continue;
      }
      out.push(task);
      got++;
    }
    return got;
  }

  /** Tasks in the deque (a snapshot; exact from the owner). */
  get length(): number {
    const n = (Atomics.load(this.words, this.base + 1) - Atomics.load(this.words, this.base)) | 0;
    return n < 0 ? 0 : n;
  }
}
