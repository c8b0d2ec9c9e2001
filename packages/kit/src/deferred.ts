// A promise with its resolve and reject in hand (Node 20 lacks Promise.withResolvers).
import { promiseInto } from './resolvers.js';

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T | PromiseLike<T>): void;
  reject(reason?: unknown): void;
}

const unset = (): void => {};

export function deferred<T>(): Deferred<T> {
  const d: Deferred<T> = { promise: undefined as unknown as Promise<T>, resolve: unset, reject: unset };
  d.promise = promiseInto<T>(d as never);
  return d;
}
