// What every shared-memory queue here is built on: a ring of Int32 cells at a word offset of a SharedArrayBuffer.
//
// Each queue keeps its own index words before its cells (see deque.ts and mpmc-ring.ts); this base
// holds where they are and the index mask. Values are task slot numbers, so they are >= 0 and -1
// (EMPTY) is free to mean "nothing".

/** Returned by pop/steal when there is nothing to take. */
export const EMPTY = -1;

/** The index mask of a ring of `capacity` cells, which must be a power of two >= 2. */
export function ringMask(capacity: number): number {
  if (capacity < 2 || (capacity & (capacity - 1)) !== 0) throw new RangeError(`capacity must be a power of two >= 2, got ${capacity}`);
  return capacity - 1;
}

export abstract class SharedRing {
  protected readonly mask: number;

  constructor(
    protected readonly words: Int32Array,
    /** Word offset of the queue's first index word. */
    protected readonly base: number,
    readonly capacity: number,
  ) {
    this.mask = ringMask(capacity);
  }
}
