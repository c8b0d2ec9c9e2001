// Shard-per-core kv-server: re-exports.
export { startSharded, stopSharded } from './per-core.js';
export type { ShardedServer } from './per-core.js';
export { shardHold, shardKeys, shardRun, startShard, stopShard } from './shard.js';
export { ownerOf } from './route.js';
