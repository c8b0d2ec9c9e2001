// ReadyQueue: tasks waiting for their first run on this thread, drained by one promise job per burst.
//
// WHY a promise job and not queueMicrotask: Node wraps every queueMicrotask callback in an
// AsyncResource, which costs more than the rest of a spawn; one `then` on a settled promise drains a
// whole burst. Bodies therefore never run inside the spawn call, and a task cancelled before the
// drain never runs (TaskCell.run does nothing for a settled cell).
import type { Awaitable, TaskContext } from '../executor.js';
import type { TaskCell } from './task-cell.js';

type Body = (cx: TaskContext) => Awaitable<unknown>;

const RESOLVED = Promise.resolve();

export class ReadyQueue {
  /**
   * Cells and their bodies, interleaved: [cell0, body0, cell1, body1, …]. Slots head..tail-1 wait to
   * run; the array is reused (never shrunk below a burst's size) so a steady stream allocates nothing.
   */
  private readonly ready: Array<TaskCell<unknown> | Body | undefined> = [];
  private head = 0;
  private tail = 0;
  private drainScheduled = false;

  /** Tasks waiting for their first run. */
  get depth(): number {
    return (this.tail - this.head) / 2;
  }

  /** Runs `body` as `cell` soon, in push order, after the current synchronous code. */
  push(cell: TaskCell<unknown>, body: Body): void {
    const ready = this.ready;
    const tail = this.tail;
    if (tail === ready.length) ready.push(cell, body);
    else {
      ready[tail] = cell;
      ready[tail + 1] = body;
    }
    this.tail = tail + 2;
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      void RESOLVED.then(this.drain);
    }
  }

  /** Runs every ready task, including those pushed while draining. */
  private readonly drain = (): void => {
    const ready = this.ready;
    while (this.head < this.tail) {
      const at = this.head;
      const cell = ready[at] as TaskCell<unknown>;
      const body = ready[at + 1] as Body;
      ready[at] = ready[at + 1] = undefined;
      this.head = at + 2;
      cell.run(body);
    }
    this.head = this.tail = 0;
    this.drainScheduled = false;
    // A burst left a big array behind: let it go rather than keep it for ever.
    if (ready.length > 8192) ready.length = 0;
  };
}
