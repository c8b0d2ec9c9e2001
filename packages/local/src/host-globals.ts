// The host's own functions this runtime's machinery uses, and the async context its tasks start in — as a compat layer publishes them.
//
// WHY: a compat layer (node-compat's withNodeApis) may patch globals such as setImmediate and
// Date.now so that the code it runs sees this runtime. The runtime's machinery must keep the
// host's originals (a turn scheduled through a patched setImmediate would land on a host's own
// queue), so it reads them from the layer's `HOST_ORIGINALS` first, then from globalThis.
// A task starts from the ready queue, in whatever macrotask the turn runs in; the layer's
// `ASYNC_CONTEXT` hooks (when present) carry the spawner's context into the task instead.
import { ASYNC_CONTEXT, HOST_ORIGINALS, type AsyncContextHooks, type HostOriginals } from '@runtime-traits/core';

type Globals = HostOriginals & { [HOST_ORIGINALS]?: HostOriginals; [ASYNC_CONTEXT]?: AsyncContextHooks };

const host = globalThis as unknown as Globals;

/** The host's original `name` (published by a layer that patched it), else the current global. */
export function hostOriginal<K extends keyof HostOriginals>(name: K): HostOriginals[K] {
  return host[HOST_ORIGINALS]?.[name] ?? host[name];
}

/** The host's wall clock, in epoch ms, never a patched one. */
export function hostDateNow(): number {
  return (host[HOST_ORIGINALS]?.Date ?? Date).now();
}

/** A captured async context and the hooks that run in it; undefined when no layer publishes any. */
export interface CapturedContext {
  readonly hooks: AsyncContextHooks;
  readonly context: unknown;
}

/** The async context to start work of `owner` (a runtime) in, captured now. */
export function captureContext(owner: object): CapturedContext | undefined {
  const hooks = host[ASYNC_CONTEXT];
  return hooks === undefined ? undefined : { hooks, context: hooks.capture(owner) };
}

/** Runs `fn` in `captured` (or as is, when nothing was captured). */
export function runInContext(captured: CapturedContext | undefined, fn: () => void): void {
  if (captured === undefined) fn();
  else captured.hooks.run(captured.context, fn);
}
