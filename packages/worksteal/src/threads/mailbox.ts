// A pool thread's mail port to the main thread: posting to main, and reading main's mail without waiting for an event.
//
// Main posts, then stores 1 in the thread's E.MAIL word and unparks it (thread-handle.ts), so a
// thread that sleeps in Atomics.wait, or runs a long batch, still finds its mail: the loop looks at
// E.MAIL once per turn (poll), and code that needs a message now (a cancel reason, a SharedArrayBuffer's
// announcement, a big join result) reads the port synchronously (pump) — receiveMessageOnPort needs
// no event loop turn.
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { E } from '../memory/layout.js';
import type { Shared } from '../memory/shared.js';
import type { ToMain, ToThread } from './messages.js';

export class Mailbox {
  private stopped = false;
  private readonly control: Int32Array;
  private readonly mailWord: number;

  constructor(shared: Shared, me: number, private readonly port: MessagePort, private readonly onMessage: (message: ToThread) => void) {
    this.control = shared.control;
    this.mailWord = shared.layout.endpointBase(me) + E.MAIL;
    port.on('message', onMessage);
  }

  post(message: ToMain, transfer?: Transferable[]): void {
    if (this.stopped) return;
    this.port.postMessage(message, transfer as never);
  }

  /** Handles every message waiting on the port now; false when there was none. */
  pump(): boolean {
    if (this.stopped) return false;
    let any = false;
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      any = true;
      this.onMessage(m.message as ToThread);
    }
    return any;
  }

  /** Once per loop turn: reads the mail if main said it posted some (a load, no syscall, when it did not). */
  poll(): void {
    if (Atomics.load(this.control, this.mailWord) === 0) return;
    Atomics.store(this.control, this.mailWord, 0);
    this.pump();
  }

  /** Whether main said it posted something not read yet. */
  get waiting(): boolean {
    return Atomics.load(this.control, this.mailWord) !== 0;
  }

  /** Sleeps up to `ms` or until main posts (for a thread that must wait synchronously for a message). */
  sleep(ms: number): void {
    Atomics.wait(this.control, this.mailWord, 0, ms);
  }

  /** Shutdown: the port closes, so it no longer keeps the thread's event loop alive. */
  close(): void {
    this.stopped = true;
    this.port.close();
  }
}
