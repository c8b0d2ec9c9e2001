// Fifo: a first-in first-out queue over one kept array with head and tail indexes (Array#shift is O(n)).
//
// HOW: entries live in items[head, tail), oldest first; every other cell is undefined, so a taken
// entry is not kept alive. push() writes at tail; shift() clears items[head] and moves head on.
//   - emptied: head = tail = 0, the array is kept (a steady stream of bursts allocates nothing),
//     unless it grew past `keep` cells, which are then given back (a one-off burst is not held for ever);
//   - never emptied: a push that finds the array full slides the live entries to the front instead
//     of growing it when the dead prefix is big (head >= 1024 and at least half the array), so a
//     queue that is never empty does not grow without bound. (Only a push does this: draining a
//     burst never copies anything.)
// WHY one array and indexes rather than a linked list or a ring: pushing and shifting cost a store
// and an index move each, nothing is allocated per entry, and the entries stay in order for `at(i)`.
// (A long-lived array holding young objects takes the write barrier's slow path on each store; that
// cost is the same for every layout that keeps entries in an old object.)
import { youngArray } from './young-array.js';

/** Cleared cells at the front worth sliding away instead of growing the array. */
const COMPACT_AT = 1024;

/** A first-in first-out queue with O(1) `push` and `shift` over one kept array (see the file header). */
export class Fifo<T> {
  private items = youngArray<T | undefined>();
  private head = 0;
  private tail = 0;

  /** `keep`: cells an emptied FIFO keeps for reuse (beyond that its array is let go). Default 8,192. */
  constructor(private readonly keep = 8192) {}

  /** Entries queued. */
  get length(): number {
    return this.tail - this.head;
  }

  /** Adds `entry` at the back. */
  push(entry: T): void {
    const items = this.items;
    let tail = this.tail;
    if (tail === items.length) {
      if (this.head < COMPACT_AT || 2 * this.head < tail) {
        items.push(entry);
        this.tail = tail + 1;
        return;
      }
      this.compact();
      tail = this.tail;
    }
    items[tail] = entry;
    this.tail = tail + 1;
  }

  /** Removes and returns the oldest entry; undefined when empty. */
  shift(): T | undefined {
    const head = this.head;
    if (head === this.tail) return undefined;
    const items = this.items;
    const entry = items[head];
    items[head] = undefined;
    if (head + 1 === this.tail) {
      this.head = this.tail = 0;
      if (items.length > this.keep) items.length = 0;
    } else {
      this.head = head + 1;
    }
    return entry;
  }

  /** The oldest entry, left in place; undefined when empty. */
  peek(): T | undefined {
    return this.head === this.tail ? undefined : this.items[this.head];
  }

  /** The i-th entry from the oldest (0-based); undefined past the end. */
  at(i: number): T | undefined {
    const at = this.head + i;
    return at < this.tail ? this.items[at] : undefined;
  }

  /** Removes `entry` wherever it is (the first occurrence); false when absent. */
  remove(entry: T): boolean {
    const at = this.items.indexOf(entry, this.head);
    if (at < 0 || at >= this.tail) return false;
    if (at === this.head) {
      this.shift();
      return true;
    }
    this.items.copyWithin(at, at + 1, this.tail);
    this.items[--this.tail] = undefined;
    return true;
  }

  /** Empties it, returning the entries oldest first. */
  clear(): T[] {
    const out = this.items.slice(this.head, this.tail) as T[];
    this.items = youngArray();
    this.head = this.tail = 0;
    return out;
  }

  private compact(): void {
    const { head, tail, items } = this;
    items.copyWithin(0, head, tail);
    items.fill(undefined, tail - head, tail);
    this.tail = tail - head;
    this.head = 0;
  }
}
