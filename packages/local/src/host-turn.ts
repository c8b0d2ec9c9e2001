// The host hooks the runtime looks up on globalThis: one macrotask turn, a real timer, a real clock.
//
// WHY a macrotask: every microtask runs before the next macrotask, so when a macrotask callback runs
// the microtask queue is empty: every task has gone as far as it can and waits on something. That
// is how the scheduler knows that all tasks are idle before it moves virtual time on. The cheapest
// turn is preferred: setImmediate (Node, Bun), else a MessageChannel post (browsers, Deno, workers),
// else setTimeout(0) (any host with timers; browsers clamp nested ones to 4 ms). Each is the host's
// original (host-globals.ts): a compat layer that patched the global is never asked for a turn.
import { Fifo } from '@runtime-traits/kit';
import { hostOriginal } from './host-globals.js';

type Callback = () => void;
type Channel = new () => { port1: { onmessage: unknown; close?(): void }; port2: { postMessage(v: unknown): void } };

/** Runs `cb` in a later macrotask. */
export type MacrotaskTurn = (cb: Callback) => void;

export function findMacrotaskTurn(): MacrotaskTurn {
  const setImmediate = hostOriginal('setImmediate');
  if (typeof setImmediate === 'function') return (cb) => void setImmediate(cb);
  const MessageChannel = hostOriginal('MessageChannel') as Channel | undefined;
  if (typeof MessageChannel === 'function') {
    // One channel, a FIFO of callbacks: each post runs the oldest. The port is opened only while
    // callbacks wait (an open port would keep some hosts alive).
    let channel: InstanceType<Channel> | undefined;
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
  const setTimeout = hostOriginal('setTimeout');
  if (typeof setTimeout === 'function') return (cb) => void setTimeout(cb, 0);
  throw new TypeError('@runtime-traits/local needs setImmediate, MessageChannel or setTimeout on globalThis');
}

/** A real timer: `set(cb, ms)` returns a cancel function. Needed only by the real clock. */
export function findRealTimer(): (cb: Callback, ms: number) => () => void {
  const setTimeout = hostOriginal('setTimeout');
  const clearTimeout = hostOriginal('clearTimeout');
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
  const performance = hostOriginal('performance');
  if (performance && typeof performance.now === 'function') return () => performance.now();
  return () => hostOriginal('Date')!.now();
}
