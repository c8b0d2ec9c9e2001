// SharedArrayBuffers passed as task arguments travel as a number: each thread learns a buffer once.
//
// 1. The first thread to send a buffer numbers it (G.SAB_NEXT, Atomics.add: unique across threads)
//    and announces { id, sab } by message BEFORE the slot naming it is queued: the main thread
//    posts it straight to every pool thread; a pool thread posts it to the main thread, which
//    forwards it to the others. Threads started later get every known buffer in their workerData.
//    The memory is shared, not copied.
// 2. A thread that reads a number it does not know yet pumps its mail synchronously
//    (receiveMessageOnPort) until the announcement arrives.
// Each distinct buffer is remembered by every thread for the runtime's lifetime (pass long-lived
// buffers, not a new one per task).
import { G } from './layout.js';

const GIVE_UP_MS = 30_000;

export class SabRegistry {
  private readonly ids = new WeakMap<SharedArrayBuffer, number>();
  readonly byId = new Map<number, SharedArrayBuffer>();
  private readonly nap = new Int32Array(new SharedArrayBuffer(4));
  /** Announces a new buffer (set by the thread that owns this registry). */
  announce: (id: number, sab: SharedArrayBuffer) => void = () => undefined;
  /** Reads pending mail synchronously; returns false when there was none. */
  pump: () => boolean = () => false;

  constructor(private readonly control: Int32Array) {}

  idOf(sab: SharedArrayBuffer): number {
    let id = this.ids.get(sab);
    if (id === undefined) {
      id = Atomics.add(this.control, G.SAB_NEXT, 1);
      this.learn(id, sab);
      this.announce(id, sab);
    }
    return id;
  }

  learn(id: number, sab: SharedArrayBuffer): void {
    this.ids.set(sab, id);
    this.byId.set(id, sab);
  }

  get(id: number): SharedArrayBuffer {
    const deadline = Date.now() + GIVE_UP_MS;
    for (;;) {
      const found = this.byId.get(id);
      if (found) return found;
      if (this.pump()) continue;
      if (Date.now() > deadline) throw new Error(`worksteal: SharedArrayBuffer #${id} was never announced to this thread`);
      Atomics.wait(this.nap, 0, 0, 1);
    }
  }
}
