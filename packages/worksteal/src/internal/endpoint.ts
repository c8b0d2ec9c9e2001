// One thread's side of task ownership: its private free list of slots, writing a task into a slot,
// reading a finished one back, and draining its completion ring.
//
// Slot ownership: endpoint e owns slots [slotBase(e), slotBase(e) + slotCount(e)) and is the only
// thread that allocates or frees them, so the free list is a plain array. A slot is freed only when
// no queue can still hold its number: after its completion came through the ring (or, for a join's
// b, after the joiner saw DONE, since a JOIN slot is never put on the ring).
import { decodeValue, encodedLength, encodeValue, encodeValues, Kind, KIND_ERROR, type PayloadView } from './codec.js';
import { decodeError, encodeError, type ErrorRecord } from '@runtime-traits/core/kit';
import { FLAG_CANCEL, Layout, PAYLOAD_BYTES, S, SlotMode, SlotState } from './layout.js';
import type { Shared } from './shared.js';

export class Endpoint {
  readonly base: number;
  readonly count: number;
  private readonly free: number[] = [];
  private readonly slots: Int32Array;
  private readonly payload: PayloadView;

  constructor(readonly shared: Shared, readonly me: number, fresh: boolean) {
    this.base = shared.layout.slotBase(me);
    this.count = shared.layout.slotCount(me);
    this.slots = shared.slots;
    this.payload = shared.payload;
    // Highest first so pop() hands out low numbers first (easier to read in a debugger).
    for (let i = this.count - 1; i >= 0; i--) {
      const slot = this.base + i;
      // A replacement for a dead thread inherits its slots: those still in flight come back
      // through the ring later and are freed then ("orphans").
      if (fresh || Atomics.load(this.slots, Layout.slotWord(slot) + S.STATE) === SlotState.FREE) this.free.push(slot);
    }
  }

  owns(slot: number): boolean {
    return slot >= this.base && slot < this.base + this.count;
  }

  /** A free slot of this endpoint, or -1 when every one is in flight. */
  alloc(): number {
    return this.free.length > 0 ? this.free.pop()! : -1;
  }

  release(slot: number): void {
    // Only this thread uses a slot of its range between release and the next publishing push.
    this.slots[Layout.slotWord(slot) + S.STATE] = SlotState.FREE;
    this.free.push(slot);
  }

  get inFlight(): number {
    return this.count - this.free.length;
  }

  /**
   * Fills a slot for `def` and `args` and marks it QUEUED (not yet in any queue: the caller pushes
   * it, and that push publishes everything written here). Returns false when the arguments do not fit
   * (they must then travel by message).
   */
  write(slot: number, def: number, args: readonly unknown[], mode: SlotMode): boolean {
    const s = this.slots;
    const h = Layout.slotWord(slot);
    const kind = encodeValues(this.payload, Layout.payloadByte(slot), PAYLOAD_BYTES, args);
    const length = encodedLength;
    s[h + S.DEF] = def;
    s[h + S.MODE] = mode;
    s[h + S.KIND] = kind;
    s[h + S.LEN] = length;
    s[h + S.RUNNER] = -1;
    s[h + S.FLAGS] = 0;
    s[h + S.WAITER] = 0;
    // Plain stores are enough: no other thread looks at this slot until it takes the number from a
    // queue, and the queue's publishing Atomics.store (deque bottom, injector seq) comes after these.
    s[h + S.STATE] = SlotState.QUEUED;
    return kind !== Kind.SIDE;
  }

  state(slot: number): SlotState {
    return Atomics.load(this.slots, Layout.slotWord(slot) + S.STATE) as SlotState;
  }

  /** Takes back a task nobody started (cancel, or a join reclaiming its b). Its number stays queued and is skipped. */
  tryCancelQueued(slot: number): boolean {
    const h = Layout.slotWord(slot);
    return Atomics.compareExchange(this.slots, h + S.STATE, SlotState.QUEUED, SlotState.CANCELLED) === SlotState.QUEUED;
  }

  /** Raises the cancel flag the runner polls; returns the endpoint running it (or -1). */
  requestCancel(slot: number): number {
    const h = Layout.slotWord(slot);
    Atomics.or(this.slots, h + S.FLAGS, FLAG_CANCEL);
    return Atomics.load(this.slots, h + S.RUNNER);
  }

  /** A DONE slot's outcome. `side` means the value travels by message instead. */
  readResult(slot: number): { ok: boolean; value: unknown; side: boolean } {
    return readResult(this.slots, this.payload, slot);
  }

  /** Calls `onSlot` for every completion waiting in this endpoint's ring. */
  drain(onSlot: (slot: number) => void): number {
    const ring = this.shared.rings[this.me]!;
    let n = 0;
    for (let slot = ring.pop(); slot >= 0; slot = ring.pop()) {
      n++;
      onSlot(slot);
    }
    return n;
  }
}

export function readResult(slots: Int32Array, payload: PayloadView, slot: number): { ok: boolean; value: unknown; side: boolean } {
  const h = Layout.slotWord(slot);
  const kindBits = slots[h + S.KIND]!;
  const ok = (kindBits & KIND_ERROR) === 0;
  const kind = (kindBits & ~KIND_ERROR) as Kind;
  if (kind === Kind.SIDE) return { ok, value: undefined, side: true };
  const value = decodeValue(payload, Layout.payloadByte(slot), kind, slots[h + S.LEN]!);
  return { ok, value: ok ? value : decodeError(value as ErrorRecord), side: false };
}

/**
 * Writes a result (or an error) into a slot. Returns false when it does not fit: the caller sends it
 * by message. Does not publish: the caller stores DONE afterwards.
 */
export function writeResult(slots: Int32Array, payload: PayloadView, slot: number, ok: boolean, value: unknown): boolean {
  const h = Layout.slotWord(slot);
  const at = Layout.payloadByte(slot);
  let kind = encodeValue(payload, at, PAYLOAD_BYTES, ok ? value : encodeError(value));
  if (!ok && kind === Kind.SIDE) {
    // Errors stay in shared memory (a message could be lost with a dying thread): drop the stack,
    // then shorten the message, until the record fits.
    const record = encodeError(value);
    delete record.stack;
    kind = encodeValue(payload, at, PAYLOAD_BYTES, record);
    if (kind === Kind.SIDE) {
      record.message = record.message.slice(0, 80);
      delete record.value;
      kind = encodeValue(payload, at, PAYLOAD_BYTES, record);
    }
  }
  const length = kind === Kind.SIDE ? 0 : encodedLength;
  slots[h + S.KIND] = ok ? kind : kind | KIND_ERROR;
  slots[h + S.LEN] = length;
  return kind !== Kind.SIDE;
}
