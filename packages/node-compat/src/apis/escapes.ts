// What would escape a simulated host, refused loud with UnsupportedError naming it: threads, child processes, real timers.
//
// On a simulated host (a closed world) these would run outside the simulation, in real time and
// out of its order, and silently make a seed replay differently — so they throw instead:
//   - new worker_threads.Worker(…), child_process.spawn/exec/execFile/fork (UnsupportedError 'spawn.parallel');
//   - on virtual time, a REAL Node timer: one made by a setTimeout/setInterval taken before the scope
//     (`const { setTimeout } = require('node:timers')` at load time), found as Node's Timeout is
//     built (its `_onTimeout` is set through an accessor on Timeout.prototype while patched), and a
//     real timer made outside re-armed inside with refresh() (UnsupportedError 'time.virtual').
//     Node's own internals keep theirs (http's Date-header cache, say): the check looks at the caller.
// AbortSignal.timeout(ms) on virtual time is an AbortSignal aborted by a scope timer, not Node's.
import childProcess from 'node:child_process';
import workerThreads from 'node:worker_threads';
import { UnsupportedError } from '@runtime-traits/core';
import { Scope } from '../scope/scope.js';
import { callSite, calledByNode } from './call-site.js';
import type { PatchSet } from './patch-set.js';
import { RealTimeoutPrototype } from './originals.js';
import { coerceDelay, Timeout } from './timer-objects.js';

type Fn = (...args: unknown[]) => unknown;

function closedScope(): Scope | undefined {
  const scope = Scope.active();
  return scope?.closedWorld ? scope : undefined;
}

function virtualScope(): Scope | undefined {
  const scope = Scope.active();
  return scope?.virtual ? scope : undefined;
}

function refuseSpawn(what: string): void {
  const scope = closedScope();
  if (scope) throw new UnsupportedError('spawn.parallel', `${what} inside simulated host ${scope.name} would run outside the simulation (at ${callSite()})`);
}

const RealWorker = workerThreads.Worker;
const Worker = function Worker(this: unknown, ...args: unknown[]): unknown {
  refuseSpawn('new worker_threads.Worker()');
  return Reflect.construct(RealWorker, args, new.target === Worker || new.target === undefined ? RealWorker : new.target);
} as unknown as typeof RealWorker;
Worker.prototype = RealWorker.prototype;
Object.setPrototypeOf(Worker, RealWorker);

function guardSpawn(name: string, fn: Fn): Fn {
  return function guarded(this: unknown, ...args: unknown[]): unknown {
    refuseSpawn(`child_process.${name}()`);
    return fn.apply(this, args);
  };
}

const realRefresh = (RealTimeoutPrototype as { refresh: Fn }).refresh;

function refresh(this: object): unknown {
  const scope = virtualScope();
  if (scope && !calledByNode()) {
    throw new UnsupportedError('time.virtual', `a real timer made outside simulated host ${scope.name} was re-armed inside it with refresh() `
      + `(at ${callSite()}): it would fire in real time. Create the timer inside the scope.`);
  }
  return realRefresh.call(this);
}

/**
 * Node's Timeout constructor sets `_onTimeout` (first to null): while patched, that lands here once
 * per real timer and becomes an own data property again, so nothing else about Node's timers changes.
 */
const onTimeoutAccessor: PropertyDescriptor = {
  configurable: true,
  get(this: object): unknown {
    return undefined;
  },
  set(this: object, value: unknown) {
    Object.defineProperty(this, '_onTimeout', { value, writable: true, enumerable: true, configurable: true });
    const scope = virtualScope();
    if (scope && !calledByNode()) {
      throw new UnsupportedError('time.virtual', `a setTimeout or setInterval taken before withNodeApis patched it was called inside simulated host ${scope.name} `
        + `(at ${callSite()}): it would fire in real time. Look the function up when calling it (globalThis.setTimeout, timers.setTimeout).`);
    }
  },
};

const realAbortSignalTimeout = AbortSignal.timeout.bind(AbortSignal);

function abortSignalTimeout(ms: number): AbortSignal {
  const scope = virtualScope();
  if (scope === undefined) return realAbortSignalTimeout(ms);
  const controller = new AbortController();
  const timer = new Timeout(scope, () => {
    controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }, coerceDelay(ms), undefined, false);
  timer.unref(); // as Node's: the signal does not keep anything alive by itself
  return controller.signal;
}

/** Patches worker_threads, child_process and AbortSignal.timeout. */
export function installEscapes(patches: PatchSet): void {
  patches.set(workerThreads, 'Worker', Worker);
  const cp = childProcess as unknown as Record<string, Fn>;
  for (const name of ['spawn', 'exec', 'execFile', 'fork']) patches.set(cp, name, guardSpawn(name, cp[name]!));
  patches.set(AbortSignal, 'timeout', abortSignalTimeout);
}

/**
 * Patches Node's Timeout prototype (refresh, and the `_onTimeout` accessor): added only once a scope
 * on virtual time opens, so every real timer of a process that only ever uses real-time runtimes
 * is built exactly as Node builds it.
 */
export function installRealTimerGuards(patches: PatchSet): void {
  patches.set(RealTimeoutPrototype, 'refresh', refresh);
  patches.define(RealTimeoutPrototype, '_onTimeout', onTimeoutAccessor);
}
