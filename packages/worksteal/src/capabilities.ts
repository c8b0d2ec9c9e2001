// What this runtime can do: the pool's own capabilities plus those its threads' NodeReactor detected on this engine.
import type { Capability, Reactor } from '@runtime-traits/core';

/** The reactor every thread of the pool has (a NodeReactor made by NodeReactor.create(), which probes net.reusePort). */
export type WorkerReactor = Reactor & { close(): Promise<void>; readonly capabilities: ReadonlySet<Capability> };

/** The pool's (spawn.parallel, spawn.blocking, join.parallel) and the reactor's (net.*, reusePort probed by node). */
export function runtimeCapabilities(reactor: ReadonlySet<Capability>): ReadonlySet<Capability> {
  const caps = new Set<Capability>(['spawn.parallel', 'spawn.blocking', 'join.parallel']);
  for (const cap of reactor) caps.add(cap);
  return caps;
}
