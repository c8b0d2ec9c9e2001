// The kv-server on a simulated host, with a keyspace that survives the host's crashes (a stand-in for a disk fsync'd on every write).
import type { Runtime } from '@runtime-traits/core';
import { KvServer, Store } from '@runtime-traits-examples/kv-server/dist/src/lib/index.js';

export const KV_PORT = 6379;

/** The server's "disk": one Store for every incarnation of the host. */
export function makeDisk(host: Runtime): Store {
  return new Store(host.reactor.clock);
}

/**
 * Starts a KvServer on `host` at 0.0.0.0:6379 serving `disk` (its `store` option), so a crash loses
 * connections and in-flight commands but never an acknowledged write.
 */
export function startKvServer(host: Runtime, disk: Store): void {
  const server = new KvServer(host.executor, host.reactor.net, host.reactor.clock, { store: disk });
  host.executor.spawnLocal(() => server.listen({ host: '0.0.0.0', port: KV_PORT }), { name: 'kv-listen' }).detach();
}
