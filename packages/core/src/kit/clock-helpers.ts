// interval() and timeout() written once over any clock's now() and sleep(), with the contract's checks.
import { CancelledError, TimeoutError } from '../errors.js';
import { checkMs, checkSignal, checkOptions, isThenable, show } from './checks.js';

type Sleep = (ms: number, opts?: { signal?: AbortSignal }) => Promise<void>;

/**
 * Ticks at start + k·ms (no drift: a slow consumer skips nothing, each tick waits for the next due
 * instant). Yields `now()`. Ends on `break`/`return()`; rejects with CancelledError on abort.
 */
export function intervalOver(now: () => number, sleep: Sleep, ms: number, opts?: { signal?: AbortSignal }): AsyncIterableIterator<number> {
  checkMs(ms);
  if (ms === 0) throw new RangeError('ms must be > 0 for an interval, got 0');
  const signal = checkSignal(checkOptions<{ signal?: AbortSignal }>(opts)?.signal, 'opts.signal');
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(signal!.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  let next = now() + ms;
  let done = false;
  const finish = (): void => {
    done = true;
    signal?.removeEventListener('abort', onAbort);
    stop.abort();
  };
  const iterator: AsyncIterableIterator<number> = {
    async next() {
      if (done) return { done: true, value: undefined };
      if (signal?.aborted) {
        finish();
        throw abortError(signal.reason);
      }
      try {
        await sleep(Math.max(0, next - now()), { signal: stop.signal });
      } catch (error) {
        const aborted = signal?.aborted === true;
        const wasDone = done;
        finish();
        if (wasDone && !aborted) return { done: true, value: undefined };
        throw error;
      }
      next += ms;
      return { done: false, value: now() };
    },
    async return() {
      finish();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/**
 * A timer a clock can start and call off without an AbortSignal: what `timeout()` needs. Cancelling a
 * sleep through a signal costs an AbortController, its signal, the abort event, a DOMException and a
 * CancelledError, for a timer nobody waits on any more; `timeout()` calls off its timer every time the
 * work wins, so a clock that offers this pays none of that (see {@link timeoutWith}).
 */
export interface Deadline {
  /** Resolves when the time is up; rejects if the clock drops it (shut down, its host crashed); never settles once cancelled. */
  readonly reached: Promise<void>;
  /** Calls the timer off: it leaves the clock at once (an idle runtime keeps no timer). A no-op once it fired. */
  cancel(): void;
}

/**
 * Settles with `work`, or rejects with TimeoutError after `ms`, over any clock's `sleep`. A function
 * form receives a signal that is aborted (with the TimeoutError as reason) at the deadline, so the
 * work can stop.
 */
export function timeoutOver<T>(sleep: Sleep, ms: number, work: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T>)): Promise<T> {
  return timeoutWith((m) => {
    const timer = new AbortController();
    return { reached: sleep(m, { signal: timer.signal }), cancel: () => timer.abort() };
  }, ms, work);
}

/** {@link timeoutOver} for a clock that can start a {@link Deadline}: the same contract, without a signal per timer. */
export function timeoutWith<T>(start: (ms: number) => Deadline, ms: number, work: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T>)): Promise<T> {
  checkMs(ms);
  if (typeof work !== 'function' && !isThenable(work)) {
    throw new TypeError(`work must be a promise or a function (signal) => promise, got ${show(work)}`);
  }
  let deadline: AbortController | undefined; // only the function form has a signal to abort
  let promise: PromiseLike<T>;
  if (typeof work === 'function') {
    deadline = new AbortController();
    try {
      promise = work(deadline.signal);
    } catch (error) {
      return Promise.reject(error);
    }
    if (!isThenable(promise)) return Promise.reject(new TypeError(`work(signal) must return a promise, got ${show(promise)}`));
  } else {
    promise = work;
  }
  return new Promise<T>((resolve, reject) => {
    const timer = start(ms);
    timer.reached.then(() => {
      const error = new TimeoutError(`Timed out after ${ms} ms`);
      deadline?.abort(error);
      reject(error);
    }, ignore); // the clock dropped the timer (shutdown, a crashed host): the work's own outcome decides
    promise.then((value) => { timer.cancel(); resolve(value); }, (error) => { timer.cancel(); reject(error); });
  });
}

function ignore(): void {}

/** The CancelledError an aborted wait rejects with; keeps the signal's reason as `cause`. */
export function abortError(reason: unknown): CancelledError {
  if (CancelledError.is(reason)) return reason;
  return new CancelledError('The operation was aborted', reason === undefined ? undefined : { cause: reason });
}
