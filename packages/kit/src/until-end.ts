// How a reader, a listener or a UDP socket is an async iterable: `for await` calls `next()` — read,
// accept, recv — until it gives null (end of stream, listener or socket closed).
//
// WHY not an async generator: a generator runs each step through its own resumption, one more
// promise hop per item than calling `next()` directly, and TCP reads are the hot path.

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * Iterates `next()` until it gives null or rejects. Leaving the loop early (`break`, `return`, a
 * throw) leaves the source open; after any of these the iterator reports done, as a generator would.
 */
export function untilEnd<T>(next: () => Promise<T | null>): AsyncIterableIterator<T> {
  let ended = false;
  const step = (value: T | null): IteratorResult<T, undefined> => {
    if (value !== null) return { done: false, value };
    ended = true;
    return DONE;
  };
  const fail = (error: unknown): never => {
    ended = true;
    throw error;
  };
  const iterator: AsyncIterableIterator<T> = {
    next: () => {
      if (ended) return Promise.resolve(DONE);
      try {
        return next().then(step, fail);
      } catch (error) {
        return Promise.reject(error).catch(fail);
      }
    },
    return: () => {
      ended = true;
      return Promise.resolve(DONE);
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
