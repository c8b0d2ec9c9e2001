// Shard-per-core start and stop: the kv-server on every worker of a thread-per-core WorkStealingRuntime, each owning a shard of the keys.
import type { WorkStealingRuntime } from '@runtime-traits/worksteal';
import { startShard, stopShard } from './shard.js';

export interface ShardedServer {
  port: number;
  /** Workers that accept connections: all of them with net.reusePort, else worker 0 alone (which forwards to the owners). */
  listening: number;
  /** Workers, each owning a shard of the keyspace. */
  shards: number;
  reusePort: boolean;
}

/** Starts the sharded server on `rt` (created with `stealing: false`); `port` 0 picks a free one. */
export async function startSharded(rt: WorkStealingRuntime, at: { host?: string; port?: number } = {}): Promise<ShardedServer> {
  const host = at.host ?? '127.0.0.1';
  const reusePort = rt.capabilities.has('net.reusePort');
  // Worker 0 first: with port 0 the kernel picks the port the others then share.
  const port = await rt.spawnOn(0, startShard, [{ host, port: at.port ?? 0 }, reusePort, true]);
  await rt.broadcast(startShard, [{ host, port }, reusePort, reusePort]);
  // A worker that dies takes its shard's keys and its listener along (a crashed redis without
  // persistence loses its data too): its replacement starts the shard again, empty, and listens.
  rt.onWorkerRestart((worker, error) => {
    console.error(`kv-server: ${error.message}; shard ${worker} starts again, empty`);
    rt.spawnOn(worker, startShard, [{ host, port }, reusePort, reusePort || worker === 0]).then(undefined, (failed: unknown) => {
      console.error(`kv-server: shard ${worker} could not start again:`, failed);
    });
  });
  return { port, listening: reusePort ? rt.workers : 1, shards: rt.workers, reusePort };
}

/** Stops every worker's listener and connections (then shut the runtime down). */
export async function stopSharded(rt: WorkStealingRuntime): Promise<void> {
  await rt.broadcast(stopShard, []);
}
