// What this Node can do, detected from the running process rather than assumed.
import type { Capability } from '@runtime-traits/core';

let reusePort: boolean | undefined;
let probing: Promise<boolean> | undefined;

/**
 * Whether this engine can share a listening port between sockets (SO_REUSEPORT), found by trying:
 * two listeners on one loopback port, both asking for reusePort. An engine that ignores the option
 * (Node before 22.12, or a platform without it) fails the second with EADDRINUSE. Probed once per
 * thread; never inferred from a version number.
 */
export function detectReusePort(): Promise<boolean> {
  probing ??= probe().then((found) => (reusePort = found));
  return probing;
}

/** The probe's answer once detectReusePort() has settled on this thread; false before. */
export function hasReusePort(): boolean {
  return reusePort ?? false;
}

async function probe(): Promise<boolean> {
  const { createServer } = await import('node:net');
  const servers = [createServer(), createServer()];
  const listen = (server: (typeof servers)[number], port: number): Promise<number> => new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port, reusePort: true } as object, () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
  try {
    const port = await listen(servers[0]!, 0);
    await listen(servers[1]!, port);
    return true;
  } catch {
    return false;
  } finally {
    for (const server of servers) if (server.listening) server.close();
  }
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
