// Library state that outlives a scope, re-homed into it: undici's process-wide timer wheel and global dispatcher, and http's global agent.
//
// Some libraries keep one object for the whole process. Shared by two simulated hosts, or left over
// from one run to the next, such an object couples them: undici's fast timers (its headers, body,
// keep-alive and connect timeouts above 1 s) all hang off ONE unref'd Node timer created by whoever
// needed it first, and its list of pending timers survives a run — so run 2 starts where run 1
// stopped and traces differently. Its global dispatcher (used by `fetch` and `request` without a
// dispatcher) and http's globalAgent pool sockets per origin across every host of a simulation.
// So inside a scope on a simulated host:
//   - undici's `timers.setFastTimeout` / `timers.setTimeout` (every copy of undici/lib/util/timers.js
//     that has been loaded) give that host's own timers (exactly at the delay, not on a 500 ms tick);
//   - the global dispatcher's `dispatch` goes to an Agent of the host's own (same class, default
//     options), and `http.globalAgent` is an Agent of the host's own (Node's global options);
// both made on first use and gone with the scope. Elsewhere they are the process's, as before.
// Found how: undici's timer modules in require.cache, scanned when a simulated scope starts; where
// `module.registerHooks` exists (detected), a load hook also catches one loaded while a scope is live.
// What is not re-homed (another library's singleton) is caught when it matters: a socket of one
// host written from another throws UnsupportedError (scope.ts checkUse), and checkDeterminism shows
// the run that diverged.
import { createRequire } from 'node:module';
import module from 'node:module';
import http from 'node:http';
import { Scope } from '../scope/scope.js';
import type { PatchSet } from './patch-set.js';
import { Timeout } from './timer-objects.js';

type Fn = (...args: unknown[]) => unknown;
interface UndiciTimers { setTimeout: Fn; setFastTimeout?: Fn; kFastTimer?: symbol }
interface Dispatcher { dispatch: Fn }

const require = createRequire(import.meta.url);
const UNDICI_TIMERS = /[\\/]undici[\\/]lib[\\/]util[\\/]timers\.js$/;
const UNDICI_AGENT = /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]agent\.js$/;
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');
const httpAgentModule = require('_http_agent') as { globalAgent: http.Agent };

/** What this install has patched (a new install starts afresh: the last one's patches were put back). */
let patchedModules = new WeakSet<object>();
let patchedDispatchers = new WeakSet<object>();
let scannedModules = -1;
/** An undici Agent class from the undici package (whose timers are re-homed), found in require.cache. */
let packageAgent: (new () => Dispatcher) | undefined;

/** A scope that keeps its own copies of library singletons (a simulated host). */
function homeScope(): Scope | undefined {
  const scope = Scope.active();
  return scope?.closedWorld && scope.loop ? scope : undefined;
}

function patchUndiciTimers(patches: PatchSet, timers: UndiciTimers): void {
  if (patchedModules.has(timers) || typeof timers.setTimeout !== 'function') return;
  patchedModules.add(timers);
  const kFastTimer = timers.kFastTimer;
  const realSet = timers.setTimeout;
  const fast = (scope: Scope, callback: Fn, delay: number, arg: unknown): Timeout => {
    const timer = new Timeout(scope, callback as (...a: unknown[]) => void, Math.max(1, delay), [arg], false);
    timer.unref(); // as undici's: its tick timer is unref'd, so a fast timer keeps nothing alive
    if (kFastTimer) Object.defineProperty(timer, kFastTimer, { value: true });
    return timer;
  };
  patches.set(timers, 'setTimeout', function setTimeout(callback: Fn, delay: number, arg: unknown): unknown {
    const scope = homeScope();
    if (scope === undefined) return realSet(callback, delay, arg);
    if (delay <= 1000) return new Timeout(scope, callback as (...a: unknown[]) => void, Math.max(1, delay), [arg], false);
    return fast(scope, callback, delay, arg);
  });
  const realFast = timers.setFastTimeout;
  if (typeof realFast === 'function') {
    patches.set(timers, 'setFastTimeout', function setFastTimeout(callback: Fn, delay: number, arg: unknown): unknown {
      const scope = homeScope();
      return scope === undefined ? realFast(callback, delay, arg) : fast(scope, callback, delay, arg);
    });
  }
}

function patchDispatcher(patches: PatchSet): void {
  const global = (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER] as Dispatcher | undefined;
  if (global === undefined || patchedDispatchers.has(global) || typeof global.dispatch !== 'function') return;
  patchedDispatchers.add(global);
  const realDispatch = global.dispatch;
  const globalAgent = global.constructor as new () => Dispatcher;
  patches.set(global, 'dispatch', function dispatch(this: Dispatcher, ...args: unknown[]): unknown {
    const scope = homeScope();
    if (scope === undefined || this !== global) return realDispatch.apply(this, args);
    let own = scope.library.get(global) as Dispatcher | undefined;
    if (own === undefined) {
      // The undici package's Agent when one is loaded: Node's own copy (global fetch's) keeps its timers process-wide.
      own = new (packageAgent ?? globalAgent)();
      scope.library.set(global, own);
    }
    return own.dispatch(...args);
  });
}

function patchHttpGlobalAgent(patches: PatchSet): void {
  let processAgent = httpAgentModule.globalAgent;
  patches.define(httpAgentModule, 'globalAgent', {
    enumerable: true,
    get(): http.Agent {
      const scope = homeScope();
      if (scope === undefined) return processAgent;
      let own = scope.library.get(httpAgentModule) as http.Agent | undefined;
      if (own === undefined) {
        own = new http.Agent({ keepAlive: true, scheduling: 'lifo', timeout: 5000 });
        scope.library.set(httpAgentModule, own);
      }
      return own;
    },
    set(value: http.Agent) {
      const scope = homeScope();
      if (scope === undefined) processAgent = value;
      else scope.library.set(httpAgentModule, value);
    },
  });
}

/** Looks for library singletons loaded since the last look (cheap when no module was loaded). */
export function rescanLibraries(patches: PatchSet): void {
  patchDispatcher(patches); // (its Agent class is looked up when first needed, after the scan below)
  const cache = require.cache;
  const ids = Object.keys(cache);
  if (ids.length === scannedModules) return;
  scannedModules = ids.length;
  for (const id of ids) {
    if (UNDICI_TIMERS.test(id)) {
      const exports = cache[id]?.exports as UndiciTimers | undefined;
      if (exports) patchUndiciTimers(patches, exports);
    } else if (packageAgent === undefined && UNDICI_AGENT.test(id) && typeof cache[id]?.exports === 'function') {
      packageAgent = cache[id]!.exports as new () => Dispatcher;
    }
  }
}

type RegisterHooks = (hooks: { load(url: string, context: unknown, next: (url: string, context: unknown) => unknown): unknown }) => { deregister?(): void };

/** Patches what is loaded now, and (where module.registerHooks exists) what loads while patched. Returns how to stop watching. */
export function installLibraryState(patches: PatchSet): () => void {
  scannedModules = -1;
  patchedModules = new WeakSet();
  patchedDispatchers = new WeakSet();
  patchHttpGlobalAgent(patches);
  rescanLibraries(patches);
  const registerHooks = (module as unknown as { registerHooks?: RegisterHooks }).registerHooks;
  if (typeof registerHooks !== 'function') return () => {};
  const hooks = registerHooks({
    load(url, context, next) {
      const result = next(url, context);
      if (UNDICI_TIMERS.test(url)) process.nextTick(() => rescanLibraries(patches));
      return result;
    },
  });
  return () => hooks.deregister?.();
}
