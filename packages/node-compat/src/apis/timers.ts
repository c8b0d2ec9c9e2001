// The global and node:timers timers inside a scope: setTimeout, setInterval, setImmediate and their clears, resolved to the scope's runtime.
//
// In a scope, setTimeout/setInterval hand out a Timeout (timer-objects.ts) on the scope's HostLoop
// (a simulated host: virtual time, the host's pending work) or on Node's timers (a real-time
// runtime: the same clock, but the timer belongs to the scope); setImmediate is FIFO on the host's
// loop, or Node's own on a real-time runtime. Outside every scope each is Node's own, unchanged.
// Node's `util.promisify(setTimeout)` and `setImmediate` find the scope-aware timers/promises.
import timers from 'node:timers';
import { promisify } from 'node:util';
import { checkCallback } from '../internal/node-errors.js';
import { Scope } from '../scope/scope.js';
import type { PatchSet } from './patch-set.js';
import {
  realClearImmediate, realClearInterval, realClearTimeout, realSetImmediate, realSetInterval, realSetTimeout,
} from './originals.js';
import { coerceDelay, Immediate, Timeout } from './timer-objects.js';
import { promiseTimers } from './timers-promises.js';

type Callback = (...args: unknown[]) => void;


function setTimeout(callback: Callback, after?: number, ...args: unknown[]): unknown {
  const scope = Scope.active();
  if (scope === undefined) return realSetTimeout(callback, after, ...args);
  checkCallback(callback);
  return new Timeout(scope, callback, coerceDelay(after), args.length > 0 ? args : undefined, false);
}

function setInterval(callback: Callback, repeat?: number, ...args: unknown[]): unknown {
  const scope = Scope.active();
  if (scope === undefined) return realSetInterval(callback, repeat, ...args);
  checkCallback(callback);
  return new Timeout(scope, callback, coerceDelay(repeat), args.length > 0 ? args : undefined, true);
}

function setImmediate(callback: Callback, ...args: unknown[]): unknown {
  const scope = Scope.active();
  if (scope === undefined || scope.loop === undefined) return realSetImmediate(callback, ...args);
  checkCallback(callback);
  return new Immediate(scope, callback, args.length > 0 ? args : undefined);
}

/** clearTimeout and clearInterval (interchangeable, as in Node). */
function clearTimer(timer: unknown): void {
  if (timer instanceof Timeout) {
    timer.clear();
    return;
  }
  if (typeof timer === 'number' || typeof timer === 'string') {
    const ours = Timeout.byId(Number(timer));
    if (ours) {
      ours.clear();
      return;
    }
  }
  realClearTimeout(timer as NodeJS.Timeout);
}

function clearTimeout(timer: unknown): void {
  clearTimer(timer);
}

function clearInterval(timer: unknown): void {
  if (timer instanceof Timeout || typeof timer === 'number' || typeof timer === 'string') clearTimer(timer);
  else realClearInterval(timer as NodeJS.Timeout);
}

function clearImmediate(immediate: unknown): void {
  if (immediate instanceof Immediate) immediate.clear();
  else realClearImmediate(immediate as NodeJS.Immediate);
}

Object.defineProperty(setTimeout, promisify.custom, { value: promiseTimers.setTimeout, enumerable: false });
Object.defineProperty(setImmediate, promisify.custom, { value: promiseTimers.setImmediate, enumerable: false });

export const scopedTimers = { setTimeout, setInterval, setImmediate, clearTimeout, clearInterval, clearImmediate };

/** Patches the globals and node:timers. */
export function installTimers(patches: PatchSet): void {
  for (const [name, fn] of Object.entries(scopedTimers)) {
    patches.set(globalThis, name, fn);
    patches.set(timers, name, fn);
  }
}
