// A binary min-heap of timed entries ordered by (at, seq): the virtual clock's timer queue.
//
// HOW: entries carry their own `at` (due time), `seq` (insertion order, the tie-break that keeps
// equal times first-in-first-out before the scheduler shuffles a batch) and `slot` (their index in
// the array, or -1 when not queued) so `remove` is O(log n) without a search. No closures and no
// wrapper objects: the timer objects themselves sit in the array.
// WHY a heap: a million timers cost a million O(log n) pushes and pops, not a sorted insert each.
import { youngArray } from '@runtime-traits/kit';

export interface Timed {
  /** Due time, in the clock's milliseconds. Written only while not queued. */
  at: number;
  /** Tie-break, assigned by the heap on push. */
  seq: number;
  /** Index in the heap array; -1 when not queued. Owned by the heap. */
  slot: number;
  /** A weak entry (an unref'd timer) does not keep an idle runtime busy; see Scheduler. Set before push. */
  readonly weak?: boolean;
}

export class TimerHeap<T extends Timed> {
  private readonly items = youngArray<T>();
  private nextSeq = 0;
  /** Invariant: the number of queued items with `weak` set. */
  private weakCount = 0;

  get size(): number {
    return this.items.length;
  }

  /** Queued items that are not weak. */
  get strongSize(): number {
    return this.items.length - this.weakCount;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    if (item.weak) this.weakCount++;
    item.seq = this.nextSeq++;
    const items = this.items;
    item.slot = items.length;
    items.push(item);
    this.up(item.slot);
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    if (top === undefined) return undefined;
    if (top.weak) this.weakCount--;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      last.slot = 0;
      this.down(0);
    }
    top.slot = -1;
    return top;
  }

  /** Removes a queued item; a no-op for one that is not queued. */
  remove(item: T): void {
    const i = item.slot;
    const items = this.items;
    if (i < 0 || items[i] !== item) return;
    if (item.weak) this.weakCount--;
    const last = items.pop()!;
    item.slot = -1;
    if (i === items.length) return;
    items[i] = last;
    last.slot = i;
    this.down(i);
    this.up(last.slot);
  }

  /** Removes and returns every item matching `pred` (O(n); used by crash and shutdown). */
  removeWhere(pred: (item: T) => boolean): T[] {
    const removed: T[] = [];
    for (const item of this.items.slice()) if (pred(item)) { this.remove(item); removed.push(item); }
    return removed;
  }

  private less(a: T, b: T): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private up(i: number): void {
    const items = this.items;
    const item = items[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = items[p]!;
      if (!this.less(item, parent)) break;
      items[i] = parent;
      parent.slot = i;
      i = p;
    }
    items[i] = item;
    item.slot = i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.less(items[r]!, items[l]!) ? r : l;
      const child = items[c]!;
      if (!this.less(child, item)) break;
      items[i] = child;
      child.slot = i;
      i = c;
    }
    items[i] = item;
    item.slot = i;
  }
}
