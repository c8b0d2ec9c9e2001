// Patching Node's APIs while scopes are live, and putting everything back a macrotask after the last one goes.
//
// The first scope to open installs every patch (timers, timers/promises, net, tls, dns, Date,
// performance, hrtime, Math.random, crypto, fs holds, the escape guards, library state), syncs the
// ESM bindings of the builtins (module.syncBuiltinESMExports, so `import { setTimeout } from
// 'node:timers'` follows), publishes the host originals the runtimes' own machinery must keep using
// (HOST_ORIGINALS) and the hooks that start a runtime's tasks in their spawner's scope
// (ASYNC_CONTEXT). Each patched function checks the scope of the code calling it and is Node's own
// outside every scope, so code running concurrently outside is unaffected. When the last scope
// ends or dies, the patches come off one macrotask later — not at once, so that promise jobs of a
// scope that just died, already queued, still meet the patched (inert) functions.
import { HOST_ORIGINALS, UnsupportedError, type HostOriginals } from '@runtime-traits/core';
import { disableContext, publishContextHooks } from '../scope/context.js';
import type { PatchLease, Scope } from '../scope/scope.js';
import { installClock } from './clock.js';
import { installDns } from './dns.js';
import { installEscapes, installRealTimerGuards } from './escapes.js';
import { installFsHolds } from './fs-holds.js';
import { installLibraryState, rescanLibraries } from './library-state.js';
import { installNet } from './net.js';
import { realClearTimeout, realDateNow, realLater, realPerformanceNow, realSetImmediate, realSetTimeout } from './originals.js';
import { PatchSet } from './patch-set.js';
import { installRandom } from './random.js';
import { installTimerPromises } from './timers-promises.js';
import { installTimers } from './timers.js';

const ORIGINALS: HostOriginals = {
  setImmediate: realSetImmediate,
  setTimeout: realSetTimeout,
  clearTimeout: realClearTimeout as (handle: unknown) => void,
  MessageChannel: globalThis.MessageChannel,
  performance: { now: realPerformanceNow },
  Date: { now: realDateNow },
};

let patches: PatchSet | undefined;
let guardsInstalled = false;
let stopWatching: (() => void) | undefined;
let holders = 0;
let removing = false;

function install(): PatchSet {
  const set = new PatchSet();
  try {
    fill(set);
  } catch (error) {
    set.restore(); // what was patched before the failure comes off again
    throw error;
  }
  return set;
}

function fill(set: PatchSet): void {
  set.set(globalThis, HOST_ORIGINALS, ORIGINALS);
  installTimers(set);
  installTimerPromises(set);
  installNet(set);
  installDns(set);
  installClock(set);
  installRandom(set);
  installFsHolds(set);
  installEscapes(set);
  stopWatching = installLibraryState(set);
  set.sync();
  publishContextHooks(true);
}

function uninstall(): void {
  removing = false;
  if (holders > 0 || patches === undefined) return;
  stopWatching?.();
  stopWatching = undefined;
  publishContextHooks(false);
  patches.restore();
  patches = undefined;
  guardsInstalled = false;
  disableContext(); // no scope left: Node's async hooks go quiet again for the code that runs on
}

/** The lease every live scope holds. */
export const patchLease: PatchLease = {
  acquire(scope: Scope): void {
    try {
      if (patches === undefined) patches = install();
      else if (scope.closedWorld) rescanLibraries(patches);
      if (scope.virtual && !guardsInstalled) {
        installRealTimerGuards(patches);
        guardsInstalled = true;
      }
    } catch (error) {
      // An engine whose Node APIs cannot all be patched (Bun's Timeout.prototype.refresh is not
      // configurable): nothing is left patched or held, and the caller learns why.
      if (holders === 0) uninstall();
      throw new UnsupportedError(undefined, `withNodeApis cannot patch Node's APIs on this engine (${(error as Error).message}): it runs on Node.js`);
    }
    holders++;
  },
  release(): void {
    holders--;
    if (holders === 0 && !removing) {
      removing = true;
      realLater(uninstall);
    }
  },
};

/** True while Node's APIs are patched (tests). */
export function isPatched(): boolean {
  return patches !== undefined;
}
