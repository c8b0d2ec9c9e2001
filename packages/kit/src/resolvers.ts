// Taking a new promise's resolve (and reject) functions without making a closure for each promise.
//
// HOW: `new Promise(executor)` calls its executor synchronously, once, before it returns. So one
// module-level executor can hand the functions over through a module-level variable: the caller
// sets the target, constructs the promise, and the functions are in place when the constructor
// returns. Nothing can run in between (the executor below calls no user code), so one variable is enough.
// WHY: `new Promise((res, rej) => { ... })` makes a closure and its context for every promise: about
// 100 bytes and a few nanoseconds, which the hot paths (a task handle, a sleep, a read that waits)
// pay millions of times.

/** An object that receives a promise's resolve and reject functions. */
export interface Settles<T> {
  /** Set to the promise's resolve function. */
  resolve: (value: T) => void;
  /** Set to the promise's reject function. */
  reject: (reason: unknown) => void;
}

let target: Settles<never> | undefined;

function intoTarget(resolve: (value: never) => void, reject: (reason: unknown) => void): void {
  target!.resolve = resolve;
  target!.reject = reject;
  target = undefined;
}

/** A new promise whose resolve and reject are stored on `into` (as its `resolve` and `reject`). */
export function promiseInto<T>(into: Settles<T>): Promise<T> {
  target = into as Settles<never>;
  return new Promise<T>(intoTarget as (resolve: (value: T) => void, reject: (reason: unknown) => void) => void);
}

/**
 * The resolve function of the promise made last with `keepResolve` as its executor:
 * `const p = new Promise(keepResolve); const resolve = keptResolve;`. Only resolve is kept: a failure
 * resolves with a rejected promise instead, which lets the reject function (about 60 bytes) be collected at once.
 */
export let keptResolve: ((value: unknown) => void) | undefined;

/** An executor for `new Promise` (or a promise subclass's `super`) that leaves resolve in `keptResolve`. */
export function keepResolve(resolve: (value: unknown) => void): void {
  keptResolve = resolve;
}
