// withNodeApis(runtime, fn): unmodified Node code inside any runtime — while fn and everything it schedules runs, Node's own APIs resolve to the runtime.
//
// fn runs at once, inside the runtime's scope (scope/scope.ts): Node's net, tls, dns, timers,
// timers/promises — and on a virtual-time runtime Date, performance.now(), process.hrtime(),
// Math.random(), crypto's random functions and async fs — then resolve to the runtime for fn and
// for every callback, promise job and event it leads to (AsyncLocalStorage carries the scope). The
// returned promise settles with fn's result as soon as fn's own promise does; the scope itself
// lives on, like a process, while anything ref'd that it started is pending (a timer, a socket, a
// listening server) and dies with the runtime (shutdown, or its simulated host's crash: then nothing
// of it runs again, and nothing of it rejects). Calls on one runtime, nested or not, share its scope.
import type { Runtime } from '@runtime-traits/core';
import { UnsupportedError } from '@runtime-traits/core';
import { show } from '@runtime-traits/core/kit';
import { patchLease } from './apis/install.js';
import { runIn } from './scope/context.js';
import { Scope } from './scope/scope.js';

Scope.useLease(patchLease);

function checkRuntime(value: unknown): Runtime {
  const r = value as Partial<Runtime> | null;
  if (typeof r !== 'object' || r === null || typeof r.reactor !== 'object' || r.reactor === null
    || typeof r.reactor.net !== 'object' || typeof r.reactor.clock !== 'object' || !(r.capabilities instanceof Set)) {
    throw new TypeError(`runtime must be a Runtime (with reactor and capabilities), got ${show(value)}`);
  }
  return value as Runtime;
}

/**
 * Runs `fn` with Node's own APIs resolved to `runtime` (see the package README for exactly which),
 * and resolves with what `fn` returns (or rejects with what it throws).
 *
 * @param runtime The runtime whose network, clock and (on a Simulation host) randomness Node code should use.
 * @param fn The code to run; sockets and timers it opens belong to this scope.
 * @throws TypeError when `runtime` is not a Runtime or `fn` is not a function.
 * @throws UnsupportedError (`time.virtual`) for a virtual-time runtime that offers no `HostHooks`; and
 *   (no capability) on an engine whose Node APIs cannot all be patched (Bun): nothing stays patched.
 */
export function withNodeApis<T>(runtime: Runtime, fn: () => T | Promise<T>): Promise<T> {
  const rt = checkRuntime(runtime);
  if (typeof fn !== 'function') throw new TypeError(`fn must be a function, got ${show(fn)}`);
  if (rt.capabilities.has('time.virtual') && !Scope.canHost(rt)) {
    throw new UnsupportedError('time.virtual', `withNodeApis cannot give Node's timers the virtual time of runtime ${rt.name}: it offers no HostHooks (see core's host-integration.ts)`);
  }
  const scope = Scope.of(rt);
  scope.enter();
  let result: T | Promise<T>;
  try {
    result = runIn(scope, fn);
  } catch (error) {
    scope.leave();
    return Promise.reject(error);
  }
  const settled: Promise<T> = Promise.resolve(result).then(
    (value) => {
      scope.leave();
      return value;
    },
    (error: unknown) => {
      scope.leave();
      // fn failed because its host died (a crash cancels what it awaited): whoever awaits this promise
      // still gets the error, but one left unawaited (`void withNodeApis(server, boot)`) is no unhandled rejection.
      if (scope.frozen) queueMicrotask(() => { settled.catch(() => {}); });
      throw error;
    },
  );
  return settled;
}
