// What this Node can do, detected from the running process rather than assumed.
import type { Capability } from '@runtime-traits/core';

/** SO_REUSEPORT listening arrived in Node 22.12 (and 23.1), on Linux only. */
export function hasReusePort(version = process.versions.node, platform = process.platform): boolean {
  if (platform !== 'linux') return false;
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major === 22) return minor >= 12;
  if (major === 23) return minor >= 1;
  return major > 23;
}

/** The reactor's capabilities on this Node. */
export function reactorCapabilities(): Set<Capability> {
  const caps = new Set<Capability>(['net.tcp', 'net.udp', 'net.dns', 'net.tls']);
  if (process.platform !== 'win32') caps.add('net.unix');
  if (hasReusePort()) caps.add('net.reusePort');
  return caps;
}

/** The runtime's: the reactor's plus a blocking pool. */
export function runtimeCapabilities(): ReadonlySet<Capability> {
  const caps = reactorCapabilities();
  caps.add('spawn.blocking');
  return caps;
}
