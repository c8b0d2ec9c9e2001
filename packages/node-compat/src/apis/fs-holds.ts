// File IO inside a scope on a virtual-time runtime: done at once (its Sync twin), or under a hold that freezes the simulation until it settles.
//
// A file read is foreign to a simulation: it takes real time, and its result could land at any
// point of the run. So on a simulated host:
//   - an fs call with a synchronous twin and a single result (fs.promises.readFile, fs.stat(path, cb)…)
//     runs as that twin, at once, and its result is delivered as an already-settled promise (or a
//     nextTick callback) — exactly as a library's in-memory cache would answer. WHY: libraries cache
//     what they read (ioredis reads its package.json on its first connect in the process, and never
//     again); a read that answered a turn later than the cached answer would shift that one run's
//     order of events against every later run's, and a replay in a fresh process would differ;
//   - the rest (FileHandle operations, read/write with their several results, streams' reads) takes a
//     hold on the runtime (HostHooks.hold): virtual time stands still and nothing is judged idle until
//     the IO settles; the result is then delivered from the runtime's ready queue, in call order.
// Not covered: watchers (watch, watchFile) and FileHandle methods — their results arrive as foreign events.
import { AsyncResource } from 'node:async_hooks';
import fs from 'node:fs';
import { Scope } from '../scope/scope.js';
import type { PatchSet } from './patch-set.js';

type Fn = (...args: unknown[]) => unknown;

/** Callback-form functions that are not one-shot operations. */
const NOT_HELD = new Set(['createReadStream', 'createWriteStream', 'watch', 'watchFile', 'unwatchFile', 'openAsBlob']);
/** Callback forms whose callback gets more than (error, result): held instead of run at once. */
const SEVERAL_RESULTS = new Set(['read', 'readv', 'write', 'writev', 'exists']);
/** fs.promises functions whose result is not what their Sync twin returns. */
const OTHER_RESULT = new Set(['open', 'opendir']);

const syncs = fs as unknown as Record<string, Fn | undefined>;

function virtualScope(): Scope | undefined {
  const scope = Scope.active();
  return scope?.virtual ? scope : undefined;
}

/** A path, not a FileHandle (the promise API takes both; the Sync twins only paths and fds). */
function pathLike(value: unknown): boolean {
  return typeof value === 'string' || Buffer.isBuffer(value) || value instanceof URL;
}

function callbackForm(name: string, original: Fn): Fn {
  const twin = SEVERAL_RESULTS.has(name) ? undefined : syncs[`${name}Sync`];
  return function fsCall(this: unknown, ...args: unknown[]): unknown {
    const scope = virtualScope();
    const last = args.length - 1;
    const cb = args[last];
    if (scope === undefined || typeof cb !== 'function') return original.apply(this, args);
    const callback = AsyncResource.bind(cb as Fn);
    const deliver = (...result: unknown[]): void => {
      try {
        callback(...result);
      } catch (error) {
        scope.uncaught(error);
      }
    };
    if (twin) {
      let result: unknown;
      try {
        result = twin.apply(fs, args.slice(0, last));
      } catch (error) {
        process.nextTick(deliver, error);
        return undefined;
      }
      process.nextTick(deliver, null, result);
      return undefined;
    }
    const release = scope.hooks!.hold(`fs.${name} done`);
    args[last] = (...result: unknown[]) => release(() => deliver(...result));
    try {
      return original.apply(this, args);
    } catch (error) {
      release();
      throw error;
    }
  };
}

function promiseForm(name: string, original: Fn): Fn {
  const twin = OTHER_RESULT.has(name) ? undefined : syncs[`${name}Sync`];
  return function fsPromise(this: unknown, ...args: unknown[]): unknown {
    const scope = virtualScope();
    if (scope === undefined) return original.apply(this, args);
    if (twin && pathLike(args[0])) {
      try {
        return Promise.resolve(twin.apply(fs, args));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const release = scope.hooks!.hold(`fs.promises.${name} done`);
    let pending: Promise<unknown>;
    try {
      pending = Promise.resolve(original.apply(this, args));
    } catch (error) {
      release();
      throw error;
    }
    return new Promise((resolve, reject) => {
      pending.then((value) => release(() => resolve(value)), (error: unknown) => release(() => reject(error)));
    });
  };
}

/** `wrapper` with `fn`'s own properties (util.promisify's custom forms, realpath.native). */
function withPropsOf(wrapper: Fn, fn: Fn): Fn {
  for (const key of Reflect.ownKeys(fn)) {
    if (key === 'length' || key === 'name' || key === 'prototype') continue;
    Object.defineProperty(wrapper, key, Object.getOwnPropertyDescriptor(fn, key)!);
  }
  return wrapper;
}

/** Patches node:fs's asynchronous functions and fs.promises. */
export function installFsHolds(patches: PatchSet): void {
  const callbacks = fs as unknown as Record<string, unknown>;
  for (const name of Object.keys(callbacks)) {
    const fn = callbacks[name];
    if (typeof fn !== 'function' || name.endsWith('Sync') || !/^[a-z]/.test(name) || NOT_HELD.has(name)) continue;
    patches.set(callbacks, name, withPropsOf(callbackForm(name, fn as Fn), fn as Fn));
  }
  const promises = fs.promises as unknown as Record<string, unknown>;
  for (const name of Object.keys(promises)) {
    const fn = promises[name];
    if (typeof fn !== 'function' || name === 'watch') continue;
    patches.set(promises, name, promiseForm(name, fn as Fn));
  }
}
