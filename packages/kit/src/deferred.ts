// A promise with its resolve and reject in hand (Node 20 lacks Promise.withResolvers).
import { promiseInto } from './resolvers.js';

/** A promise and the functions that settle it. */
export interface Deferred<T> {
  /** Settles when `resolve` or `reject` is first called. */
  promise: Promise<T>;
  /** Resolves `promise` with `value` (or follows it, when a thenable); later calls do nothing. */
  resolve(value: T | PromiseLike<T>): void;
  /** Rejects `promise` with `reason`; later calls do nothing. */
  reject(reason?: unknown): void;
}

const unset = (): void => {};

/** A new pending promise with its resolve and reject in hand (`Promise.withResolvers`, which Node 20 lacks). */
export function deferred<T>(): Deferred<T> {
  const d: Deferred<T> = { promise: undefined as unknown as Promise<T>, resolve: unset, reject: unset };
  d.promise = promiseInto<T>(d as never);
  return d;
}
