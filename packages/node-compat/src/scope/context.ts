// The async context of withNodeApis: which scope the code running now belongs to, and the hooks that carry it into a runtime's tasks.
//
// HOW: one AsyncLocalStorage whose store is the Scope. Node carries it through every callback,
// promise job and event the code schedules; node-compat's own timers carry it explicitly (an
// AsyncResource per timer). A runtime that starts tasks from its own queue (the local runtime)
// asks the ASYNC_CONTEXT hooks published here to start each task in its spawner's scope — but only
// a task of that scope's own runtime: a task spawned on another host runs outside every scope.
// `outside(fn)` runs the runtime's machinery with no scope, so a runtime that itself calls Node's
// APIs (the node runtime's net.connect, setTimeout) gets Node's own, never the patched ones again.
import { AsyncLocalStorage } from 'node:async_hooks';
import { ASYNC_CONTEXT, type AsyncContextHooks } from '@runtime-traits/core';
import type { Scope } from './scope.js';

const storage = new AsyncLocalStorage<Scope>();

/** The scope of the code running now, if any. */
export function currentScope(): Scope | undefined {
  return storage.getStore();
}

/** Runs `fn` inside `scope`. */
export function runIn<T>(scope: Scope | undefined, fn: () => T): T {
  return storage.run(scope as Scope, fn);
}

/** Runs `fn` outside every scope (AsyncLocalStorage#exit disables the storage and costs microseconds; run(undefined) does not). */
export function outside<T>(fn: () => T): T {
  return storage.run(undefined as unknown as Scope, fn);
}

/** Once no scope is left: the storage stops tracking (its async hooks cost every promise); the next run() turns it on again. */
export function disableContext(): void {
  storage.disable();
}

const NO_SCOPE = Symbol('no scope');

const contextHooks: AsyncContextHooks = {
  capture(runtime: object): unknown {
    const scope = storage.getStore();
    return scope !== undefined && scope.runtime === runtime ? scope : NO_SCOPE;
  },
  run<T>(context: unknown, fn: () => T): T {
    return storage.run((context === NO_SCOPE ? undefined : context) as Scope, fn);
  },
};

/** Publishes (or withdraws) the hooks runtimes use to start tasks in their spawner's scope. */
export function publishContextHooks(on: boolean): void {
  const g = globalThis as { [ASYNC_CONTEXT]?: AsyncContextHooks };
  if (on) g[ASYNC_CONTEXT] = contextHooks;
  else if (g[ASYNC_CONTEXT] === contextHooks) delete g[ASYNC_CONTEXT];
}
