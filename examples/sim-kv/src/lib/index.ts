// The sim-kv example: the kv-server under fault plans, checked for linearizability.
export { runKv, formatHistory, kvCorrect, kvRetryWrites, kvStaleReads, VARIANTS, CLIENTS, HOSTS, KV_FAULTS } from './scenario.js';
export { RetryingKv, CORRECT } from './retrying-kv.js';
export { startKvServer, makeDisk, KV_PORT } from './durable-server.js';

export type { KvPolicy } from './retrying-kv.js';
