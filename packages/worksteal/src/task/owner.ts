// SlotOwner: one thread's slots — allocating and writing them, the handles waiting on them, their completions, cancel.
//
// The main thread and every pool thread own a fixed range of slots (memory/layout.ts) and each uses
// one SlotOwner for it; they differ only in how a cancel reason reaches the runner (CancelCourier)
// and in how they wait for completions (their loops, not this class).
//
//   1. alloc() a free slot; write() the task into it (QUEUED); adopt() its handle; the caller pushes
//      the number on a queue (or, for a join's b, keeps it: join.ts).
//   2. A runner finishes it and pushes the number on this owner's completion ring; drain() reads the
//      ring and settles each handle (a result too big for the slot also arrives by message, and the
//      second of the two halves settles it: side-results.ts); complete() frees the slot.
//   3. A pool thread that pops its own queued task runs it straight through its handle: ownCell(), takeOwn().
//
// Invariants: only this thread touches these arrays and allocates or frees these slots (so the free
// list is a plain array); a slot is freed only once no queue can hold its number; cells[i], defs[i]
// and args[i] describe slot base + i while it is in flight, and are cleared when it is freed.
import { decodeError, type ErrorRecord } from '@runtime-traits/core/kit';
import { CancelledError, type TaskDef } from '@runtime-traits/core';
import { cancelledError, type TaskCell, type TaskOwner } from '@runtime-traits/kit';
import { SlotMode } from '../memory/layout.js';
import type { Shared } from '../memory/shared.js';
import { readResult, useOf, writeTask, type SlotResult } from '../memory/slot-payload.js';
import { RemoteTask, type RemoteHost } from './remote-task.js';
import { SideResults, type Outcome } from './side-results.js';
import {
  isStarted, markFree, markQueued, raiseCancel, runnerOf, SlotState, startOn, stateOf, tryTakeBack,
} from './slot-state.js';

type AnyDef = TaskDef<unknown[], unknown>;

/** How a cancel reason reaches the thread running a task: the one thing main and pool threads do differently. */
export interface CancelCourier {
  /** Before the cancel flag goes up: make `reason` available to `runner` (which reads it once it sees the flag). */
  sendReason(runner: number, slot: number, reason: unknown): void;
  /** After the flag went up, when the runner is this very thread: abort the task's signal now. */
  abortHere(): void;
}

export class SlotOwner implements RemoteHost {
  readonly base: number;
  readonly count: number;
  readonly sideResults = new SideResults();
  /** The slots buffer's Int32 view (every slot's header). */
  readonly slots: Int32Array;
  private readonly free: number[] = [];
  /** Handles of tasks in these slots (by slot - base); none for a join's b. */
  private readonly cells: Array<RemoteTask<unknown> | undefined> = [];
  /** The def and JS arguments of a task spawned on this very thread (it may run it without decoding). */
  private readonly defs: Array<AnyDef | undefined> = [];
  private readonly args: Array<unknown[] | undefined> = [];
  private readonly onSlot = (slot: number): void => this.completion(slot);
  /** Left by takeOwn (fields, not a returned object: nothing allocated per task). */
  takenDef: AnyDef | undefined = undefined;
  takenArgs: unknown[] | undefined = undefined;
  /** Makes this owner's handles (a field: a closure made in a method would cost a context per call). */
  readonly makeCell = (id: number, owner: TaskOwner, name: string | undefined, signal?: AbortSignal): RemoteTask<unknown> =>
    new RemoteTask(id, owner, name, signal, this);

  constructor(private readonly shared: Shared, readonly me: number, fresh: boolean, private readonly courier: CancelCourier) {
    this.base = shared.layout.slotBase(me);
    this.count = shared.layout.slotCount(me);
    this.slots = shared.slots;
    // Highest first so alloc() hands out low numbers first (easier to read in a debugger). A
    // replacement for a dead thread inherits its slots: those still in flight come back through the
    // ring later and are freed then.
    for (let i = this.count - 1; i >= 0; i--) {
      const slot = this.base + i;
      if (fresh || stateOf(this.slots, slot) === SlotState.FREE) this.free.push(slot);
    }
  }

  owns(slot: number): boolean {
    return slot >= this.base && slot < this.base + this.count;
  }

  get inFlight(): number {
    return this.count - this.free.length;
  }

  /** A free slot, or -1 when every one is in flight. */
  alloc(): number {
    return this.free.length > 0 ? this.free.pop()! : -1;
  }

  /**
   * Fills a slot for def number `def` and `args` and marks it QUEUED (the caller's queue push then
   * publishes it). False when the arguments do not fit (they must travel by message); the slot stays allocated.
   */
  write(slot: number, def: number, args: readonly unknown[], mode: SlotMode): boolean {
    if (!writeTask(this.slots, this.shared.payload, slot, def, mode, args)) return false;
    markQueued(this.slots, slot);
    return true;
  }

  /** A task whose arguments travel by message to `runner`: RUNNING there from now on (the caller posts them). */
  startOn(slot: number, def: number, runner: number): void {
    writeTask(this.slots, this.shared.payload, slot, def, SlotMode.TASK, undefined);
    startOn(this.slots, slot, runner);
  }

  /** The handle waiting on `slot` (and, on a pool thread, the task's def and JS arguments). */
  adopt(slot: number, cell: RemoteTask<unknown>, def?: AnyDef, args?: unknown[]): void {
    const i = slot - this.base;
    this.cells[i] = cell;
    if (def) {
      this.defs[i] = def;
      this.args[i] = args;
    }
    cell.slot = slot;
  }

  /** Keeps (or, with undefined, forgets) the JS arguments of a slot this thread wrote: a join's b. */
  keepArgs(slot: number, args: unknown[] | undefined): void {
    this.args[slot - this.base] = args;
  }

  /** The JS arguments kept for a slot, if it is this owner's and they were kept. */
  argsOf(slot: number): unknown[] | undefined {
    const i = slot - this.base;
    return i >= 0 && i < this.count ? this.args[i] : undefined;
  }

  /** The handle of a task this thread spawned into `slot`, or undefined (another owner's slot, a join's b). */
  ownCell(slot: number): RemoteTask<unknown> | undefined {
    const i = slot - this.base;
    return i >= 0 && i < this.count ? this.cells[i] : undefined;
  }

  /**
   * A pool thread popped its own task (ownCell) from a queue: nobody else can reach it any more (it
   * left every queue, and only this thread cancels it). Still QUEUED: the slot is freed, the def and
   * arguments left in `takenDef`/`takenArgs` to run it straight through its handle, and true returned.
   * Cancelled while queued: the slot is freed as skipped, false.
   */
  takeOwn(slot: number): boolean {
    if (stateOf(this.slots, slot) !== SlotState.QUEUED) {
      this.complete(slot, undefined);
      return false;
    }
    const i = slot - this.base;
    this.takenDef = this.defs[i];
    this.takenArgs = this.args[i];
    this.cells[i]!.slot = -1;
    this.cells[i] = undefined;
    this.defs[i] = undefined;
    this.args[i] = undefined;
    this.release(slot);
    return true;
  }

  /** Frees a slot no queue can hold any more. */
  release(slot: number): void {
    markFree(this.slots, slot);
    if (this.sideResults.size > 0) this.sideResults.forget(slot); // a message that came before a crash was written (a join's)
    this.free.push(slot);
  }

  /** A finished (or, without an outcome, skipped) slot: settle its handle, if any, and free the slot. */
  complete(slot: number, outcome: Outcome | undefined): void {
    const i = slot - this.base;
    const cell = this.cells[i];
    this.cells[i] = undefined;
    this.defs[i] = undefined;
    this.args[i] = undefined;
    this.release(slot);
    if (!cell || !outcome) return;
    if (outcome.ok) cell.complete(outcome.value);
    else cell.fail(withOwnReason(cell, outcome.value));
  }

  /** Reads this owner's completion ring to the end, settling each slot. Returns how many there were. */
  drain(): number {
    const ring = this.shared.rings[this.me]!;
    let n = 0;
    for (let slot = ring.pop(); slot >= 0; slot = ring.pop()) {
      n++;
      this.onSlot(slot);
    }
    return n;
  }

  /** A DONE slot's outcome as written by its runner. */
  result(slot: number): SlotResult {
    return readResult(this.slots, this.shared.payload, slot);
  }

  private completion(slot: number): void {
    if (!this.cells[slot - this.base] || stateOf(this.slots, slot) !== SlotState.DONE) {
      this.complete(slot, undefined); // skipped (taken back while queued), or a handle already gone
      return;
    }
    const outcome = this.sideResults.ofRingEntry(slot, this.result(slot));
    if (outcome) this.complete(slot, outcome);
  }

  /**
   * A result too big for its slot arrived by message (an error as its record); settles the task if its
   * ring entry came too. A message for an earlier task of the slot (`use`) is dropped: its runner died
   * after sending it, recovery finished that task, and the slot is free or holds another task now.
   */
  sideResultCame(slot: number, use: number, ok: boolean, value: unknown): boolean {
    if (use !== useOf(this.slots, slot) || stateOf(this.slots, slot) === SlotState.FREE) return false;
    const outcome = { ok, value: ok ? value : decodeError(value as ErrorRecord) };
    if (!this.sideResults.messageCame(slot, outcome)) return false;
    this.complete(slot, outcome);
    return true;
  }

  /** Fails the tasks whose big result `runner` announced but never sent (it died). */
  failSideResultsFrom(runner: number, error: unknown): void {
    for (const slot of this.sideResults.takeAwaitingMessage((at) => runnerOf(this.slots, at) === runner)) {
      this.complete(slot, { ok: false, value: error });
    }
  }

  // ── RemoteHost: what a RemoteTask asks of its owner ───────────────────────
  started(slot: number): boolean {
    return isStarted(this.slots, slot);
  }

  tryCancelQueued(slot: number): boolean {
    return tryTakeBack(this.slots, slot);
  }

  /** Raises the cancel flag of a running task (its reason sent first) and makes the runner look. */
  requestCancel(slot: number, reason: unknown): void {
    const runner = runnerOf(this.slots, slot); // set before the task could be seen started (slot-state.ts)
    this.courier.sendReason(runner, slot, reason);
    raiseCancel(this.slots, slot);
    if (runner === this.me) this.courier.abortHere();
    else if (runner > 0) this.shared.parker.nudge(runner); // the reason's post may have woken it before the flag went up
  }
}

/**
 * A cancelled task's error as its owner settles it. A runner that saw the cancel flag without the
 * reason (the replacement of a worker that died, running a task put back before it started: the
 * reason had been sent to the dead one) reports a CancelledError without a cause; the cell has it.
 */
function withOwnReason(cell: TaskCell<unknown>, error: unknown): unknown {
  if (!cell.cancelling || cell.cancelReason === undefined) return error;
  if (!CancelledError.is(error) || (error as Error).cause !== undefined) return error;
  return cancelledError(cell.cancelReason);
}
