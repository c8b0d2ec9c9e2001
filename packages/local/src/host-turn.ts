// The host hooks the runtime looks up on globalThis: one macrotask turn, a real timer, a real clock.
//
// WHY a macrotask: every microtask runs before the next macrotask, so when a macrotask callback runs
// the microtask queue is empty: every task has gone as far as it can and waits on something. That
// is how the scheduler knows that all tasks are idle before it moves virtual time on. The cheapest
// turn is preferred: setImmediate (Node, Bun), else a MessageChannel post (browsers, Deno, workers),
// else setTimeout(0) (any host with timers; browsers clamp nested ones to 4 ms).
import { Fifo } from '@runtime-traits/kit';

type Callback = () => void;
type HostGlobals = {
  setImmediate?: (cb: Callback) => unknown;
  MessageChannel?: new () => { port1: { onmessage: unknown; close?(): void }; port2: { postMessage(v: unknown): void } };
  setTimeout?: (cb: Callback, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  performance?: { now(): number };
};

const host = globalThis as unknown as HostGlobals;

/** Runs `cb` in a later macrotask. */
export type MacrotaskTurn = (cb: Callback) => void;

export function findMacrotaskTurn(): MacrotaskTurn {
  const setImmediate = host.setImmediate;
  if (typeof setImmediate === 'function') return (cb) => void setImmediate(cb);
  const MessageChannel = host.MessageChannel;
  if (typeof MessageChannel === 'function') {
    // One channel, a FIFO of callbacks: each post runs the oldest. The port is opened only while
    // callbacks wait (an open port would keep some hosts alive).
    let channel: InstanceType<NonNullable<HostGlobals['MessageChannel']>> | undefined;
    const queue = new Fifo<Callback>();
    return (cb) => {
      if (!channel) {
        channel = new MessageChannel();
        channel.port1.onmessage = () => {
          const next = queue.shift()!;
          if (queue.length === 0) {
            channel!.port1.close?.();
            channel = undefined;
          }
          next();
        };
      }
      queue.push(cb);
      channel.port2.postMessage(null);
    };
  }
  const setTimeout = host.setTimeout;
  if (typeof setTimeout === 'function') return (cb) => void setTimeout(cb, 0);
  throw new TypeError('@runtime-traits/local needs setImmediate, MessageChannel or setTimeout on globalThis');
}

/** A real timer: `set(cb, ms)` returns a cancel function. Needed only by the real clock. */
export function findRealTimer(): (cb: Callback, ms: number) => () => void {
  const setTimeout = host.setTimeout;
  const clearTimeout = host.clearTimeout;
  if (typeof setTimeout !== 'function' || typeof clearTimeout !== 'function') {
    throw new TypeError("clock: 'real' needs setTimeout and clearTimeout on globalThis");
  }
  return (cb, ms) => {
    const handle = setTimeout(cb, ms);
    return () => clearTimeout(handle);
  };
}

/** Monotonic real milliseconds. */
export function findRealNow(): () => number {
  const performance = host.performance;
  if (performance && typeof performance.now === 'function') return () => performance.now();
  return () => Date.now();
}
