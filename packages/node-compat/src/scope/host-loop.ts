// HostLoop: a simulated host's Node event loop — its timers and immediates, run one callback per turn of the runtime's scheduler.
//
// HOW: the loop keeps its own timer heap (ordered by due time, then creation: Node's order) and a
// FIFO of immediates, and keeps exactly ONE registration with the runtime (HostHooks) at a time:
//   - a callback is runnable now (a due timer, or an immediate) → `soon(step)` (the ready queue);
//   - else the earliest timer → `schedule(due, step)`, weak when every pending timer is unref'd and
//     no ref'd connection is open (keepAlive): an open socket keeps a Node process alive, so its
//     unref'd timers (socket.setTimeout, undici's, AbortSignal.timeout) still fire; a listening
//     server alone does not count here, or http.Server's unref'd 30 s check would keep every
//     simulation with a server busy for ever and no deadlock would ever be reported;
//   - else nothing.
// step() runs ONE callback — a due timer first, else the oldest immediate — then registers again.
// WHY one per turn: Node drains the microtask queue after every timer and immediate callback; a
// turn of the runtime ends with its microtasks drained, so each callback sees the effects of the
// previous one, as in Node. WHY one registration: the scheduler shuffles what it wakes together
// (that is how a Simulation explores orderings between hosts), so within one host, order must come
// from here — FIFO for immediates, due-then-creation for timers, exactly as Node runs them.
// WHY this counts as pending work: the registration sits in the runtime's own queue or timer heap,
// so a simulation never calls a host idle (DeadlockError) while one of its callbacks is queued.
// A crash drops the registration with the host's other timers; the scope then clears this loop.
import type { Clock, HostHooks } from '@runtime-traits/core';

/** A timer the loop can run: its due time and heap bookkeeping live on the timer object itself. */
export interface LoopTimer {
  /** Due time on the runtime clock. Written only while not queued. */
  due: number;
  /** Creation order (the tie-break). Owned by the loop. */
  seq: number;
  /** Index in the heap; -1 when not queued. Owned by the loop. */
  slot: number;
  /** Unref'd timers alone do not keep the runtime busy. */
  hasRef(): boolean;
  /** Called when due; the timer is no longer queued. */
  runDue(): void;
  /** For the trace: what runs. */
  describe(): string;
}

export interface LoopImmediate {
  runDue(): void;
  describe(): string;
}

export class HostLoop {
  private readonly heap: LoopTimer[] = [];
  private seq = 0;
  private immediates: Array<LoopImmediate | undefined> = [];
  private head = 0;
  /** Queued timers that are ref'd. */
  private strong = 0;
  /** A ref'd connection of the scope is open: unref'd timers keep the host busy too (keepAlive). */
  private alive = false;
  private cancel: (() => void) | undefined = undefined;
  /** What the current registration is: 'soon', or the due time it was scheduled for. */
  private registered: 'soon' | number | undefined = undefined;
  private registeredWeak = false;
  private readonly onStep = (): void => this.step();
  private readonly stepLabel = (): string => `${this.hooks.hostName} node ${this.next()}`;

  constructor(private readonly hooks: HostHooks, private readonly clock: Clock) {}

  addTimer(timer: LoopTimer): void {
    timer.seq = this.seq++;
    timer.slot = this.heap.length;
    this.heap.push(timer);
    this.up(timer.slot);
    if (timer.hasRef()) this.strong++;
    this.arm();
  }

  removeTimer(timer: LoopTimer): void {
    const i = timer.slot;
    if (i < 0 || this.heap[i] !== timer) return;
    this.take(i);
    this.arm();
  }

  /** A queued timer was ref'd or unref'd. */
  refChanged(timer: LoopTimer, refed: boolean): void {
    if (timer.slot < 0 || this.heap[timer.slot] !== timer) return;
    this.strong += refed ? 1 : -1;
    this.arm();
  }

  /** Whether a ref'd connection is open: while one is, an unref'd timer counts as pending work too. */
  keepAlive(alive: boolean): void {
    if (this.alive === alive) return;
    this.alive = alive;
    this.arm();
  }

  addImmediate(immediate: LoopImmediate): void {
    this.immediates.push(immediate);
    this.arm();
  }

  removeImmediate(immediate: LoopImmediate): void {
    const i = this.immediates.indexOf(immediate, this.head);
    if (i >= 0) this.immediates[i] = undefined; // skipped when its turn comes
  }

  /** Forgets everything (the host crashed or shut down, or the scope ended): nothing queued runs. */
  clear(): void {
    for (const t of this.heap) t.slot = -1;
    this.heap.length = 0;
    this.strong = 0;
    this.immediates = [];
    this.head = 0;
    this.unregister();
  }

  /** The loop's pending timers and immediates (a scope ending clears the unref'd ones it finds here). */
  pendingTimers(): readonly LoopTimer[] {
    return this.heap.slice();
  }

  private step(): void {
    this.cancel = undefined;
    this.registered = undefined;
    const top = this.heap[0];
    if (top !== undefined && top.due <= this.clock.now()) {
      this.take(0);
      top.runDue();
    } else {
      const immediate = this.shiftImmediate();
      immediate?.runDue();
    }
    this.arm();
  }

  /** Keeps exactly one registration with the runtime for what is due next. */
  private arm(): void {
    const top = this.heap[0];
    if (this.hasImmediate() || (top !== undefined && top.due <= this.clock.now())) {
      if (this.registered === 'soon') return;
      this.unregister();
      this.registered = 'soon';
      this.cancel = this.hooks.soon(this.onStep, this.stepLabel);
      return;
    }
    if (top === undefined) {
      this.unregister();
      return;
    }
    const weak = this.strong === 0 && !this.alive;
    if (this.registered === top.due && this.registeredWeak === weak) return;
    this.unregister();
    this.registered = top.due;
    this.registeredWeak = weak;
    this.cancel = this.hooks.schedule(top.due, this.onStep, this.stepLabel, weak);
  }

  private unregister(): void {
    const cancel = this.cancel;
    this.cancel = undefined;
    this.registered = undefined;
    cancel?.();
  }

  /** For the trace: what the next step will run. */
  private next(): string {
    const top = this.heap[0];
    if (top !== undefined && top.due <= this.clock.now()) return top.describe();
    for (let i = this.head; i < this.immediates.length; i++) {
      const immediate = this.immediates[i];
      if (immediate) return immediate.describe();
    }
    return 'idle';
  }

  private hasImmediate(): boolean {
    while (this.head < this.immediates.length && this.immediates[this.head] === undefined) this.head++;
    if (this.head < this.immediates.length) return true;
    if (this.head > 0) {
      this.immediates = [];
      this.head = 0;
    }
    return false;
  }

  private shiftImmediate(): LoopImmediate | undefined {
    if (!this.hasImmediate()) return undefined;
    const immediate = this.immediates[this.head];
    this.immediates[this.head++] = undefined;
    return immediate;
  }

  // ── the heap (by due, then seq) ──────────────────────────────────────────
  private take(i: number): void {
    const heap = this.heap;
    const timer = heap[i]!;
    if (timer.hasRef()) this.strong--;
    const last = heap.pop()!;
    timer.slot = -1;
    if (i === heap.length) return;
    heap[i] = last;
    last.slot = i;
    this.down(i);
    this.up(last.slot);
  }

  private less(a: LoopTimer, b: LoopTimer): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private up(i: number): void {
    const heap = this.heap;
    const item = heap[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = heap[p]!;
      if (!this.less(item, parent)) break;
      heap[i] = parent;
      parent.slot = i;
      i = p;
    }
    heap[i] = item;
    item.slot = i;
  }

  private down(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const item = heap[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.less(heap[r]!, heap[l]!) ? r : l;
      const child = heap[c]!;
      if (!this.less(child, item)) break;
      heap[i] = child;
      child.slot = i;
      i = c;
    }
    heap[i] = item;
    item.slot = i;
  }
}
