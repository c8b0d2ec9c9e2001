// A worker's own tasks that only this thread runs (no free slot, or a transfer list): promise jobs released in chunks.
//
// HOW: spawn makes a kit TaskCell whose handle is `gate.then(runNext)`, the promise of the very job
// that will run the body (TaskCell.runJob), and appends an entry to `ring` (a kit Fifo): cell, def,
// argument count, then up to MAX_INLINE arguments themselves (else the args array). Jobs attach to the
// open gate, a promise nobody resolved yet; a gate holds at most CHUNK jobs. The worker's loop
// releases one gate per turn (`release`): V8 then queues that gate's jobs in the order they were
// attached and runs them right after the loop's turn, so the k-th job to run takes the k-th entry of
// the ring. A released gate takes no more jobs: a job attached to a resolved promise would run before
// the entries of gates still closed, and take their places.
// WHY: a task that waits here costs a plain promise, its reaction and the cell — no resolve function
// with its context per task (about 170 bytes, most of it alive while a burst of 100k waits), and
// `await`/`Promise.all` take V8's fast path for a plain promise; and the caller's args array is not
// kept (short arrays are copied into the ring, so the array dies young, which costs the GC nothing). Such a burst is mostly GC work,
// proportional to what each waiting task keeps alive. Releasing by chunks keeps the loop's turns
// short (mail, cancels and sockets are looked at between chunks), as running them one by one did.
import type { SpawnOptions, TaskContext, TaskDef } from '@runtime-traits/core';
import { deferred, Fifo, TaskCell, type Deferred, type TaskHandle, type TaskOwner, type TaskSet } from '@runtime-traits/kit';

type AnyDef = TaskDef<unknown[], unknown>;

/** Jobs per gate: a loop turn runs at most this many of them. */
const CHUNK = 1024;
/** Arguments copied into the ring; a longer args array is kept instead. */
const MAX_INLINE = 3;

export class LocalJobs {
  /**
   * Entries in spawn order, each [cell, def, n, arg0 … arg(n-1)] for n <= MAX_INLINE, else [cell, def, -1, args].
   * Invariant: one attached job per entry, and jobs run in entry order. Its array is reused, so a
   * steady stream of bursts allocates nothing here; it keeps up to 6 MB (a burst of 100k uses 2.4 MB).
   */
  private readonly ring = new Fifo<unknown>(3 * 262144);
  /** The gate new jobs attach to, and how many did. */
  private open: Deferred<void> | undefined;
  private openCount = 0;
  /** Full gates, oldest first, not yet released. */
  private readonly full: Array<Deferred<void>> = [];
  /** Jobs attached to gates not yet released. */
  waiting = 0;
  /** Bodies run here (a metric). */
  ran = 0;
  /** The def and arguments of the job running now (runJob calls `call` at once: no closure per task). */
  private def: AnyDef | undefined;
  private argc = 0;
  private a0: unknown;
  private a1: unknown;
  private a2: unknown;
  private args: unknown[] | undefined;

  private readonly makeCell = (id: number, owner: TaskOwner, name: string | undefined, signal?: AbortSignal): TaskCell<unknown> => {
    // Attached here, after TaskSet.create admitted the task: a spawn that throws leaves no job behind.
    const open = this.open ??= deferred<void>();
    return new TaskCell<unknown>(id, owner, name, signal, open.promise.then(this.runNext));
  };

  /** A new task of `tasks` whose body runs on this thread once its gate is released. */
  spawn(tasks: TaskSet, def: AnyDef, args: unknown[], opts: SpawnOptions | undefined): TaskHandle<unknown> {
    const cell = tasks.create(opts, this.makeCell);
    const n = args.length;
    const ring = this.ring;
    ring.push(cell);
    ring.push(def);
    if (n <= MAX_INLINE) {
      ring.push(n);
      for (let i = 0; i < n; i++) ring.push(args[i]);
    } else {
      ring.push(-1);
      ring.push(args);
    }
    this.waiting++;
    if (++this.openCount === CHUNK) {
      this.full.push(this.open!);
      this.open = undefined;
      this.openCount = 0;
    }
    return cell.handle;
  }

  /** Releases the oldest gate (its jobs run after the current macrotask); returns how many jobs it had. */
  release(): number {
    let gate = this.full.shift();
    let n = CHUNK;
    if (!gate) {
      gate = this.open;
      n = this.openCount;
      this.open = undefined;
      this.openCount = 0;
      if (!gate) return 0;
    }
    this.waiting -= n;
    gate.resolve();
    return n;
  }

  private readonly runNext = (): unknown => {
    const ring = this.ring;
    const cell = ring.shift() as TaskCell<unknown>;
    const def = ring.shift() as AnyDef;
    const n = ring.shift() as number;
    // Taken off the ring in any case; kept only when the body will run (else runJob only rejects the handle).
    const live = cell.state === 'pending';
    if (n < 0) {
      const args = ring.shift() as unknown[];
      if (live) this.args = args;
    } else if (n > 0) {
      const a0 = ring.shift();
      const a1 = n > 1 ? ring.shift() : undefined;
      const a2 = n > 2 ? ring.shift() : undefined;
      if (live) {
        this.a0 = a0;
        this.a1 = a1;
        this.a2 = a2;
      }
    }
    if (live) {
      this.def = def;
      this.argc = n;
    }
    this.ran++;
    return cell.runJob(this.call); // throws when the task was cancelled (its handle then rejects)
  };

  private readonly call = (cx: TaskContext): unknown => {
    const { def, a0, a1, a2, args } = this;
    this.def = this.a0 = this.a1 = this.a2 = this.args = undefined;
    switch (this.argc) {
      case 0: return def!.fn(cx);
      case 1: return def!.fn(cx, a0);
      case 2: return def!.fn(cx, a0, a1);
      case 3: return def!.fn(cx, a0, a1, a2);
      default: return def!.fn(cx, ...args!);
    }
  };
}
