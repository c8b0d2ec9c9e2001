// The sim-http example: a cache in front of a slow backend (node:http + undici), unmodified in a Simulation.
export { runCache, runCacheOn, CACHE_SIM, cacheNaive, cacheFixed, VARIANTS, HOSTS, READERS, HTTP_FAULTS } from './scenario.js';
export { startCache, CACHE_PORT } from './cache.js';
export { startBackend, BACKEND_PORT } from './backend.js';

export type { CacheOptions, CacheStats } from './cache.js';
export type { Item, Disk } from './backend.js';
