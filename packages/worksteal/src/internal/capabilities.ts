// What this runtime can do: the pool's own capabilities plus those of a worker's NodeReactor on this Node.
import type { Capability } from '@runtime-traits/core';

/** The reactor's, detected from the running Node (the same on every thread of the process). */
export function reactorCapabilities(): Set<Capability> {
  const caps = new Set<Capability>(['net.tcp', 'net.udp', 'net.dns', 'net.tls']);
  if (process.platform !== 'win32') caps.add('net.unix');
  if (hasReusePort()) caps.add('net.reusePort');
  return caps;
}

export function runtimeCapabilities(reactor: Set<Capability>): ReadonlySet<Capability> {
  const caps = new Set<Capability>(['spawn.parallel', 'spawn.blocking', 'join.parallel']);
  for (const cap of reactor) caps.add(cap);
  return caps;
}

/** SO_REUSEPORT listening: Node 22.12+ (and 23.1+), Linux only. */
function hasReusePort(): boolean {
  if (process.platform !== 'linux') return false;
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major === 22) return minor >= 12;
  if (major === 23) return minor >= 1;
  return major > 23;
}
