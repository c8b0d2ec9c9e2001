// What this runtime can do: the pool's own capabilities plus those its workers' NodeReactor detected on this engine.
import type { Capability } from '@runtime-traits/core';

/** The pool's (spawn.parallel, spawn.blocking, join.parallel) and the reactor's (net.*, reusePort probed by node). */
export function runtimeCapabilities(reactor: ReadonlySet<Capability>): ReadonlySet<Capability> {
  const caps = new Set<Capability>(['spawn.parallel', 'spawn.blocking', 'join.parallel']);
  for (const cap of reactor) caps.add(cap);
  return caps;
}
