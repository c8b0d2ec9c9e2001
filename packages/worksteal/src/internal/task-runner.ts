// Running a task slot on a pool thread: claim it, find its function, call it, publish the outcome.
//
//   1. store RUNNER = me, then CAS STATE QUEUED → RUNNING. A failed CAS means the owner cancelled it
//      (or a joiner took it back): the slot is handed to its owner's ring untouched ("skipped").
//   2. the def number is looked up in this thread's cache; an unknown def is imported first
//      (asynchronously) and verified with the kit's resolveTask, exactly as the main thread does.
//   3. the body runs with a PoolContext (lazy AbortController, aborted when the slot's cancel flag is seen).
//   4. the result or error is written into the slot (or sent by message when too big), then STATE =
//      DONE is stored, which publishes it; the slot goes to its owner's ring and the owner is woken
//      if it sleeps. A join's b (mode JOIN) skips the ring: its joiner watches STATE instead (and is
//      unparked, or notified on STATE when it is the main thread, if it set WAITER).
import { CancelledError, WorkerCrashedError, type Runtime, type TaskContext, type TaskDef } from '@runtime-traits/core';
import { isThenable, resolveTask } from '@runtime-traits/core/kit';
import { decodeValues, Kind } from './codec.js';
import { encodeError } from '@runtime-traits/core/kit';
import { writeResult } from './endpoint.js';
import { FLAG_CANCEL, FLAG_LOADING, Layout, S, SlotMode, SlotState } from './layout.js';
import type { Shared } from './shared.js';

type AnyDef = TaskDef<unknown[], unknown>;

/** What a pool task sees: its cancel signal (made on first use) and the worker's runtime view. */
export class PoolContext implements TaskContext {
  controller: AbortController | undefined = undefined;
  constructor(readonly slot: number, private readonly runner: TaskRunner) {}

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.runner.cancelFlag(this.slot)) this.controller.abort(this.runner.cancelReason(this.slot));
    }
    return this.controller.signal;
  }

  get runtime(): Runtime {
    return this.runner.runtime;
  }
}

export interface RunnerHooks {
  /** A slot owned by this very thread finished (or was skipped: no outcome): deliver it locally, no ring. */
  completeLocal(slot: number, outcome: { ok: boolean; value: unknown } | undefined): void;
  /** A result too big for the slot: send it to main (which forwards it to the owner). */
  sendResult(slot: number, owner: number, ok: boolean, value: unknown): void;
  /** Local arguments kept for a slot this thread spawned (skips decoding), if any. */
  localArgs(slot: number): unknown[] | undefined;
  /** Reads this thread's pending mail now (a cancel reason may be in it). */
  pumpMail(): void;
  /** Task code is about to run outside the thread's loop (a promise continuation): leave any park first. */
  awake(): void;
}

export class TaskRunner {
  private readonly fns: Array<AnyDef | undefined> = [];
  private readonly loading = new Map<number, Promise<AnyDef>>();
  /** Slots whose body is awaiting something on this thread (null: its module is still loading). */
  readonly running = new Map<number, PoolContext | null>();
  /** Slots whose body is on the call stack right now (joins nest them). */
  private readonly stack: number[] = [];
  private readonly reasons = new Map<number, unknown>();
  private readonly slots: Int32Array;
  runtime!: Runtime;
  tasksRun = 0;

  constructor(private readonly shared: Shared, private readonly me: number, private readonly hooks: RunnerHooks) {
    this.slots = shared.slots;
  }

  /** Step 1. Returns false when the slot was skipped. */
  claim(slot: number): boolean {
    const h = Layout.slotWord(slot);
    Atomics.store(this.slots, h + S.RUNNER, this.me);
    if (Atomics.compareExchange(this.slots, h + S.STATE, SlotState.QUEUED, SlotState.RUNNING) === SlotState.QUEUED) return true;
    this.handBack(slot);
    return false;
  }

  /** Claims and runs a slot popped from a queue. */
  run(slot: number): void {
    if (this.claim(slot)) this.execute(slot, undefined);
  }

  /** Runs a claimed (RUNNING) slot; `args` given when they came by message. */
  execute(slot: number, args: unknown[] | undefined): void {
    const h = Layout.slotWord(slot);
    this.tasksRun++;
    if ((Atomics.load(this.slots, h + S.FLAGS) & FLAG_CANCEL) !== 0) {
      this.finish(slot, false, this.cancelError(slot));
      return;
    }
    const defNumber = this.slots[h + S.DEF]!;
    const def = this.fns[defNumber];
    if (def) {
      this.call(slot, def, args);
      return;
    }
    this.callAfterLoad(slot, defNumber, args);
  }

  // (Closures live in their own methods: in execute/call they would cost a context on every call.)
  private callAfterLoad(slot: number, defNumber: number, args: unknown[] | undefined): void {
    this.running.set(slot, null);
    // Arguments in the slot and another owner: should this thread die before the body starts, the
    // main thread may hand the slot to another thread (recovery.ts).
    const h = Layout.slotWord(slot);
    const movable = args === undefined && this.slots[h + S.OWNER] !== this.me;
    if (movable) Atomics.or(this.slots, h + S.FLAGS, FLAG_LOADING);
    this.load(defNumber).then(
      (loaded) => {
        this.running.delete(slot);
        if (movable) Atomics.and(this.slots, h + S.FLAGS, ~FLAG_LOADING);
        this.hooks.awake();
        this.call(slot, loaded, args);
      },
      (error) => { this.running.delete(slot); this.finish(slot, false, error); },
    );
  }

  /** Registers a def this thread already holds (spawned from here), so it need not be imported. */
  know(defNumber: number, def: AnyDef): void {
    this.fns[defNumber] ??= def;
  }

  knows(defNumber: number): boolean {
    return this.fns[defNumber] !== undefined;
  }

  load(defNumber: number): Promise<AnyDef> {
    let found = this.loading.get(defNumber);
    if (!found) {
      const [module, name] = this.shared.defs.lookup(defNumber);
      found = resolveTask({ module, name, fn: () => undefined } as AnyDef).then((def) => {
        this.fns[defNumber] = def;
        return def;
      });
      this.loading.set(defNumber, found);
      found.catch(() => this.loading.delete(defNumber));
    }
    return found;
  }

  private call(slot: number, def: AnyDef, given: unknown[] | undefined): void {
    const h = Layout.slotWord(slot);
    const mode = this.slots[h + S.MODE] as SlotMode;
    if ((Atomics.load(this.slots, h + S.FLAGS) & FLAG_CANCEL) !== 0) {
      this.finish(slot, false, this.cancelError(slot)); // cancelled while its module was loading
      return;
    }
    let args = given ?? this.hooks.localArgs(slot);
    let result: unknown;
    const cx = new PoolContext(slot, this);
    this.stack.push(slot);
    try {
      args ??= decodeValues(this.shared.payload, Layout.payloadByte(slot), this.slots[h + S.KIND] as Kind, this.slots[h + S.LEN]!);
      result = def.fn(cx, ...args);
    } catch (error) {
      this.stack.pop();
      this.finish(slot, false, error);
      return;
    }
    this.stack.pop();
    if (!isThenable(result)) {
      this.finish(slot, true, result);
      return;
    }
    if (mode === SlotMode.JOIN) {
      result.then(undefined, () => undefined);
      this.finish(slot, false, new TypeError('join: b returned a promise; join bodies must be synchronous'));
      return;
    }
    this.finishLater(slot, cx, result);
  }

  private finishLater(slot: number, cx: PoolContext, result: PromiseLike<unknown>): void {
    this.running.set(slot, cx);
    result.then(
      (value) => { this.running.delete(slot); this.finish(slot, true, value); },
      (error) => { this.running.delete(slot); this.finish(slot, false, error); },
    );
  }

  /** Step 4. */
  finish(slot: number, ok: boolean, value: unknown): void {
    const s = this.slots;
    const h = Layout.slotWord(slot);
    if (this.reasons.size > 0) this.reasons.delete(slot);
    const owner = s[h + S.OWNER]!;
    const mode = s[h + S.MODE] as SlotMode;
    if (owner === this.me && mode === SlotMode.TASK) {
      // Our own task, run by us: no need to go through shared memory at all.
      this.hooks.completeLocal(slot, { ok, value });
      return;
    }
    let fits: boolean;
    try {
      fits = writeResult(s, this.shared.payload, slot, ok, value);
    } catch (error) {
      fits = writeResult(s, this.shared.payload, slot, false, new TypeError(`the task's result cannot be sent to another thread: ${(error as Error).message}`));
    }
    if (!fits) this.sendSide(slot, owner, ok, value);
    this.publish(slot, owner, mode);
  }

  private sendSide(slot: number, owner: number, ok: boolean, value: unknown): void {
    try {
      this.hooks.sendResult(slot, owner, ok, ok ? value : encodeError(value));
    } catch (error) {
      this.hooks.sendResult(slot, owner, false, encodeError(new TypeError(`the task's result cannot be sent to another thread: ${(error as Error).message}`)));
    }
  }

  private publish(slot: number, owner: number, mode: SlotMode): void {
    const h = Layout.slotWord(slot);
    Atomics.store(this.slots, h + S.STATE, SlotState.DONE); // publishes the result written above
    if (mode === SlotMode.JOIN) {
      // A joiner that stopped looking: the main thread waits on STATE, a pool thread parks (join.ts).
      if (Atomics.load(this.slots, h + S.WAITER) !== 0) {
        if (owner === 0) Atomics.notify(this.slots, h + S.STATE);
        else this.shared.parker.unpark(owner);
      }
      return;
    }
    this.shared.rings[owner]!.push(slot);
    this.shared.parker.unpark(owner);
  }

  /** A skipped slot goes back to its owner, which frees it. */
  handBack(slot: number): void {
    const owner = this.slots[Layout.slotWord(slot) + S.OWNER]!;
    if (owner === this.me) {
      this.hooks.completeLocal(slot, undefined);
      return;
    }
    this.shared.rings[owner]!.push(slot);
    this.shared.parker.unpark(owner);
  }

  cancelFlag(slot: number): boolean {
    return (Atomics.load(this.slots, Layout.slotWord(slot) + S.FLAGS) & FLAG_CANCEL) !== 0;
  }

  noteReason(slot: number, reason: unknown): void {
    this.reasons.set(slot, reason);
  }

  cancelReason(slot: number): unknown {
    if (!this.reasons.has(slot)) this.hooks.pumpMail(); // the main thread posts the reason before raising the flag
    return this.reasons.has(slot) ? this.reasons.get(slot) : new CancelledError('The task was cancelled');
  }

  private cancelError(slot: number): unknown {
    const reason = this.cancelReason(slot);
    return CancelledError.is(reason) ? reason : new CancelledError('The task was cancelled', { cause: reason });
  }

  /** Aborts the signal of every running task whose cancel flag went up. */
  pollCancels(): void {
    for (const [slot, cx] of this.running) {
      if (cx?.controller && !cx.controller.signal.aborted && this.cancelFlag(slot)) cx.controller.abort(this.cancelReason(slot));
    }
  }

  /** The thread is dying: every task it started fails with WorkerCrashedError so no owner waits forever. */
  failAll(cause: unknown): void {
    for (const slot of [...this.stack, ...this.running.keys()]) {
      this.running.delete(slot);
      const owner = this.slots[Layout.slotWord(slot) + S.OWNER]!;
      if (owner === this.me) continue;
      // Never started (its module was loading): the main thread requeues it (recovery.ts).
      if ((this.slots[Layout.slotWord(slot) + S.FLAGS]! & FLAG_LOADING) !== 0) continue;
      const error = new WorkerCrashedError(`worker ${this.me} died while running this task`, { cause });
      const h = Layout.slotWord(slot);
      writeResult(this.slots, this.shared.payload, slot, false, error);
      this.publish(slot, owner, this.slots[h + S.MODE] as SlotMode);
    }
  }
}
