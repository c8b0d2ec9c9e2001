// Node's own functions, taken when this package loads — before any scope patches them — for the scopes' real-time backend and for putting back.
import timers from 'node:timers';

type Callback = (...args: unknown[]) => void;

export const realSetTimeout = timers.setTimeout as unknown as (cb: Callback, ms?: number, ...args: unknown[]) => NodeJS.Timeout;
export const realClearTimeout = timers.clearTimeout;
export const realSetInterval = timers.setInterval as unknown as (cb: Callback, ms?: number, ...args: unknown[]) => NodeJS.Timeout;
export const realClearInterval = timers.clearInterval;
export const realSetImmediate = timers.setImmediate as unknown as (cb: Callback, ...args: unknown[]) => NodeJS.Immediate;
export const realClearImmediate = timers.clearImmediate;
export const RealDate = Date;
export const realDateNow = Date.now;
export const realPerformanceNow = performance.now.bind(performance);
export const realMathRandom = Math.random;

/** Node's Timeout class prototype (internal; reached through a timer). */
export const RealTimeoutPrototype: object = (() => {
  const t = realSetTimeout(() => {}, 1);
  realClearTimeout(t);
  return Object.getPrototypeOf(t) as object;
})();

/** Node's own Timeout#refresh (re-arms a real timer in place, also after it fired). */
export const realTimeoutRefresh = (RealTimeoutPrototype as { refresh: (this: NodeJS.Timeout) => NodeJS.Timeout }).refresh;

/** Runs `cb` in a later macrotask, unref'd: Node's own setImmediate, never a scope's. */
export function realLater(cb: () => void): void {
  realSetImmediate(cb).unref();
}
