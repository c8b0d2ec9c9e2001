// Running task slots on a pool thread: claim one, find its function, call it, publish the outcome.
//
//   1. tryClaim (slot-state.ts): RUNNER = me, CAS QUEUED → RUNNING. A lost CAS means the owner took it
//      back (cancel, or a joiner running b itself): the number goes back to its owner's ring untouched.
//   2. The def number is looked up in this thread's cache; an unknown def is imported first
//      (asynchronously) and verified with the kit's resolveTask, exactly as the main thread does.
//   3. The body runs with a PoolContext (lazy AbortController, aborted when the slot's cancel flag is seen).
//   4. The result or error is written into the slot (or sent by message when too big), then
//      publishDone stores DONE, which publishes it; the number goes to its owner's ring and the owner
//      is woken if it sleeps. A join's b (mode JOIN) skips the ring: its joiner watches STATE instead
//      and is woken if it announced that it sleeps.
//   A task this thread owns and runs itself (mode TASK) never touches shared memory: the owner settles it.
import { CancelledError, WorkerCrashedError, type Runtime, type TaskContext, type TaskDef } from '@runtime-traits/core';
import { checkJoinResult, encodeError, isThenable } from '@runtime-traits/core/kit';
import { resolveTask, type TaskCell } from '@runtime-traits/kit';
import { SlotMode } from '../memory/layout.js';
import type { Shared } from '../memory/shared.js';
import { defOf, readArgs, useOf, writeResult } from '../memory/slot-payload.js';
import type { Mailbox } from '../threads/mailbox.js';
import type { ParkState } from '../threads/park-state.js';
import type { SlotOwner } from './owner.js';
import {
  cancelRequested, isLoading, markLoaded, markLoading, modeOf, ownerOf, publishDone, tryClaim, wakeStateWaiter,
} from './slot-state.js';

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

  get worker(): number | undefined {
    return this.runner.worker;
  }
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
  /** cx.worker: the worker's index (endpoint - 1); undefined on a blocking thread. */
  readonly worker: number | undefined;
  tasksRun = 0;
  /** The thread marked itself dead (threads/worker.ts): no body starts and no result is written any more (main's recovery owns its slots). */
  private halted = false;
  /**
   * Thread-per-core: a worker runs its tasks in the order they were placed. While a task's def
   * loads (an import), the tasks claimed after it wait here, and run, in order, once it has started.
   */
  private readonly inOrder: boolean;
  private loads = 0;
  private readonly held: Array<{ slot: number; args: unknown[] | undefined; order: number }> = [];
  /** Claims marked loading so far (their order, for recovery: slot-state.ts markLoading). */
  private claims = 0;
  /** The claim order of the held task being released now, which keeps its place if it must wait again; else -1. */
  private releasing = -1;

  constructor(
    private readonly shared: Shared,
    private readonly me: number,
    /** This thread's slots: its own tasks are settled there, and their JS arguments kept there. */
    private readonly owner: SlotOwner,
    /** This thread's port to main: big results go there, and cancel reasons come from there. */
    private readonly mail: Mailbox,
    /** This thread's idle state: left before task code runs outside the loop. */
    private readonly park: ParkState,
    /** What a task here sees as cx.runtime. */
    readonly runtime: Runtime,
  ) {
    this.slots = shared.slots;
    this.worker = shared.layout.isWorker(me) ? me - 1 : undefined;
    this.inOrder = shared.config.pinned === true && this.worker !== undefined;
  }

  /** Claims and runs a slot popped from a queue (one that was taken back goes back to its owner). */
  run(slot: number): void {
    if (tryClaim(this.slots, slot, this.me)) this.execute(slot, undefined);
    else this.handBack(slot);
  }

  /** Runs a claimed (RUNNING) slot; `args` given when they came by message. */
  execute(slot: number, args: unknown[] | undefined): void {
    this.tasksRun++;
    if (this.cancelFlag(slot)) {
      this.finish(slot, false, this.cancelError(slot));
      return;
    }
    if (this.loads > 0 && this.inOrder) {
      this.hold(slot, args);
      return;
    }
    const defNumber = defOf(this.slots, slot);
    const def = this.fns[defNumber];
    if (def) {
      this.call(slot, def, args);
      return;
    }
    this.callAfterLoad(slot, defNumber, args);
  }

  /**
   * Thread-per-core: claimed while an earlier task's def loads; runs after it (see `held`). Marked
   * loading like that task: should this thread die now, recovery puts both back, in claim order, and
   * the replacement runs them (unless their arguments came by message: those die with the thread).
   */
  private hold(slot: number, args: unknown[] | undefined): void {
    const order = this.claimOrder();
    if (this.movable(slot, args)) markLoading(this.slots, slot, order);
    this.running.set(slot, null);
    this.held.push({ slot, args, order });
  }

  /** A claimed slot another thread may run instead, should this one die before its body starts: its arguments are in the slot, and its owner is another thread. */
  private movable(slot: number, args: unknown[] | undefined): boolean {
    return args === undefined && ownerOf(this.slots, slot) !== this.me;
  }

  private claimOrder(): number {
    const order = this.releasing;
    if (order < 0) return this.claims++;
    this.releasing = -1;
    return order;
  }

  /** Thread-per-core: a def loaded; the tasks held behind it run in order, until one needs a load of its own. */
  private releaseHeld(): void {
    while (this.loads === 0 && this.held.length > 0 && !this.halted) {
      const { slot, args, order } = this.held.shift()!;
      this.running.delete(slot);
      markLoaded(this.slots, slot);
      this.tasksRun--; // (counted once, when it was claimed)
      this.releasing = order;
      this.execute(slot, args);
      this.releasing = -1;
    }
  }

  /** Runs one of this thread's own tasks through its handle (the handle is its context): no slot involved. */
  runOwn(cell: TaskCell<unknown>, def: AnyDef, args: unknown[]): void {
    this.tasksRun++;
    if (!cell.start()) return;
    let result: unknown;
    try {
      result = def.fn(cell, ...args);
    } catch (error) {
      cell.fail(error);
      return;
    }
    if (isThenable(result)) cell.settleWith(result);
    else cell.complete(result);
  }

  // (Closures live in their own methods: in execute/call they would cost a context on every call.)
  private callAfterLoad(slot: number, defNumber: number, args: unknown[] | undefined): void {
    this.running.set(slot, null);
    // Arguments in the slot and another owner: should this thread die before the body starts, the
    // main thread may hand the slot to another thread (threads/recovery.ts).
    const movable = this.movable(slot, args);
    if (movable) markLoading(this.slots, slot, this.claimOrder());
    if (this.inOrder) this.loads++;
    this.load(defNumber).then(
      (loaded) => {
        if (this.halted) return; // (still marked loading: recovery puts it back in a queue)
        this.running.delete(slot);
        if (movable) markLoaded(this.slots, slot);
        this.park.awake();
        this.call(slot, loaded, args);
        this.loaded();
      },
      (error) => { this.running.delete(slot); this.finish(slot, false, error); this.loaded(); },
    );
  }

  private loaded(): void {
    if (!this.inOrder) return;
    this.loads--;
    this.releaseHeld();
  }

  /** The thread marked itself dead: what still runs on it (a module load's continuation, an async body's) must not touch a slot. */
  halt(): void {
    this.halted = true;
  }

  /** Task bodies on this thread's stack now: 0 whenever an event-loop turn starts, unless the engine cut a body short (threads/worker.ts). */
  get bodiesOnStack(): number {
    return this.stack.length;
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
    if (this.halted) return;
    const mode = modeOf(this.slots, slot);
    if (this.cancelFlag(slot)) {
      this.finish(slot, false, this.cancelError(slot)); // cancelled while its module was loading
      return;
    }
    let args = given ?? this.owner.argsOf(slot);
    let result: unknown;
    const cx = new PoolContext(slot, this);
    this.stack.push(slot);
    try {
      args ??= readArgs(this.slots, this.shared.payload, slot);
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
      try {
        checkJoinResult(result, 'b');
      } catch (error) {
        this.finish(slot, false, error);
      }
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
    if (this.halted) return;
    const s = this.slots;
    if (this.reasons.size > 0) this.reasons.delete(slot);
    const owner = ownerOf(s, slot);
    const mode = modeOf(s, slot);
    if (owner === this.me && mode === SlotMode.TASK) {
      this.owner.complete(slot, { ok, value }); // our own task, run by us: nothing crosses threads
      return;
    }
    let fits: boolean;
    try {
      // An error too big for the slot goes whole by message, but not a join's: its joiner may wait on
      // the main thread, blocked, where no message is read (the message would be stuck with it).
      fits = writeResult(s, this.shared.payload, slot, ok, value, mode !== SlotMode.JOIN);
    } catch (error) {
      fits = writeResult(s, this.shared.payload, slot, false, new TypeError(`the task's result cannot be sent to another thread: ${(error as Error).message}`));
    }
    if (!fits) this.sendSide(slot, owner, ok, value);
    deliver(this.shared, slot, owner, mode);
  }

  private sendSide(slot: number, owner: number, ok: boolean, value: unknown): void {
    const use = useOf(this.shared.slots, slot);
    try {
      this.mail.post({ t: 'result', slot, use, owner, ok, value: ok ? value : encodeError(value) });
    } catch (error) {
      const record = encodeError(new TypeError(`the task's result cannot be sent to another thread: ${(error as Error).message}`));
      this.mail.post({ t: 'result', slot, use, owner, ok: false, value: record });
    }
  }

  /** A skipped slot goes back to its owner, which frees it. */
  private handBack(slot: number): void {
    const owner = ownerOf(this.slots, slot);
    if (owner === this.me) {
      this.owner.complete(slot, undefined);
      return;
    }
    this.shared.rings[owner]!.push(slot);
    this.shared.parker.unpark(owner);
  }

  cancelFlag(slot: number): boolean {
    return cancelRequested(this.slots, slot);
  }

  noteReason(slot: number, reason: unknown): void {
    this.reasons.set(slot, reason);
  }

  cancelReason(slot: number): unknown {
    if (!this.reasons.has(slot)) this.mail.pump(); // the main thread posts the reason before raising the flag
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

  /** Shutdown: aborts the signal of every task still running on this thread, whoever owns it, with `reason`. */
  abortRunning(reason: unknown): void {
    for (const cx of this.running.values()) {
      if (cx?.controller && !cx.controller.signal.aborted) cx.controller.abort(reason);
    }
  }

  /**
   * The thread is dying (`why`, said in each error's message; `cause`, what ended it, if anything):
   * every task it started fails with WorkerCrashedError so no owner waits forever.
   */
  failAll(why: string, cause?: unknown): void {
    for (const slot of [...this.stack, ...this.running.keys()]) {
      this.running.delete(slot);
      const owner = ownerOf(this.slots, slot);
      if (owner === this.me) continue;
      // Never started (its module was loading): the main thread puts it back in a queue (threads/recovery.ts).
      if (isLoading(this.slots, slot)) continue;
      const error = new WorkerCrashedError(`${this.shared.layout.threadName(this.me)} died while running this task: ${why}`, { cause });
      writeResult(this.slots, this.shared.payload, slot, false, error);
      deliver(this.shared, slot, owner, modeOf(this.slots, slot));
    }
  }
}

/**
 * Publishes a slot whose result was just written (DONE) and tells its owner: a JOIN slot's joiner is
 * woken if it announced that it sleeps (main waits on STATE, a pool thread parks: join.ts); any other
 * slot goes on the owner's completion ring and the owner is unparked if it sleeps. Called by the
 * runner, and by the main thread's recovery for a runner that died (threads/recovery.ts).
 */
export function deliver(shared: Shared, slot: number, owner: number, mode: SlotMode): void {
  const waiter = publishDone(shared.slots, slot);
  if (mode === SlotMode.JOIN) {
    if (!waiter) return;
    if (owner === 0) wakeStateWaiter(shared.slots, slot);
    else shared.parker.unpark(owner);
    return;
  }
  shared.rings[owner]!.push(slot);
  shared.parker.unpark(owner);
}
