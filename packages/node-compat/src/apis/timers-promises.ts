// node:timers/promises inside a scope: setTimeout, setImmediate, setInterval and scheduler.wait/yield on the scope's timers.
//
// Built on the scope's Timeout and Immediate, so they count as the host's pending work and run in
// its virtual time. An abort rejects with an AbortError (code ABORT_ERR, the signal's reason as
// cause), as Node's do. In a dead scope (its host crashed) the promise never settles: the code
// awaiting it is gone, and a rejection nobody handles must not reach the process.
import timersPromises from 'node:timers/promises';
import { CancelledError } from '@runtime-traits/core';
import { invalidArgType } from '../internal/node-errors.js';
import { Scope } from '../scope/scope.js';
import type { PatchSet } from './patch-set.js';
import { coerceDelay, Immediate, Timeout } from './timer-objects.js';

interface TimerOptions {
  signal?: AbortSignal;
  ref?: boolean;
}

const real = {
  setTimeout: timersPromises.setTimeout,
  setImmediate: timersPromises.setImmediate,
  setInterval: timersPromises.setInterval,
  wait: timersPromises.scheduler.wait.bind(timersPromises.scheduler),
  yield: timersPromises.scheduler.yield.bind(timersPromises.scheduler),
};

function abortError(signal: AbortSignal): Error {
  return new CancelledError('The operation was aborted', { cause: signal.reason });
}

/** The options as Node checks them (ERR_INVALID_ARG_TYPE, Node's wording); callers reject with the error, as Node's do. */
function checkTimerOptions(options: unknown): TimerOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) throw invalidArgType('options', 'of type object', options);
  const o = options as TimerOptions;
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw invalidArgType('options.signal', 'an instance of AbortSignal', o.signal);
  if (o.ref !== undefined && typeof o.ref !== 'boolean') throw invalidArgType('options.ref', 'of type boolean', o.ref);
  return o;
}

/** A delay as Node checks it: a number or nothing (a bad number becomes 1 ms later, with Node's warning). */
function checkDelay(delay: unknown): void {
  if (delay !== undefined && typeof delay !== 'number') throw invalidArgType('delay', 'of type number', delay);
}

/** A promise of `start(options)`, or rejected with the delay's or the options' error. */
function checked<T>(delay: unknown, options: unknown, start: (o: TimerOptions) => Promise<T>): Promise<T> {
  let o: TimerOptions;
  try {
    checkDelay(delay);
    o = checkTimerOptions(options);
  } catch (error) {
    return Promise.reject(error);
  }
  return start(o);
}

/** A promise settled by a scope timer (or an abort). */
function scopedPromise<T>(options: TimerOptions, start: (done: () => void) => { clear(): void; unref(): unknown }, value: T): Promise<T> {
  const { signal, ref } = options;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      timer.clear();
      reject(abortError(signal!));
    };
    const timer = start(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    });
    if (ref === false) timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function setTimeout<T = void>(delay?: number, value?: T, options?: TimerOptions): Promise<T> {
  const scope = Scope.active();
  if (scope === undefined) return real.setTimeout(delay, value, options) as Promise<T>;
  return checked(delay, options, (opts) => scopedPromise(opts, (done) => new Timeout(scope, done, coerceDelay(delay), undefined, false), value as T));
}

function setImmediate<T = void>(value?: T, options?: TimerOptions): Promise<T> {
  const scope = Scope.active();
  if (scope === undefined || scope.loop === undefined) return real.setImmediate(value, options) as Promise<T>;
  return checked(undefined, options, (opts) => scopedPromise(opts, (done) => new Immediate(scope, done, undefined), value as T));
}

function setInterval<T = void>(delay?: number, value?: T, options?: TimerOptions): AsyncIterableIterator<T> {
  const scope = Scope.active();
  if (scope === undefined) return real.setInterval(delay, value, options) as AsyncIterableIterator<T>;
  return intervalIterator(scope, delay, value as T, options);
}

/** Ticks that came while the consumer was busy are yielded one after another, as Node does; bad options reject the first next(). */
async function* intervalIterator<T>(scope: Scope, delay: unknown, value: T, options: unknown): AsyncGenerator<T> {
  checkDelay(delay);
  const { signal, ref } = checkTimerOptions(options);
  const ms = coerceDelay(delay);
  if (signal?.aborted) throw abortError(signal);
  let ticks = 0;
  let wake: (() => void) | undefined;
  const timer = new Timeout(scope, () => {
    ticks++;
    wake?.();
  }, ms, undefined, true);
  if (ref === false) timer.unref();
  const onAbort = (): void => wake?.();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (ticks === 0 && !signal?.aborted) await new Promise<void>((resolve) => { wake = resolve; });
      wake = undefined;
      if (signal?.aborted) throw abortError(signal);
      for (; ticks > 0; ticks--) yield value;
    }
  } finally {
    timer.clear();
    signal?.removeEventListener('abort', onAbort);
  }
}

const scheduler = {
  wait(delay: number, options?: TimerOptions): Promise<void> {
    return Scope.active() === undefined ? real.wait(delay, options) : setTimeout(delay, undefined, options);
  },
  yield(): Promise<void> {
    return Scope.active()?.loop === undefined ? real.yield() : setImmediate();
  },
};

export const promiseTimers = { setTimeout, setImmediate, setInterval };

/** Patches node:timers/promises (and its scheduler). */
export function installTimerPromises(patches: PatchSet): void {
  for (const [name, fn] of Object.entries(promiseTimers)) patches.set(timersPromises, name, fn);
  patches.set(timersPromises.scheduler, 'wait', scheduler.wait);
  patches.set(timersPromises.scheduler, 'yield', scheduler.yield);
}
